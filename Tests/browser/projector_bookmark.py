"""Loads a bookmark in the real Projector (TensorBoard's web page, headless Chromium via the
DevTools protocol) and reports what the page then shows.

usage: projector_bookmark.py URL SHOT.png
Prints JSON: the bookmark labels found, the projection tab that is active after clicking the first
bookmark, the point count shown, and any page errors. Needs `websocket-client`.
"""
import base64, json, os, sys, time
from devtools import Browser

url, shot = sys.argv[1], sys.argv[2]
with Browser() as browser:
    errors, js, call = browser.errors, browser.js, browser.call
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
