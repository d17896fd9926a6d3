#!/usr/bin/env python3
"""The convolution throughput this CPU reaches on large, kernel-friendly shapes (PyTorch's oneDNN,
channels-last, inference), in fp32 and bf16: the ceiling to hold WRN-16-1's small convolutions
(16-64 channels) against. Best of a few timed calls after warm-up.

    /usr/bin/python3 bench/conv_peak.py --threads 2
"""
import argparse
import time

import torch
import torch.nn.functional as F


def gflops(x, w, padding, flops, reps):
    with torch.no_grad():
        for _ in range(3):
            F.conv2d(x, w, padding=padding)
        best = float("inf")
        for _ in range(reps):
            t = time.perf_counter()
            F.conv2d(x, w, padding=padding)
            best = min(best, time.perf_counter() - t)
    return flops / best / 1e9


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    cl = torch.channels_last
    for dtype in (torch.float32, torch.bfloat16):
        x = torch.randn(1, 1024, 64, 64).to(dtype).contiguous(memory_format=cl)
        w = torch.randn(1024, 1024, 1, 1).to(dtype).contiguous(memory_format=cl)
        r1 = gflops(x, w, 0, 2 * 1024 * 1024 * 64 * 64, 5)
        x = torch.randn(64, 256, 32, 32).to(dtype).contiguous(memory_format=cl)
        w = torch.randn(256, 256, 3, 3).to(dtype).contiguous(memory_format=cl)
        r3 = gflops(x, w, 1, 2 * 256 * 256 * 9 * 1024 * 64, 3)
        name = str(dtype).replace("torch.", "")
        print(f"{name}: 1x1 conv 1024 channels 64x64 {r1:.1f} GFLOP/s, 3x3 conv 256 channels 32x32 batch 64 {r3:.1f} GFLOP/s")


if __name__ == "__main__":
    main()
