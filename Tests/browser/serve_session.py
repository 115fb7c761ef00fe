"""Drives `orrery serve`'s page in headless Chromium through the DevTools protocol, as a person
would: clicks a point by its label, searches a regex, isolates a selection with a reducer, saves
it as steps, then edits the workflow file on disk and times how long the page takes to show it.

usage: serve_session.py URL WORKFLOW.yaml LABEL REGEX REDUCER PARAMETERS SHOT.png
Prints one JSON object: the neighbours listed after the click, the rows the search selected, the
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
