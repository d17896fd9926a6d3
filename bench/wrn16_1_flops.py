#!/usr/bin/env python3
"""Floating-point operations of one WRN-16-1 training step per 3x32x32 image, counted from the
yardstick's own network (bench/pytorch_wrn16_1.py) with forward hooks.

A convolution or linear layer costs 2 * (output elements) * (inputs per output) in the forward
pass; the backward pass costs as much again for the weight gradient and once more for the input
gradient of every layer but the first (the image needs none). BatchNorm, ReLU, additions and the
optimiser are left out: they are memory-bound and small in FLOPs. Used in docs/RESULTS.md to set
throughput against the CPU's measured convolution peak (bench/conv_peak.py):

    /usr/bin/python3 bench/wrn16_1_flops.py
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_wrn16_1 import WRN  # noqa: E402


def main():
    net = WRN()
    first = net.features[0]
    macs = {"first conv": 0, "other convs": 0, "linear": 0}

    def hook(mod, inp, out):
        if isinstance(mod, torch.nn.Conv2d):
            per_output = mod.in_channels // mod.groups * mod.kernel_size[0] * mod.kernel_size[1]
            macs["first conv" if mod is first else "other convs"] += out.numel() * per_output
        elif isinstance(mod, torch.nn.Linear):
            macs["linear"] += out.numel() * mod.in_features

    for mod in net.modules():
        mod.register_forward_hook(hook)
    with torch.no_grad():
        net(torch.randn(1, 3, 32, 32))
    forward = 2 * sum(macs.values())
    backward = forward + 2 * (macs["other convs"] + macs["linear"])
    print(f"multiply-adds per image: {macs}")
    print(f"forward {forward / 1e6:.2f} MFLOP/img, training step {(forward + backward) / 1e6:.2f} MFLOP/img")


if __name__ == "__main__":
    main()
