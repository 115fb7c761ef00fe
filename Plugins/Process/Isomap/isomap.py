"""reducer.isomap: scikit-learn's Isomap as an Orrery process plugin (protocol: docs/plugins.md)."""
import json
import sys

import numpy as np
from sklearn.manifold import Isomap

request = json.load(open(sys.argv[1]))
p = request["parameters"]
x = np.load(request["inputs"]["input"][0]["vectors"]).astype(np.float64)
print(f"progress 0/1 isomap on {x.shape[0]} points", flush=True)
y = Isomap(n_components=p["dims"], n_neighbors=p["n-neighbors"], metric=p["metric"]).fit_transform(x)
np.save(request["output"]["vectors"], np.ascontiguousarray(y, dtype=np.float32))
json.dump([f"isomap-{i}" for i in range(y.shape[1])], open(request["output"]["axes"], "w"))
json.dump({"n-neighbors": p["n-neighbors"]}, open(request["output"]["notes"], "w"))
print("progress 1/1 done", flush=True)
