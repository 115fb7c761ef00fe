"""Orrery's layouts vs their peers on the bundled 50k GloVe set, in one run (issue 10, parts 3, 4, 7).

Run through bench/run (venv and release build). Every measurement runs in its own process.

  UMAP (cosine, n-neighbors 15, min-dist 0.1, 500 epochs at ≤ 10k points, 200 above): Orrery's
  UMAP.run vs umap-learn, cold (first call, numba compiling) and warm (second call in the same
  process), umap-learn at its fastest (no random_state, so its SGD runs in parallel).
  t-SNE 2-D (Euclidean, perplexity 30, PCA start, 1000 iterations of which 250 exaggerated, learning
  rate n/12 in the peers' convention = Orrery's auto): Orrery's FFT method vs FIt-SNE (2 threads),
  openTSNE's FFT (1 thread: it hangs here with more) and scikit-learn's Barnes-Hut (10k only unless
  --sklearn-50k).
  Trustworthiness@10 of every layout by one function here (2,000 seeded query points, cosine input
  ranks for UMAP, Euclidean for t-SNE), so layouts are scored alike.
  Scaling: Orrery's seconds at each n and the least-squares log-log slope.
"""
import argparse
import json
import re
import math
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "Workflows", "data", "glove.6B.50d.top50k.npy")
PEER_UNSET = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def load(n):
    import numpy as np
    return np.load(DATA)[:n]


def trustworthiness(x, y, metric, k=10, sample=2000, seed=0):
    """sklearn's trustworthiness restricted to a seeded sample of query points (exact ranks)."""
    import numpy as np
    n = len(x)
    rng = np.random.default_rng(seed)
    q = np.sort(rng.choice(n, size=min(sample, n), replace=False))
    x = x.astype(np.float64)
    if metric == "cosine":
        xn = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-300)
        d_in = 1 - xn[q] @ xn.T
    else:
        d_in = (x[q] ** 2).sum(1)[:, None] - 2 * x[q] @ x.T + (x ** 2).sum(1)[None, :]
    y = y.astype(np.float64)
    d_out = (y[q] ** 2).sum(1)[:, None] - 2 * y[q] @ y.T + (y ** 2).sum(1)[None, :]
    total = 0.0
    for r, i in enumerate(q):
        din, dout = d_in[r].copy(), d_out[r].copy()
        din[i], dout[i] = np.inf, np.inf
        order = np.argsort(din, kind="stable")
        ranks = np.empty(n, dtype=np.int64)
        ranks[order] = np.arange(1, n + 1)
        nearest = np.argpartition(dout, k)[:k]
        total += np.maximum(ranks[nearest] - k, 0).sum()
    return 1 - 2 / (len(q) * k * (2 * n - 3 * k - 1)) * total


# ---- peer jobs (one process each) ------------------------------------------------------------

def job_umap(args):
    import numpy as np
    import umap
    x = load(args.n)
    times = []
    for _ in range(2):
        start = time.perf_counter()
        y = umap.UMAP(n_neighbors=15, min_dist=0.1, metric="cosine", n_jobs=-1).fit_transform(x)
        times.append(time.perf_counter() - start)
    np.save(args.out, y)
    return {"cold_seconds": times[0], "seconds": times[1]}


def job_fitsne(args):
    import re
    import numpy as np
    from fitsne import FItSNE
    x = np.ascontiguousarray(load(args.n).astype(np.float64))
    # FIt-SNE prints its KL every 50 iterations from C++: catch its stdout at the fd level.
    log = tempfile.TemporaryFile(mode="w+")
    saved = os.dup(1)
    os.dup2(log.fileno(), 1)
    try:
        start = time.perf_counter()
        y = FItSNE(x, no_dims=2, perplexity=30, max_iter=1000, stop_early_exag_iter=250, nthreads=2, rand_seed=1,
                   initialization="pca", learning_rate=len(x) / 12)
        seconds = time.perf_counter() - start
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
    log.seek(0)
    # Older FIt-SNE prints "error is KL", newer "Iteration N (...), cost KL".
    errors = re.findall(r"(?:error is|cost) ([0-9.eE+-]+)", log.read())
    np.save(args.out, y)
    return {"seconds": seconds, "kl": float(errors[-1]) if errors else float("nan")}


def job_opentsne(args):
    import numpy as np
    from openTSNE import TSNE
    x = load(args.n).astype(np.float64)
    start = time.perf_counter()
    e = TSNE(n_components=2, perplexity=30, early_exaggeration_iter=250, n_iter=750, n_jobs=1, random_state=0,
             negative_gradient_method="fft").fit(x)
    seconds = time.perf_counter() - start
    np.save(args.out, np.asarray(e))
    return {"seconds": seconds, "kl": float(e.kl_divergence)}


