#!/usr/bin/env python3
"""Sums oneDNN's own execution times from its verbose log, by primitive, implementation and
propagation kind: how long the convolutions themselves took, apart from everything around them.
Reads both oneDNN 3 (`ONEDNN_VERBOSE=profile_exec`, PyTorch 2.x, cbd4j) and oneDNN 2.6
(`DNNL_VERBOSE=1`, Debian's PyTorch 1.13) lines:

    ONEDNN_VERBOSE=profile_exec ./cbd bench-speed --images 1280 --python off > cbd4j.log 2>&1
    DNNL_VERBOSE=1 /usr/bin/python3 bench/pytorch_wrn16_1.py --threads 2 --images 1280 --channels-last > py.log 2>&1
    python3 bench/onednn_time.py cbd4j.log py.log
"""
import collections
import sys


def summary(path):
    total, calls = collections.Counter(), collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            if not line.startswith(("onednn_verbose", "dnnl_verbose")):
                continue
            fields = line.strip().split(",")
            if "exec" not in fields[:5]:
                continue
            i = fields.index("exec")  # then: engine, primitive, implementation, propagation kind
            key = tuple(fields[i + 2:i + 5])
            try:
                total[key] += float(fields[-1])
            except ValueError:
                continue  # the header line
            calls[key] += 1
    return total, calls


def main():
    for path in sys.argv[1:]:
        total, calls = summary(path)
        print(path)
        for key, ms in total.most_common():
            print(f"  {ms:10.1f} ms {calls[key]:6d} calls  {' '.join(key)}")
        print(f"  {sum(total.values()):10.1f} ms in all")


if __name__ == "__main__":
    main()
