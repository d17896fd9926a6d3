# Generates a CIFAR-10-size binary set and a GTSRB-size set (official layout, random PPMs) for loader timing.
# Usage: python3 bench/generate_loader_data.py DIR  -> DIR/cifar (cifar10 --data) and DIR/gtsrb (gtsrb --data)
import os, random, sys
random.seed(0)
root = sys.argv[1]
c = os.path.join(root, "cifar")
os.makedirs(c, exist_ok=True)
for name, n in [(f"data_batch_{i}.bin", 10000) for i in range(1, 6)] + [("test_batch.bin", 10000)]:
    with open(os.path.join(c, name), "wb") as f:
        for _ in range(n):
            f.write(bytes([random.randrange(10)]) + os.urandom(3072))
g = os.path.join(root, "gtsrb")
per_class = [39209 // 43 + (1 if k < 39209 % 43 else 0) for k in range(43)]
def ppm(path, w, h):
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h) + os.urandom(w * h * 3))
for k in range(43):
    d = os.path.join(g, "Final_Training", "Images", "%05d" % k)
    os.makedirs(d, exist_ok=True)
    rows = ["Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId"]
    for i in range(per_class[k]):
        w, h = random.randint(25, 75), random.randint(25, 75)
        fn = "%05d_%05d.ppm" % (i // 30, i % 30)
        ppm(os.path.join(d, fn), w, h)
        rows.append(f"{fn};{w};{h};5;5;{w-5};{h-5};{k}")
    open(os.path.join(d, "GT-%05d.csv" % k), "w").write("\n".join(rows) + "\n")
t = os.path.join(g, "Final_Test", "Images")
os.makedirs(t, exist_ok=True)
rows = ["Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId"]
for i in range(12630):
    w, h = random.randint(25, 75), random.randint(25, 75)
    fn = "%05d.ppm" % i
    ppm(os.path.join(t, fn), w, h)
    rows.append(f"{fn};{w};{h};5;5;{w-5};{h-5};{random.randrange(43)}")
open(os.path.join(t, "GT-final_test.csv"), "w").write("\n".join(rows) + "\n")
