#!/usr/bin/env python3
# Usage: python3 tools/make_k43.py OUT_DIR  (needs numpy); used for the 43-class weighting measurement in docs/RESULTS.md.
# 43-class synthetic image set (stands in for GTSRB's class count): each class is a smooth random
# prototype (sum of 3 Gaussian blobs at class-specific places), images are the prototype shifted by
# up to 2 px, scaled in contrast, plus pixel noise. Written as DIR/{train,test}/<class>/<n>.pgm
import numpy as np, os, sys
out = sys.argv[1]; rng = np.random.default_rng(43)
K, ntr, nte, S = 43, 300, 60, 28
yy, xx = np.mgrid[0:S, 0:S]
protos = []
for k in range(K):
    p = np.zeros((S, S))
    for _ in range(3):
        cy, cx = rng.uniform(4, S - 4, 2); s = rng.uniform(2, 5); a = rng.choice([-1, 1]) * rng.uniform(0.5, 1)
        p += a * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * s * s))
    protos.append(p)
def img(k):
    p = np.roll(protos[k], (rng.integers(-2, 3), rng.integers(-2, 3)), (0, 1))
    v = 128 + 60 * rng.uniform(0.7, 1.3) * p + rng.normal(0, 30, (S, S))
    return np.clip(v, 0, 255).astype(np.uint8)
for split, n in (("train", ntr), ("test", nte)):
    for k in range(K):
        d = os.path.join(out, split, "c%02d" % k); os.makedirs(d, exist_ok=True)
        for i in range(n):
            with open(os.path.join(d, "%04d.pgm" % i), "wb") as f:
                f.write(b"P5\n%d %d\n255\n" % (S, S)); f.write(img(k).tobytes())