def job_sklearn(args):
    import numpy as np
    from sklearn.manifold import TSNE
    x = load(args.n)
    start = time.perf_counter()
    t = TSNE(n_components=2, perplexity=30, max_iter=1000, init="pca", random_state=0, n_jobs=-1)
    y = t.fit_transform(x)
    seconds = time.perf_counter() - start
    np.save(args.out, y)
    return {"seconds": seconds, "kl": float(t.kl_divergence_)}


JOBS = {"umap": job_umap, "fitsne": job_fitsne, "opentsne": job_opentsne, "sklearn": job_sklearn}


def peer(name, n, out):
    env = {k: v for k, v in os.environ.items() if k not in PEER_UNSET}
    cmd = [sys.executable, os.path.abspath(__file__), "--job", name, "--n", str(n), "--out", out]
    try:
        start = time.perf_counter()
        r = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
        result = json.loads(r.stdout.strip().splitlines()[-1])
        result["process_seconds"] = time.perf_counter() - start
        return result
    except (subprocess.CalledProcessError, ValueError, IndexError) as e:
        return {"error": str(e)[-300:]}


def orrery_run(args, n, method, out):
    """Orrery's t-SNE as a whole `orrery run` process (load, exact kNN, layout, .npy export), with
    the peers' settings; seconds = the process's wall time, step_seconds = the layout step's."""
    with tempfile.TemporaryDirectory() as tmp:
        head = f"""  some:
    uses: selector.head
    from: words
    with: {{ count: {n} }}
""" if n < 50_000 else ""
        with open(os.path.join(tmp, "w.yaml"), "w") as f:
            f.write(f"""orrery: 1
name: tsne-{n}-{method}
seed: 1
steps:
  words:
    uses: loader.npy
    with: {{ path: {DATA} }}
{head}  layout:
    uses: reducer.tsne
    from: {"some" if head else "words"}
    with: {{ method: {method}, iterations: 1000, perplexity: 30, metric: euclidean, init: pca, knn-method: exact }}
  out:
    uses: exporter.npy
    from: layout
    with: {{ path: layout.npy }}
""")
        start = time.perf_counter()
        cpu0 = os.times()
        r = subprocess.run([args.orrery_cli, "run", os.path.join(tmp, "w.yaml"), "-o", os.path.join(tmp, "out"),
                        "--cache", os.path.join(tmp, "cache")], check=True, capture_output=True, text=True)
        wall = time.perf_counter() - start
        cpu1 = os.times()
        lock = json.load(open(os.path.join(tmp, "out", "orrery.lock")))
        step = next(s for s in lock["steps"] if s["id"] == "layout")
        import shutil
        shutil.copy(os.path.join(tmp, "out", "layout.npy"), out)
        return {"seconds": wall, "step_seconds": step["seconds"],
                "cpu_seconds": (cpu1.children_user + cpu1.children_system) - (cpu0.children_user + cpu0.children_system),
                "kl": float(m.group(1)) if (m := re.search(r"kl-divergence ([0-9.]+)", r.stdout + r.stderr)) else float("nan")}


