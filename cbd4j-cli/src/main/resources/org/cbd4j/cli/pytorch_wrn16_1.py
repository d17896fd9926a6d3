#!/usr/bin/env python3
"""PyTorch yardstick for `cbd bench-speed`: WRN-16-1 training throughput on random 3x32x32 input.

Same architecture as cbd4j's WideResNet (pre-activation basic blocks, widths 16/16/32/64, global
average pool, linear head), SGD with Nesterov momentum 0.9 and weight decay 1e-4, batch 64, no
augmentation, no data loading. `--mode eval` times inference (no_grad, eval mode) instead;
`--channels-last` keeps input and weights in NHWC memory format, PyTorch's faster layout for
oneDNN convolutions on CPUs. `--profile FILE` writes the timed epoch's operators as a Chrome trace
(the same format cbd4j's profile has; profiling slows both sides, so its img/s is not a figure). `cbd bench-speed` runs this file from its jar for the side-by-side
figure; by hand, with Debian's python3-torch:

    /usr/bin/python3 bench/pytorch_wrn16_1.py --threads 2 --images 6400 [--channels-last] [--mode eval]

The last line is a JSON record that `cbd bench-speed` reads.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class PreActBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.shortcut = None if (cin == cout and stride == 1) else nn.Conv2d(cin, cout, 1, stride, 0, bias=False)

    def forward(self, x):
        o = F.relu(self.bn1(x))
        skip = x if self.shortcut is None else self.shortcut(o)
        y = self.conv1(o)
        y = self.conv2(F.relu(self.bn2(y)))
        return y + skip


class WRN(nn.Module):
    def __init__(self, depth=16, widen=1, classes=10, channels=3):
        super().__init__()
        n = (depth - 4) // 6
        widths = [16, 16 * widen, 32 * widen, 64 * widen]
        layers = [nn.Conv2d(channels, widths[0], 3, 1, 1, bias=False)]
        cin = widths[0]
        for g in range(3):
            for b in range(n):
                layers.append(PreActBlock(cin, widths[g + 1], 2 if (b == 0 and g > 0) else 1))
                cin = widths[g + 1]
        self.features = nn.Sequential(*layers)
        self.bn = nn.BatchNorm2d(cin)
        self.head = nn.Linear(cin, classes)

    def forward(self, x):
        z = F.adaptive_avg_pool2d(F.relu(self.bn(self.features(x))), 1).flatten(1)
        return self.head(z), z


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--images", type=int, default=6400)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--channels", type=int, default=3)
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--mode", choices=["train", "eval"], default="train")
    ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                    help="bf16: the forward under torch.autocast('cpu', bfloat16), PyTorch's own mixed precision")
    ap.add_argument("--profile", metavar="TRACE_JSON",
                    help="profile the timed epoch with torch.autograd.profiler and write a Chrome trace there")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    fmt = torch.channels_last if a.channels_last else torch.contiguous_format
    net = WRN(channels=a.channels).to(memory_format=fmt)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-4)
    net.train(a.mode == "train")

    def batch():
        x = torch.rand(a.batch_size, a.channels, a.size, a.size).contiguous(memory_format=fmt)
        return x, torch.randint(0, 10, (a.batch_size,))

    bf16 = a.precision == "bf16"

    def epoch(n):
        for _ in range(n // a.batch_size):
            x, y = batch()
            if a.mode == "eval":
                with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    net(x)[0].argmax(1)
                continue
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                logits, _ = net(x)
            loss = F.cross_entropy(logits.float(), y)
            opt.zero_grad()
            loss.backward()
            opt.step()

    epoch(a.batch_size * 10)  # warm-up
    prof = torch.autograd.profiler.profile() if a.profile else None
    if prof is not None:
        prof.__enter__()
    t0 = time.time()
    epoch(a.images)
    secs = time.time() - t0
    if prof is not None:
        prof.__exit__(None, None, None)
        prof.export_chrome_trace(a.profile)
    layout = "channels-last" if a.channels_last else "nchw"
    timed = (a.images // a.batch_size) * a.batch_size
    print(f"pytorch {torch.__version__} wrn-16-1 {a.channels}x{a.size}x{a.size} batch {a.batch_size} threads "
          f"{a.threads} {a.mode} {layout} {a.precision}: {timed / secs:.1f} img/s ({timed} images in {secs:.1f} s)")
    print(json.dumps({"tool": "pytorch", "version": torch.__version__, "mode": a.mode, "layout": layout, "precision": a.precision,
                      "threads": a.threads, "batch_size": a.batch_size, "images": timed, "seconds": secs,
                      "img_per_s": timed / secs}))


if __name__ == "__main__":
    main()
