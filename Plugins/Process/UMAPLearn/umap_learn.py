"""reducer.umap-learn: umap-learn's UMAP as an Orrery process plugin (protocol: docs/plugins.md).

Seeded (random_state = the step's seed), so umap-learn runs single-threaded and reproducibly.
"""
import json
import sys

import numpy as np
import umap

request = json.load(open(sys.argv[1]))
p = request["parameters"]
x = np.load(request["inputs"]["input"][0]["vectors"])
print(f"progress 0/1 umap-learn on {x.shape[0]} points", flush=True)
model = umap.UMAP(n_components=p["dims"], n_neighbors=min(p["n-neighbors"], max(2, x.shape[0] - 1)),
                  min_dist=p["min-dist"], metric=p["metric"], n_epochs=p["n-epochs"],
                  random_state=request["seed"] % (2**32))
y = model.fit_transform(x)
np.save(request["output"]["vectors"], np.ascontiguousarray(y, dtype=np.float32))
json.dump([f"umap-{i}" for i in range(y.shape[1])], open(request["output"]["axes"], "w"))
json.dump({"n-neighbors": p["n-neighbors"], "min-dist": p["min-dist"]}, open(request["output"]["notes"], "w"))
print("progress 1/1 done", flush=True)
