#!/usr/bin/env python3
"""Loading speed (issue 12): Orrery's loader.checkpoint and loader.safetensors against TensorFlow's
`tf.train.load_checkpoint(prefix).get_tensor(name)` and `safetensors.numpy.load_file(path)`, on a
seeded 400,000 x 300 float32 matrix (458 MiB) saved once as a TensorFlow checkpoint and as a
safetensors file into bench/.data/load/ (by this script, with the real TensorFlow and safetensors).

Run by bench/run (which makes bench/.venv-load with tensorflow-cpu, safetensors and numpy):

    bench/.venv-load/bin/python bench/loading.py --orrery .build/release/orrery-bench [--repeat 3]

Every reader runs as a whole process of its own (the file already in the page cache: each file is
read once before timing), `--repeat` times, best kept. Reported: wall seconds of the whole process
(start-up and imports included: what a user waits for), and the seconds of the load call alone
inside it (Orrery's loader step; TensorFlow's load_checkpoint + get_tensor; load_file), each
process's peak RSS, and whether the values are equal (SHA-256 of the float32 values in row order,
against the matrix this script saved).
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, ".data", "load")
ROWS, COLUMNS, SEED = 400_000, 300, 12
TF_NAME = "embedding/.ATTRIBUTES/VARIABLE_VALUE"
ST_NAME = "embeddings.word_embeddings.weight"
PREFIX = os.path.join(DATA, "ckpt-1")
SAFETENSORS = os.path.join(DATA, "model.safetensors")
REFERENCE = os.path.join(DATA, "reference.json")


def make():
    """The matrix, the checkpoint and the safetensors file, once (rewritten if any is missing)."""
    if all(os.path.exists(p) for p in (PREFIX + ".index", SAFETENSORS, REFERENCE)):
        with open(REFERENCE) as f:
            ref = json.load(f)
        if ref.get("rows") == ROWS and ref.get("columns") == COLUMNS and ref.get("seed") == SEED:
            return ref
    os.makedirs(DATA, exist_ok=True)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import tensorflow as tf
    from safetensors.numpy import save_file

    x = np.random.default_rng(SEED).standard_normal((ROWS, COLUMNS), dtype=np.float32)
    checkpoint = tf.train.Checkpoint(embedding=tf.Variable(x))
    written = checkpoint.write(PREFIX)
    assert written == PREFIX, written
    save_file({ST_NAME: x}, SAFETENSORS)
    ref = {"rows": ROWS, "columns": COLUMNS, "seed": SEED, "sha256": hashlib.sha256(x.tobytes()).hexdigest(),
           "tensorflow": tf.__version__, "numpy": np.__version__}
    import safetensors
    ref["safetensors"] = safetensors.__version__
    with open(REFERENCE, "w") as f:
        json.dump(ref, f)
    return ref


PEER = r"""
import hashlib, json, os, resource, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
which, path, name, checksum = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
if which == "tensorflow":
    import tensorflow as tf
    start = time.perf_counter()
    x = tf.train.load_checkpoint(path).get_tensor(name)
else:
    from safetensors.numpy import load_file
    start = time.perf_counter()
    x = load_file(path)[name]
seconds = time.perf_counter() - start
out = {"seconds": seconds, "rows": x.shape[0], "columns": x.shape[1], "dtype": str(x.dtype),
       "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
if checksum:
    import numpy as np
    out["sha256"] = hashlib.sha256(np.ascontiguousarray(x, dtype="<f4").tobytes()).hexdigest()
print(json.dumps(out))
"""


def run(cmd):
    start = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    line = [l for l in p.stdout.splitlines() if l.startswith("{")][-1]
    r = json.loads(line)
    r["wall"] = wall
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orrery", required=True, help="the release orrery-bench")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    ref = make()
    for path in (PREFIX + ".index", PREFIX + ".data-00000-of-00001", SAFETENSORS):
        with open(path, "rb") as f:  # into the page cache, for every reader alike
            while f.read(64 << 20):
                pass
    py = sys.executable
    readers = {
        "orrery checkpoint": lambda c: [args.orrery, "load-checkpoint", "--path", PREFIX, "--tensor", TF_NAME]
        + (["--checksum"] if c else []),
        "tensorflow get_tensor": lambda c: [py, "-c", PEER, "tensorflow", PREFIX, TF_NAME, "1" if c else "0"],
        "orrery safetensors": lambda c: [args.orrery, "load-safetensors", "--path", SAFETENSORS, "--tensor", ST_NAME]
        + (["--checksum"] if c else []),
        "safetensors load_file": lambda c: [py, "-c", PEER, "safetensors", SAFETENSORS, ST_NAME, "1" if c else "0"],
    }
    results = {}
    for name, cmd in readers.items():
        runs = [run(cmd(False)) for _ in range(args.repeat)]
        check = run(cmd(True))
        results[name] = {
            "wall": min(r["wall"] for r in runs), "seconds": min(r["seconds"] for r in runs),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
            "shape": f"{check['rows']}x{check['columns']}", "equal": check.get("sha256") == ref["sha256"],
        }
    load = os.getloadavg()[0]
    print(f"\nLoading {ROWS:,} x {COLUMNS} float32 ({ROWS * COLUMNS * 4 / 2**20:.0f} MiB), best of {args.repeat}, "
          f"files in the page cache, load average {load:.1f}; TensorFlow {ref['tensorflow']}, "
          f"safetensors {ref['safetensors']}, numpy {ref['numpy']}\n")
    print("| reader | whole process s | load call s | peak MiB | values equal (SHA-256) |")
    print("|---|---:|---:|---:|---|")
    for name, r in results.items():
        print(f"| {name} | {r['wall']:.3f} | {r['seconds']:.3f} | {r['peak_rss_mib']:.0f} | "
              f"{'yes' if r['equal'] else 'NO'} ({r['shape']}) |")
    pairs = [("orrery checkpoint", "tensorflow get_tensor"), ("orrery safetensors", "safetensors load_file")]
    print()
    for o, p in pairs:
        a, b = results[o], results[p]
        print(f"- {o} / {p}: whole process {a['wall'] / b['wall']:.2f}x, load call {a['seconds'] / b['seconds']:.2f}x "
              "(below 1 = Orrery faster)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"load_average": load, "reference": ref, "results": results}, f, indent=1)
    if not all(r["equal"] for r in results.values()):
        raise SystemExit("loading: some reader's values differ from the saved matrix")


if __name__ == "__main__":
    main()
