#!/usr/bin/env python3
# Usage: python3 tools/make_fm32.py [IDX_DIR] OUT_DIR   (standard library only)
# Writes "fm32": Fashion-MNIST in the CIFAR-10 binary layout, read with `--dataset cifar10 --data OUT_DIR`.
# Training images 0-49,999 (five data_batch_N.bin of 10,000 records) and all 10,000 test images
# (test_batch.bin); each 28x28 image is centred in a black 32x32 frame (2 px of zeros on every side)
# and repeated in the R, G and B planes. Padding, not resizing, keeps the garment's pixels unchanged,
# so accuracies stay comparable with the 1x28x28 runs. IDX_DIR defaults to Debian's
# dataset-fashion-mnist (/usr/share/datasets/fashion-mnist); files may be gzipped or not.
import gzip, os, struct, sys

if len(sys.argv) not in (2, 3):
    sys.exit("usage: make_fm32.py [IDX_DIR] OUT_DIR")
src = sys.argv[1] if len(sys.argv) == 3 else "/usr/share/datasets/fashion-mnist"
out = sys.argv[-1]


def idx(name):
    """Images as 784-byte strings, or labels as ints, from an IDX file (gzipped or not)."""
    p = os.path.join(src, name)
    if os.path.exists(p + ".gz"):
        f = gzip.open(p + ".gz")
    elif os.path.exists(p):
        f = open(p, "rb")
    else:
        sys.exit("make_fm32.py: %s(.gz) not found" % p)
    with f:
        d = f.read()
    magic, n = struct.unpack(">II", d[:8])
    if magic == 0x803:
        return [d[16 + i * 784:16 + (i + 1) * 784] for i in range(n)]
    return list(d[8:8 + n])


def record(label, img):
    plane = bytearray(1024)
    for r in range(28):
        plane[(r + 2) * 32 + 2:(r + 2) * 32 + 30] = img[r * 28:(r + 1) * 28]
    return bytes([label]) + bytes(plane) * 3


tx, ty = idx("train-images-idx3-ubyte"), idx("train-labels-idx1-ubyte")
vx, vy = idx("t10k-images-idx3-ubyte"), idx("t10k-labels-idx1-ubyte")
os.makedirs(out, exist_ok=True)
for b in range(5):
    with open(os.path.join(out, "data_batch_%d.bin" % (b + 1)), "wb") as f:
        f.writelines(record(ty[i], tx[i]) for i in range(b * 10000, (b + 1) * 10000))
with open(os.path.join(out, "test_batch.bin"), "wb") as f:
    f.writelines(record(vy[i], vx[i]) for i in range(10000))
print("fm32: 50000 training and 10000 test images in", out)
