#!/usr/bin/env python3
"""Writes a GloVe-format text file of N words × D dimensions (default 400,000 × 300, ~1.1 GB) for
measuring the loaders' peak memory. Not committed: `python3 bench/make-large-glove.py OUT [N D]`."""
import sys
import numpy as np

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 400_000
d = int(sys.argv[3]) if len(sys.argv) > 3 else 300
rng = np.random.default_rng(7)
table = np.array([f"{x:.6f}" for x in rng.normal(0, 0.4, 65536)], dtype=object)
with open(out, "w") as f:
    for start in range(0, n, 10_000):
        idx = rng.integers(0, 65536, size=(min(10_000, n - start), d))
        rows = [f"w{start + i} " + " ".join(table[r]) for i, r in enumerate(idx)]
        f.write("\n".join(rows) + "\n")
