#!/usr/bin/env python3
"""Writes a 100,000-point, 50-dimension embedding for the `orrery serve` load test: the 50k GloVe
vectors twice, the second copy with seeded noise (σ = 0.05), labels `word` and `word~`, and a
category column. Usage: make-100k.py OUT_FOLDER"""
import sys, numpy as np
out = sys.argv[1]
x = np.load("Workflows/data/glove.6B.50d.top50k.npy").astype(np.float32)
words = open("Workflows/data/glove.6B.50d.top50k.words.tsv", encoding="utf-8").read().split("\n")
words = [w for w in words if w][:len(x)]
rng = np.random.default_rng(7)
y = np.concatenate([x, x + rng.normal(0, 0.05, x.shape).astype(np.float32)])
np.save(f"{out}/points.npy", y)
with open(f"{out}/points.tsv", "w", encoding="utf-8") as f:
    f.write("word\tcopy\n")
    for i, w in enumerate(words + [w + "~" for w in words]):
        f.write(f"{w}\t{'noisy' if i >= len(words) else 'glove'}\n")
with open(f"{out}/serve-100k.yaml", "w") as f:
    f.write(f"""orrery: 1
name: serve-100k
seed: 1
steps:
  points:
    uses: loader.npy
    with: {{ path: points.npy, metadata: points.tsv }}
  pca:
    uses: reducer.pca
    from: points
    with: {{ components: 3 }}
""")
