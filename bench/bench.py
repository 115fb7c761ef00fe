"""Orrery vs scikit-learn / faiss / openTSNE on the bundled GloVe data, in one run.

Run through bench/run (it makes the venv and the release build). Each measurement runs in its own
process so its peak memory (ru_maxrss) is its own; times exclude loading the data file.

  (a) PCA, 10 components of the 50k GloVe set: Orrery's exact PCA vs sklearn PCA(svd_solver='full');
      explained-variance ratios compared to 4 decimals.
  (b) all-points k=100 cosine neighbours of the 50k set: Orrery's NearestNeighborSearch vs faiss
      IndexFlatIP on normalised vectors; agreement = mean overlap of the neighbour sets.
  (c) 2-D t-SNE of the first 10k words, 1000 iterations: sklearn (Barnes-Hut), openTSNE (its
      default gradient method, 250 exaggerated + 750 normal iterations) and Orrery's reducer.tsne
      when the build has it (skipped cleanly otherwise); time and final KL divergence.
  (d) approximate all-points cosine neighbours, k=15 and k=90, of the 50k set (and, with
      BENCH_1M=1, of a seeded labelled 1M × 50 set: 20 jittered copies of every GloVe vector, made
      once into bench/.data/): Orrery's NN-descent (NearestNeighborSearch.graph) vs pynndescent
      (warm: numba compiled on a small set first, in the same process) and hnswlib (M 16,
      ef_construction 200, ef 2k); recall of every method against numpy brute force on the same
      seeded sample of 1000 rows.

Every job runs under /usr/bin/time -v when present: "whole s" is the process's wall time
(start-up, loading and all) and "peak MiB" its maximum resident set.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "Workflows", "data", "glove.6B.50d.top50k.npy")
# OpenBLAS tuning variables that slow numpy's bundled OpenBLAS on this machine: unset for the peers only.
PEER_UNSET = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def threads():
    info = {}
    try:
        from threadpoolctl import threadpool_info
        for lib in threadpool_info():
            info[lib["prefix"]] = lib["num_threads"]
    except ImportError:
        pass
    return info


# ---- jobs (each runs in a fresh process: `bench.py --job NAME`) -------------------------------

def job_pca_sklearn(args):
    import numpy as np
    from sklearn.decomposition import PCA
    x = np.load(DATA)[: args.rows] if args.rows else np.load(DATA)
    start, cpu = time.perf_counter(), cpu_seconds()
    p = PCA(n_components=10, svd_solver="full")
    y = p.fit_transform(x)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu_seconds": cpu_seconds() - cpu, "ratios": p.explained_variance_ratio_.tolist(), "output_rows": len(y),
            "threads": threads(), "peak_rss_mib": peak_mib()}


def job_knn_faiss(args):
    import faiss
    import numpy as np
    x = np.load(DATA)[: args.rows] if args.rows else np.load(DATA)
    k = args.k
    start, cpu = time.perf_counter(), cpu_seconds()
    xn = np.ascontiguousarray(x, dtype=np.float32).copy()
    faiss.normalize_L2(xn)
    index = faiss.IndexFlatIP(xn.shape[1])
    index.add(xn)
    _, ind = index.search(xn, k + 1)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    # Drop each point itself from its own list (it is normally first).
    out = np.empty((len(x), k), dtype=np.int64)
    for i in range(len(x)):
        row = ind[i][ind[i] != i]
        out[i] = row[:k]
    np.save(args.out, out)
    return {"seconds": seconds, "cpu_seconds": cpu, "threads": {"faiss-omp": faiss.omp_get_max_threads(), **threads()},
            "peak_rss_mib": peak_mib()}


def job_tsne_sklearn(args):
    import numpy as np
    from sklearn.manifold import TSNE
    x = np.load(DATA)[: args.tsne_rows]
    start, cpu = time.perf_counter(), cpu_seconds()
    t = TSNE(n_components=2, perplexity=30, max_iter=1000, method="barnes_hut", angle=0.5, init="pca",
             random_state=0, n_jobs=-1)
    t.fit_transform(x)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu_seconds": cpu_seconds() - cpu, "kl": float(t.kl_divergence_), "iterations": int(t.n_iter_),
            "threads": threads(), "peak_rss_mib": peak_mib()}


def job_tsne_opentsne(args):
    import numpy as np
    from openTSNE import TSNE
    x = np.load(DATA)[: args.tsne_rows].astype(np.float64)
    start, cpu = time.perf_counter(), cpu_seconds()
    # n_jobs=1: with n_jobs > 1 openTSNE hung on this machine (even on 500 points).
    t = TSNE(n_components=2, perplexity=30, early_exaggeration_iter=250, n_iter=750, n_jobs=1, random_state=0)
    e = t.fit(x)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu_seconds": cpu_seconds() - cpu, "kl": float(e.kl_divergence), "threads": threads(), "peak_rss_mib": peak_mib()}


def load_data(args):
    import numpy as np
    path = args.data or DATA
    x = np.load(path, mmap_mode="r")
    x = x[: args.rows] if args.rows else x
    return np.ascontiguousarray(x, dtype=np.float32)


def save_lists(path, ind, k):
    """Drops each point itself from its own list; keeps k."""
    import numpy as np
    n = len(ind)
    own = ind == np.arange(n)[:, None]
    out = np.full((n, k), -1, dtype=np.int64)
    for i in range(n):
        row = ind[i][~own[i]]
        out[i, : min(k, len(row))] = row[:k]
    np.save(path, out)


def job_ann_pynndescent(args):
    import numpy as np
    import pynndescent
    x = load_data(args)
    # Compile numba's kernels on a small set first, so the timed call is warm.
    pynndescent.NNDescent(x[:2000], metric="cosine", n_neighbors=args.k + 1, random_state=0, n_jobs=-1)
    start, cpu = time.perf_counter(), cpu_seconds()
    index = pynndescent.NNDescent(x, metric="cosine", n_neighbors=args.k + 1, n_jobs=-1)
    ind, _ = index.neighbor_graph
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    save_lists(args.out, ind, args.k)
    return {"seconds": seconds, "cpu_seconds": cpu, "threads": threads(), "peak_rss_mib": peak_mib()}


def job_ann_hnswlib(args):
    import hnswlib
    x = load_data(args)
    start, cpu = time.perf_counter(), cpu_seconds()
    index = hnswlib.Index(space="cosine", dim=x.shape[1])
    index.init_index(max_elements=len(x), ef_construction=200, M=16, random_seed=0)
    index.add_items(x, num_threads=os.cpu_count())
    index.set_ef(max(2 * args.k, 50))
    ind, _ = index.knn_query(x, k=args.k + 1, num_threads=os.cpu_count())
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    save_lists(args.out, ind.astype("int64"), args.k)
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mib": peak_mib()}


JOBS = {"pca-sklearn": job_pca_sklearn, "knn-faiss": job_knn_faiss, "tsne-sklearn": job_tsne_sklearn,
        "tsne-opentsne": job_tsne_opentsne, "ann-pynndescent": job_ann_pynndescent, "ann-hnswlib": job_ann_hnswlib}


def make_million(path, copies=20, seed=7):
    """20 jittered copies of each 50k GloVe vector (Gaussian noise of 0.3 × each column's standard
    deviation), shuffled; labels (the source word's row) beside it as .labels.npy."""
    import numpy as np
    if os.path.exists(path):
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    x = np.load(DATA).astype(np.float32)
    rng = np.random.default_rng(seed)
    sd = x.std(axis=0) * 0.3
    n = len(x) * copies
    order = rng.permutation(n)
    out = np.lib.format.open_memmap(path + ".tmp.npy", mode="w+", dtype=np.float32, shape=(n, x.shape[1]))
    labels = (order % len(x)).astype(np.int32)
    for start in range(0, n, 100_000):
        src = labels[start: start + 100_000]
        out[start: start + len(src)] = x[src] + rng.normal(0, 1, (len(src), x.shape[1])).astype(np.float32) * sd
    out.flush()
    del out
    os.replace(path + ".tmp.npy", path)
    np.save(path.replace(".npy", ".labels.npy"), labels)


def sample_recall(data, lists, k, sample=1000, seed=0):
    """Mean share of the exact k nearest (cosine, numpy brute force) found, over a seeded sample."""
    import numpy as np
    x = np.load(data, mmap_mode="r")
    x = np.ascontiguousarray(x[: len(lists)], dtype=np.float32)
    xn = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-30)
    rows = np.random.default_rng(seed).choice(len(x), size=min(sample, len(x)), replace=False)
    found = 0
    for start in range(0, len(rows), 100):
        r = rows[start: start + 100]
        sims = xn[r] @ xn.T
        sims[np.arange(len(r)), r] = -np.inf
        truth = np.argpartition(-sims, k, axis=1)[:, :k]
        for t, row in zip(truth, r):
            found += len(set(t.tolist()) & set(lists[row].tolist()))
    return found / (len(rows) * k)


