"""Drives `orrery serve`'s page in headless Chromium through the DevTools protocol, as a person
would: clicks a point by its label, selects with a lasso and bookmarks the view, searches a regex, isolates a selection with a reducer, saves
it as steps, then edits the workflow file on disk and times how long the page takes to show it.

usage: serve_session.py URL WORKFLOW.yaml LABEL REGEX REDUCER PARAMETERS SHOT.png
Prints one JSON object: the neighbours listed after the click, the lasso's rows and the rows an
independent point-in-polygon test expects, the bookmarks file the page linked to, the rows the search selected, the
isolated step's id and coordinates, whether saving worked, the seconds until an edit on disk
showed in the page, and every page error. Needs Debian's python3-websocket.
"""
import base64, json, sys, time
from devtools import Browser

url, workflow, label, regex, reducer, parameters, shot = sys.argv[1:8]
with Browser(1400, 800) as browser:
    result = {"errors": browser.errors}
    call, js, wait = browser.call, browser.js, browser.wait
    call("Page.navigate", url=url)
    if not wait("typeof view !== 'undefined' && view !== null && view.count > 0"):
        raise SystemExit(json.dumps({"errors": result["errors"] + ["the page never showed a view"]}))
    result["view"] = js("current")
    # Click the point labelled LABEL where the page draws it.
    i = js(f"view.metadata[view.columns[0]].indexOf({json.dumps(label)})")
    x, y = js(f"project({i})")
    for kind in ["mousePressed", "mouseReleased"]:
        call("Input.dispatchMouseEvent", type=kind, x=x + 280, y=y, button="left", clickCount=1)
    wait("document.querySelectorAll('#neighbors li').length > 0", 30)
    result["neighbors"] = js("[...document.querySelectorAll('#neighbors li')].map(li => li.dataset.label)")
    result["clicked"] = js("highlight.get('q')")
    # A lasso (shift-drag with "lasso" chosen): a pentagon around the middle of the view. The
    # points it selects are checked against an independent even-odd test of the points' screen
    # positions, as the page placed them.
    js("document.getElementById('dragSelect').value = 'lasso'")
    w, h = js("[canvas.clientWidth, canvas.clientHeight]")
    import math
    poly = [(w / 2 + 0.3 * min(w, h) * math.cos(2 * math.pi * k / 5 + 0.3), h / 2 + 0.3 * min(w, h) * math.sin(2 * math.pi * k / 5 + 0.3)) for k in range(5)]
    call("Input.dispatchMouseEvent", type="mousePressed", x=poly[0][0] + 280, y=poly[0][1], button="left", clickCount=1, modifiers=8)
    for px, py in poly[1:]:
        call("Input.dispatchMouseEvent", type="mouseMoved", x=px + 280, y=py, button="left", buttons=1, modifiers=8)
    call("Input.dispatchMouseEvent", type="mouseReleased", x=poly[0][0] + 280, y=poly[0][1], button="left", clickCount=1, modifiers=8)
    wait("(document.getElementById('selection').textContent || '').includes('lasso')", 30)
    result["lasso"] = js("JSON.parse(document.getElementById('selection').dataset.rows || '[]')")
    positions = js("Array.from(screenPositions())")
    def inside(x, y):
        c = False
        for i in range(len(poly)):
            (xi, yi), (xj, yj) = poly[i], poly[i - 1]
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                c = not c
        return c
    result["lasso_expected"] = [i for i in range(len(positions) // 2) if inside(positions[2 * i], positions[2 * i + 1])]
    # Bookmark the view with the lasso's points selected; read the file the page links to.
    js("document.getElementById('bookmarkLabel').value = 'lasso bookmark'; document.getElementById('bookmark').click()")
    if wait("document.getElementById('message').textContent.startsWith('bookmarked')", 60):
        href = js("document.getElementById('bookmarkFile').getAttribute('href')")
        result["bookmark_file"] = href
        result["bookmark"] = json.loads(js(f"fetch({json.dumps(href)}).then(r => r.text())"))
    else:
        result["errors"].append("bookmark: " + str(js("document.getElementById('message').textContent")))
    wait(f"[...document.querySelectorAll('.step')].some(s => s.dataset.id === 'bookmark-1') && current === {json.dumps(result['view'])} && !state.running && !busy", 30)
    time.sleep(0.6)
    wait("!busy", 30)
    # Search.
    js(f"document.getElementById('search').value = {json.dumps(regex)}; document.getElementById('search').onchange()")
    wait(f"(document.getElementById('selection').textContent || '').includes('/{regex}/')", 30)
    result["search"] = js("JSON.parse(document.getElementById('selection').dataset.rows || '[]')")
    # Isolate the search's points.
    js(f"document.getElementById('reducer').value = {json.dumps(reducer)}; document.getElementById('params').value = {json.dumps(parameters)}")
    js("document.getElementById('isolate').click()")
    wait("typeof pending !== 'undefined' && pending !== null && current === pending.step", 120)
    result["isolated"] = js("current")
    result["coordinates"] = js("Array.from(view.coordinates)")
    result["message"] = js("document.getElementById('message').textContent")
    data = call("Page.captureScreenshot", format="png")
    open(shot, "wb").write(base64.b64decode(data["data"]))
    # Save as steps.
    js("document.getElementById('save').click()")
    result["saved"] = wait("document.getElementById('message').textContent.startsWith('saved')", 60)
    wait(f"[...document.querySelectorAll('.step')].some(s => s.dataset.id === {json.dumps(result['isolated'])})", 30)
    # An edit on disk: a new exporter step; time until the page lists it.
    time.sleep(1.0)
    with open(workflow, "a") as f:
        f.write("  edited-on-disk:\n    uses: exporter.tsv\n    from: near-politics\n    with: { path: edited.tsv }\n")
    start = time.time()
    shown = wait("[...document.querySelectorAll('.step')].some(s => s.dataset.id === 'edited-on-disk')", 30)
    result["edit_seconds"] = time.time() - start if shown else None
print(json.dumps(result))
