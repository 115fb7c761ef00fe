"""Loads a bookmark in the real Projector (TensorBoard's web page, headless Chromium via the
DevTools protocol) and reports what the page then shows.

usage: projector_bookmark.py URL SHOT.png
Prints JSON: the bookmark labels found, the projection tab that is active after clicking the first
bookmark, the point count shown, and any page errors. Needs `websocket-client`.
"""
import json, subprocess, sys, time, urllib.request, base64, tempfile, os
import websocket

url, shot = sys.argv[1], sys.argv[2]
port = 9333
profile = tempfile.mkdtemp()
chrome = subprocess.Popen(["chromium", "--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                           "--window-size=1400,900", f"--remote-debugging-port={port}", f"--user-data-dir={profile}", "about:blank"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(50):
        try:
            pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
            break
        except Exception:
            time.sleep(0.2)
    ws = websocket.create_connection([p for p in pages if p["type"] == "page"][0]["webSocketDebuggerUrl"], timeout=60)
    counter = [0]
    errors = []
    def call(method, **params):
        counter[0] += 1
        ws.send(json.dumps({"id": counter[0], "method": method, "params": params}))
        while True:
            m = json.loads(ws.recv())
            if m.get("method") == "Runtime.exceptionThrown":
                d = m["params"]["exceptionDetails"]
                errors.append((d.get("text") or "") + " " + ((d.get("exception") or {}).get("description") or "")[:300])
            if m.get("id") == counter[0]:
                return m.get("result", {})
    def js(expr):
        r = call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        return r.get("result", {}).get("value")
    call("Runtime.enable")
    call("Page.enable")
    call("Page.navigate", url=url)
    deep = """
    function deepAll(root, sel, out) { out = out || [];
      root.querySelectorAll(sel).forEach(e => out.push(e));
      root.querySelectorAll('*').forEach(e => { if (e.shadowRoot) deepAll(e.shadowRoot, sel, out);
        if (e.tagName === 'IFRAME') { try { if (e.contentDocument) deepAll(e.contentDocument, sel, out); } catch (x) {} } });
      return out; }
    """
    labels = []
    for _ in range(60):
        time.sleep(1)
        labels = js(deep + "deepAll(document, 'paper-textarea.state-label-input').map(e => e.value).filter(v => v)") or []
        if labels:
            break
    time.sleep(float(os.environ.get("SETTLE", "5")))   # let the Projector finish its own first PCA
    clicked = js(deep + """(() => { const r = deepAll(document, '.state-radio paper-icon-button'); if (!r.length) return 0; r[0].click(); return r.length; })()""")
    time.sleep(float(os.environ.get("WAIT", "8")))
    active = js(deep + "deepAll(document, '.ink-tab').filter(t => t.classList.contains('active')).map(t => t.getAttribute('data-tab'))")
    header = js(deep + "deepAll(document, '.ink-panel-header, .dim, #status, .status').map(e => e.textContent.replace(/\\s+/g, ' ').trim()).filter(t => /Points|Dimension|point/.test(t)).slice(0, 3)")
    png = call("Page.captureScreenshot", format="png")
    open(shot, "wb").write(base64.b64decode(png["data"]))
    print(json.dumps({"bookmarks": labels, "radios": clicked, "activeTab": active, "header": header, "errors": errors}))
finally:
    chrome.kill()