# ---- driver ---------------------------------------------------------------------------------

def timed(cmd, env=None):
    """Runs cmd (under /usr/bin/time -v when present); its last stdout line as JSON, plus the whole
    process's wall seconds and maximum resident set."""
    use_time = os.path.exists("/usr/bin/time")
    full = (["/usr/bin/time", "-v"] if use_time else []) + list(cmd)
    start = time.perf_counter()
    out = subprocess.run(full, env=env, capture_output=True, text=True)
    whole = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["whole_seconds"] = whole
    for line in out.stderr.splitlines():
        if "Maximum resident set size" in line:
            result["process_peak_mib"] = int(line.split(":")[1]) / 1024
    return result


def run_peer(name, args, extra=(), k=None, data=None):
    env = {k: v for k, v in os.environ.items() if k not in PEER_UNSET}
    cmd = [sys.executable, os.path.abspath(__file__), "--job", name, "--rows", str(args.rows or 0),
           "--k", str(k or args.k), "--tsne-rows", str(args.tsne_rows), "--data", data or DATA, *extra]
    return timed(cmd, env=env)


def run_orrery(args, *cmd, data=None):
    return timed([args.orrery, *cmd, "--data", data or DATA])


def best(runs):
    """The fastest of several runs, with the largest peak memory among them."""
    fastest = min(runs, key=lambda r: r.get("seconds", float("inf")))
    fastest = dict(fastest)
    fastest["peak_rss_mib"] = max(r.get("peak_rss_mib", 0) for r in runs)
    return fastest


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--job")
    ap.add_argument("--orrery", default=os.path.join(ROOT, ".build", "release", "orrery-bench"))
    ap.add_argument("--rows", type=int, default=0, help="rows of the 50k set for PCA and kNN (0 = all)")
    ap.add_argument("--k", type=int, default=100)
    ap.add_argument("--tsne-rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of PCA (best time kept); kNN runs once")
    ap.add_argument("--skip-tsne", action="store_true")
    ap.add_argument("--out", default="")
    ap.add_argument("--json", default="", help="also write every measurement to this file")
    ap.add_argument("--data", default="", help="(jobs) the .npy to read instead of the 50k GloVe set")
    ap.add_argument("--skip-approx", action="store_true", help="skip (d), approximate neighbours")
    args = ap.parse_args()

    if args.job:
        print(json.dumps(JOBS[args.job](args)))
        return

    load = os.getloadavg()[0]
    rows = args.rows or 50_000
    results = {"load_average_at_start": load}
    table = []

    # (a) PCA
    o = best([run_orrery(args, "pca", "--rows", str(rows), "--components", "10") for _ in range(args.repeat)])
    s = best([run_peer("pca-sklearn", args) for _ in range(args.repeat)])
    diff = max(abs(a - b) for a, b in zip(o["ratios"], s["ratios"]))
    same4 = all(round(a, 4) == round(b, 4) for a, b in zip(o["ratios"], s["ratios"]))
    results["pca"] = {"orrery": o, "sklearn": s, "max_ratio_difference": diff, "equal_to_4_decimals": same4}
    table.append((f"PCA, 10 of {rows}×50 (fit+transform)", o, "sklearn PCA(full)", s,
                  f"ratios max |Δ| {diff:.1e}; 4 decimals equal: {'yes' if same4 else 'NO'}"))

    # (b) kNN
    import numpy as np
    with tempfile.TemporaryDirectory() as tmp:
        o_path, f_path = os.path.join(tmp, "orrery.npy"), os.path.join(tmp, "faiss.npy")
        o = run_orrery(args, "knn", "--rows", str(rows), "--k", str(args.k), "--out", o_path)
        f = run_peer("knn-faiss", args, ["--out", f_path])
        a, b = np.load(o_path).astype(np.int64), np.load(f_path)
    overlap = np.mean([len(set(a[i]) & set(b[i])) for i in range(len(a))]) / args.k
    identical = float(np.mean(np.all(a == b, axis=1)))
    results["knn"] = {"orrery": o, "faiss": f, "mean_overlap": overlap, "identical_lists": identical}
    table.append((f"kNN k={args.k} cosine, all {rows} points", o, "faiss IndexFlatIP", f,
                  f"neighbour overlap {overlap:.5f}; identical ordered lists {identical:.4f}; whole process "
                  f"{o['whole_seconds']:.2f} s vs {f['whole_seconds']:.2f} s = {o['whole_seconds'] / f['whole_seconds']:.3f}× faiss"))

    # (d) approximate kNN
    if not args.skip_approx:
        sets = [(f"{rows // 1000}k GloVe", DATA)]
        if os.environ.get("BENCH_1M") == "1":
            million = os.path.join(HERE, ".data", "glove-jittered-1m.npy")
            make_million(million)
            sets.append(("1M jittered GloVe", million))
        results["approx"] = []
        for name, data in sets:
            for k in (15, 90):
                with tempfile.TemporaryDirectory() as tmp:
                    paths = {m: os.path.join(tmp, m + ".npy") for m in ("orrery", "pynndescent", "hnswlib")}
                    o = run_orrery(args, "knn", "--rows", str(rows if data == DATA else 0), "--k", str(k),
                                   "--method", "approximate", "--out", paths["orrery"], data=data)
                    peers = {m: run_peer("ann-" + m, args, ["--out", paths[m]], k=k, data=data)
                             for m in ("pynndescent", "hnswlib")}
                    recall = {m: sample_recall(data, np.load(p).astype(np.int64), k) for m, p in paths.items()}
                entry = {"set": name, "k": k, "orrery": o, **peers, "recall": recall}
                results["approx"].append(entry)
                for m in ("pynndescent", "hnswlib"):
                    table.append((f"approx. kNN k={k} cosine, {name}" if m == "pynndescent" else "", o, m, peers[m],
                                  f"recall@{k}: Orrery {recall['orrery']:.4f} (own sample {o.get('recall_reported', float('nan')):.4f}), "
                                  f"{m} {recall[m]:.4f}"))

    # (c) t-SNE
    if not args.skip_tsne:
        # Same problem as the peers: Euclidean input affinities, PCA start, 2-D, Barnes-Hut θ 0.5.
        params = "{ dims: 2, iterations: 1000, perplexity: 30, metric: euclidean, init: pca, method: barnes-hut, theta: 0.5 }"
        o = run_orrery(args, "tsne", "--rows", str(args.tsne_rows), "--params", params)
        s = run_peer("tsne-sklearn", args)
        t = run_peer("tsne-opentsne", args)
        results["tsne"] = {"orrery": o, "sklearn": s, "opentsne": t}
        if o and "skipped" not in o:
            table.append((f"t-SNE 2-D, {args.tsne_rows} points, 1000 it.", o, "sklearn Barnes-Hut", s,
                          f"KL: Orrery {o['kl']:.3f}, sklearn {s['kl']:.3f}"))
            table.append(("", o, "openTSNE", t, f"KL: openTSNE {t['kl']:.3f}"))
        else:
            why = o["skipped"] if o else "not run"
            table.append((f"t-SNE 2-D, {args.tsne_rows} points, 1000 it.", None, "sklearn Barnes-Hut", s,
                          f"Orrery skipped ({why}); KL sklearn {s['kl']:.3f}"))
            table.append(("", None, "openTSNE", t, f"KL openTSNE {t['kl']:.3f}"))

    def cpu(r):
        return f"{r['cpu_seconds']:.2f}" if r and "cpu_seconds" in r else "—"

    print(f"Load average at the start: {load:.1f} on {os.cpu_count()} cores "
          "(wall times on a shared machine are noisy; CPU seconds are user + system of all threads).")
    print()
    print("| task | Orrery s (CPU s) | peer | peer s (CPU s) | peer/Orrery | Orrery whole s | peer whole s | Orrery peak MiB | peer peak MiB | check |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---|")

    def peak(r):
        return r.get("process_peak_mib", r.get("peak_rss_mib", 0))
    for task, o, peer, p, check in table:
        os_ = f"{o['seconds']:.3f} ({cpu(o)})" if o else "—"
        ratio = f"{p['seconds'] / o['seconds']:.2f}×" if o else "—"
        om = f"{peak(o):.0f}" if o else "—"
        ow = f"{o['whole_seconds']:.2f}" if o and "whole_seconds" in o else "—"
        pw = f"{p['whole_seconds']:.2f}" if "whole_seconds" in p else "—"
        print(f"| {task} | {os_} | {peer} | {p['seconds']:.3f} ({cpu(p)}) | {ratio} | {ow} | {pw} | {om} | {peak(p):.0f} | {check} |")
    o_threads = results["pca"]["orrery"]
    print()
    print(f"Threads: Orrery OpenBLAS {o_threads['blas_threads']}, workers {o_threads['workers']}; "
          f"peers {json.dumps(results['pca']['sklearn']['threads'])}, "
          f"faiss OpenMP {results['knn']['faiss']['threads'].get('faiss-omp')}. "
          f"Peers run without {', '.join(PEER_UNSET)}; Orrery with the environment as given "
          f"({', '.join(f'{k}={os.environ[k]}' for k in PEER_UNSET if k in os.environ) or 'neither set'}).")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1, default=str)


if __name__ == "__main__":
    main()