def orrery(args, *cmd):
    r = subprocess.run([args.orrery, *cmd, "--data", DATA], check=True, capture_output=True, text=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def slope(points):
    """Least-squares slope of log(seconds) on log(n)."""
    pts = [(math.log(n), math.log(s)) for n, s in points if s and s > 0]
    if len(pts) < 2:
        return float("nan")
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    return sum((a - mx) * (b - my) for a, b in pts) / sum((a - mx) ** 2 for a, _ in pts)


def umap_rows(args, n, x, tmp, results, rows):
    import numpy as np
    o_path = os.path.join(tmp, f"o-umap-{n}.npy")
    o = orrery(args, "umap", "--rows", str(n), "--out", o_path)
    o["trust"] = trustworthiness(x, np.load(o_path), "cosine")
    entry = {"orrery": o}
    if not args.skip_peers:
        p_path = os.path.join(tmp, f"p-umap-{n}.npy")
        p = peer("umap", n, p_path)
        if "error" not in p:
            p["trust"] = trustworthiness(x, np.load(p_path), "cosine")
        entry["umap-learn"] = p
    results["umap"][n] = entry
    rows.append((f"UMAP 2-D, {n}", entry))



def tsne_peers(args, n, x, tmp, entry):
    import numpy as np
    if not args.skip_peers:
        for name in ["fitsne", "opentsne"] + (["sklearn"] if n <= 10_000 or args.sklearn_50k else []):
            p_path = os.path.join(tmp, f"p-{name}-{n}.npy")
            p = peer(name, n, p_path)
            if "error" not in p:
                p["trust"] = trustworthiness(x, np.load(p_path), "euclidean")
            entry[name] = p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--job")
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--out", default="")
    ap.add_argument("--orrery", default=os.path.join(ROOT, ".build", "release", "orrery-bench"))
    ap.add_argument("--sizes", default="10000,50000")
    ap.add_argument("--scaling-sizes", default="5000,10000,20000,50000")
    ap.add_argument("--million", action="store_true", help="also 1M points (needs approximate kNN; see docs/scale.md)")
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--sklearn-50k", action="store_true")
    ap.add_argument("--json", default="")
    ap.add_argument("--only", choices=["umap", "tsne"], help="run one of the two comparisons")
    ap.add_argument("--orrery-cli", default="", help="an `orrery` binary: time Orrery's t-SNE as whole `orrery run` processes")
    ap.add_argument("--tsne-methods", default="fft", help="with --orrery-cli: Orrery's t-SNE methods, e.g. fft,barnes-hut")
    args = ap.parse_args()
    if args.job:
        print(json.dumps(JOBS[args.job](args)))
        return

    import numpy as np
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {"load_average_at_start": os.getloadavg()[0], "umap": {}, "tsne": {}, "scaling": {}}
    rows = []
    tsne_params = "{ dims: 2, iterations: 1000, perplexity: 30, metric: euclidean, init: pca, method: fft }"
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            x = load(n)
            if args.only != "tsne":
                umap_rows(args, n, x, tmp, results, rows)
            if args.only == "umap":
                continue
            if args.orrery_cli:
                entry = {}
                for method in args.tsne_methods.split(","):
                    o_path = os.path.join(tmp, f"o-tsne-{method}-{n}.npy")
                    o = orrery_run(args, n, method, o_path)
                    o["trust"] = trustworthiness(x, np.load(o_path), "euclidean")
                    entry["orrery" if not entry else f"orrery {method}"] = o
                tsne_peers(args, n, x, tmp, entry)
                results["tsne"][n] = entry
                rows.append((f"t-SNE 2-D, {n}, 1000 it., whole processes ({args.tsne_methods})", entry))
                continue
            o_path = os.path.join(tmp, f"o-tsne-{n}.npy")
            o = orrery(args, "tsne", "--rows", str(n), "--params", tsne_params, "--out", o_path)
            o["trust"] = trustworthiness(x, np.load(o_path), "euclidean")
            entry = {"orrery": o}
            tsne_peers(args, n, x, tmp, entry)
            results["tsne"][n] = entry
            rows.append((f"t-SNE 2-D, {n}, 1000 it.", entry))

        for n in ([] if args.only or args.orrery_cli else [int(s) for s in args.scaling_sizes.split(",")]):
            results["scaling"][n] = {
                "umap": (results["umap"].get(n, {}).get("orrery") or orrery(args, "umap", "--rows", str(n)))["seconds"],
                "tsne": (results["tsne"].get(n, {}).get("orrery")
                         or orrery(args, "tsne", "--rows", str(n), "--params", tsne_params))["seconds"],
            }

    def fmt(r, key="seconds"):
        return f"{r[key]:.2f}" if r and key in r else "—"

    print(f"Load average at the start: {results['load_average_at_start']:.1f} on {os.cpu_count()} cores.")
    print()
    print("| task | Orrery s | peer | peer s (cold) | Orrery/peer | KL Orrery / peer | trust@10 Orrery / peer |")
    print("|---|---:|---|---:|---:|---|---|")
    for task, entry in rows:
        o = entry["orrery"]
        for name, p in entry.items():
            if name == "orrery":
                continue
            if "error" in p:
                print(f"| {task} | {fmt(o)} | {name} | failed: {p['error'][:60]} | — | — | — |")
                continue
            cold = f" ({p['cold_seconds']:.2f})" if "cold_seconds" in p else ""
            if args.orrery_cli and "process_seconds" in p:
                cold += f" [process {p['process_seconds']:.2f}]"
            kl = f"{o['kl']:.3f} / {p['kl']:.3f}" if "kl" in p and "kl" in o else "—"
            print(f"| {task} | {fmt(o)} | {name} | {fmt(p)}{cold} | {o['seconds'] / p['seconds']:.2f}× | {kl} | "
                  f"{o['trust']:.4f} / {p.get('trust', float('nan')):.4f} |")
        if len(entry) == 1:
            print(f"| {task} | {fmt(o)} | — | — | — | — | {o['trust']:.4f} |")
    if not results["scaling"]:
        return finish(args, results)
    print()
    print("| n | UMAP s | t-SNE (FFT) s |")
    print("|---:|---:|---:|")
    for n, r in sorted(results["scaling"].items()):
        print(f"| {n} | {r['umap']:.2f} | {r['tsne']:.2f} |")
    pts = sorted(results["scaling"].items())
    print(f"| log-log slope | {slope([(n, r['umap']) for n, r in pts]):.2f} | "
          f"{slope([(n, r['tsne']) for n, r in pts]):.2f} |")
    finish(args, results)


def finish(args, results):
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1, default=str)


if __name__ == "__main__":
    main()
