#!/usr/bin/env python3
"""Measures `orrery serve`'s page in headless Chromium (Tests/browser/devtools.py): seconds from
navigation to the first drawn view, frames per second while rotating the 3-D view for 5 s (as a
drag draws: every k-th point above 100k; and drawing every point each frame), and the
milliseconds of a hover look-up, a lasso and a recolouring. Prints one JSON line.
Usage: fps.py URL N"""
import json, sys, time
from devtools import Browser

url, n = sys.argv[1], int(sys.argv[2])
with Browser(1400, 800) as b:
    start = time.time()
    b.call("Page.navigate", url=url)
    shown = b.wait(f"typeof view !== 'undefined' && view !== null && view.count === {n} && frames > 0", 600)
    out = {"points": n, "first_view_s": round(time.time() - start, 2) if shown else None}
    if shown:
        for name, lod in [("fps_rotating", "true"), ("fps_full_draw", "false")]:
            out[name] = b.js("""new Promise(done => { let k = 0; const t0 = performance.now();
                function f(){ cam.yaw += 0.02; draw(%s); k++; if (performance.now() - t0 < 5000) requestAnimationFrame(f);
                  else done(Math.round(10 * k * 1000 / (performance.now() - t0)) / 10); }
                requestAnimationFrame(f); })""" % lod)
        out["hover_ms"] = b.js("""(() => { draw(); const t0 = performance.now(); nearest(canvas.clientWidth / 2, canvas.clientHeight / 2);
            return Math.round(performance.now() - t0); })()""")
        out["lasso_ms"] = b.js("""(() => { const w = canvas.clientWidth, h = canvas.clientHeight; const t0 = performance.now();
            const poly = [[w*0.3,h*0.3],[w*0.7,h*0.35],[w*0.6,h*0.7],[w*0.35,h*0.65]]; const s = screenPositions(); let c = 0;
            for (let i = 0; i < view.count; i++) if (inside(s[2*i], s[2*i+1], poly)) c++;
            return [Math.round(performance.now() - t0), c]; })()""")
        out["recolour_ms"] = b.js("""(() => { const t0 = performance.now(); document.getElementById('color').value = 'copy'; colours(); draw();
            return Math.round(performance.now() - t0); })()""")
    out["errors"] = b.errors[:3]
print(json.dumps(out))
