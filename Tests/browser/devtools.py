"""A headless Chromium driven through the DevTools protocol, for the suite's page checks.

    with Browser() as b:
        b.call("Page.navigate", url=url)
        b.js("document.title")

`errors` collects every uncaught page exception. Needs websocket-client (Debian's python3-websocket).
"""
import json, os, subprocess, tempfile, time, urllib.request
import websocket


class Browser:
    def __init__(self, width=1400, height=900):
        self.port = 9000 + os.getpid() % 900
        self.errors = []
        self._counter = 0
        self._chrome = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
             f"--window-size={width},{height}", f"--remote-debugging-port={self.port}",
             f"--user-data-dir={tempfile.mkdtemp()}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pages = []
        for _ in range(100):
            try:
                pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json"))
                break
            except Exception:
                time.sleep(0.2)
        self._ws = websocket.create_connection([p for p in pages if p["type"] == "page"][0]["webSocketDebuggerUrl"], timeout=120)
        self.call("Runtime.enable")
        self.call("Page.enable")

    def call(self, method, **params):
        """Sends one command and returns its result, recording page exceptions on the way."""
        self._counter += 1
        self._ws.send(json.dumps({"id": self._counter, "method": method, "params": params}))
        while True:
            m = json.loads(self._ws.recv())
            if m.get("method") == "Runtime.exceptionThrown":
                d = m["params"]["exceptionDetails"]
                self.errors.append((d.get("text") or "") + " " + ((d.get("exception") or {}).get("description") or "")[:300])
            if m.get("id") == self._counter:
                return m.get("result", {})

    def js(self, expression):
        """The value of `expression` in the page (promises awaited)."""
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return r.get("result", {}).get("value")

    def wait(self, expression, seconds=60):
        """Polls `expression` until it is truthy; whether it became so in time."""
        end = time.time() + seconds
        while time.time() < end:
            if self.js(expression):
                return True
            time.sleep(0.05)
        return False

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self._chrome.kill()
