#!/usr/bin/env python3
"""Writes an N-point, 50-dimension embedding for the `orrery serve` benchmarks (default 100,000):
the 50k GloVe vectors, then seeded noisy copies of them (σ = 0.05) until there are N, labels
`word`, `word~1`, `word~2`, …, a `copy` column, and a workflow `serve-N.yaml` whose `pca` step is
its 3-D PCA. Usage: make-points.py OUT_FOLDER [N]"""
import sys, numpy as np
out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
x = np.load("Workflows/data/glove.6B.50d.top50k.npy").astype(np.float32)
words = open("Workflows/data/glove.6B.50d.top50k.words.tsv", encoding="utf-8").read().split("\n")
words = [w for w in words if w][:len(x)]
rng = np.random.default_rng(7)
copies = (n + len(x) - 1) // len(x)
y = np.concatenate([x] + [x + rng.normal(0, 0.05, x.shape).astype(np.float32) for _ in range(copies - 1)])[:n]
np.save(f"{out}/points.npy", y)
with open(f"{out}/points.tsv", "w", encoding="utf-8") as f:
    f.write("word\tcopy\n")
    for i in range(n):
        c, w = divmod(i, len(x))
        f.write(f"{words[w] + ('~' + str(c) if c else '')}\t{'noisy' if c else 'glove'}\n")
with open(f"{out}/serve-{n}.yaml", "w") as f:
    f.write(f"""orrery: 1
name: serve-{n}
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
