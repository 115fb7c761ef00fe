#!/usr/bin/env python3
"""The `orrery serve` load test, on loopback only, bounded in count and time: CLIENTS concurrent
clients, each fetching the 100k-point view (its JSON and its binary points: one "view" latency is
the two requests' sum) and asking for the neighbours of ROUNDS random points.
Prints the median and p99 latency of each endpoint. Usage: load.py PORT [CLIENTS ROUNDS]"""
import http.client, json, random, statistics, sys, threading, time
port = int(sys.argv[1]); clients = int(sys.argv[2]) if len(sys.argv) > 2 else 50; rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 4
deadline = time.time() + 300
lat = {"view": [], "neighbors": []}; errors = []; sizes = []; lock = threading.Lock()
def get(path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    t = time.perf_counter(); c.request("GET", path, headers={"Host": f"127.0.0.1:{port}"}); r = c.getresponse(); body = r.read()
    dt = time.perf_counter() - t; c.close()
    if r.status != 200: raise RuntimeError(f"{path}: {r.status} {body[:200]}")
    return dt, body
def client(seed):
    rng = random.Random(seed)
    try:
        dt, body = get("/api/view?step=pca"); n = json.loads(body)["count"]
        dp, points = get("/api/points?step=pca")
        if len(points) != n * 3 * 4: raise RuntimeError(f"/api/points: {len(points)} bytes for {n} 3-D points")
        with lock: lat["view"].append(dt + dp); sizes.append(len(body) + len(points))
        for _ in range(rounds):
            if time.time() > deadline: break
            dt, _ = get(f"/api/neighbors?step=pca&index={rng.randrange(n)}&k=10&metric=cosine")
            with lock: lat["neighbors"].append(dt)
        dt, _ = get("/api/view?step=pca"); dp, _ = get("/api/points?step=pca")
        with lock: lat["view"].append(dt + dp)
    except Exception as e:
        with lock: errors.append(str(e))
threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
start = time.time()
for t in threads: t.start()
for t in threads: t.join()
def q(xs, p): xs = sorted(xs); return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))] if xs else float("nan")
out = {k: {"requests": len(v), "median_ms": round(1000 * statistics.median(v), 1) if v else None, "p99_ms": round(1000 * q(v, 0.99), 1)} for k, v in lat.items()}
out.update(view_bytes=sizes[0] if sizes else None, clients=clients, rounds=rounds, wall_s=round(time.time() - start, 2), errors=errors[:5])
print(json.dumps(out))
