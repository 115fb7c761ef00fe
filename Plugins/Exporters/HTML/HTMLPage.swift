extension HTMLExporter {
    /// The page: `@@TITLE@@` and `@@DATA@@` are filled in by `render`. No external resource.
    static let page = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@@TITLE@@</title>
<style>
  html, body { margin: 0; height: 100%; font: 13px Helvetica, Arial, sans-serif; color: #222; overflow: hidden; }
  #app { display: flex; height: 100%; }
  #side { width: 300px; padding: 10px; box-sizing: border-box; border-right: 1px solid #ddd; overflow-y: auto; background: #fafafa; }
  #side h1 { font-size: 15px; margin: 0 0 8px; }
  #side label { display: block; margin: 8px 0 2px; color: #555; }
  #side input, #side select { width: 100%; box-sizing: border-box; padding: 4px; }
  #status { margin: 6px 0; color: #555; }
  #legend div { margin: 2px 0; } #legend span { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin-right: 6px; }
  #point table { border-collapse: collapse; width: 100%; } #point td { padding: 1px 4px; border-bottom: 1px solid #eee; }
  #point tr.nbr { cursor: pointer; } #point tr.nbr:hover { background: #eef; }
  #plot { flex: 1; position: relative; }
  canvas { display: block; width: 100%; height: 100%; cursor: crosshair; }
  #tip { position: absolute; pointer-events: none; background: rgba(255,255,255,.92); border: 1px solid #999; padding: 2px 5px; border-radius: 3px; display: none; white-space: nowrap; }
  #axes { position: absolute; left: 8px; bottom: 6px; color: #555; }
  #views { display: flex; flex-wrap: wrap; gap: 4px; margin-bottom: 8px; }
  #views:empty { display: none; }
  #views button { font: inherit; font-size: 11px; padding: 2px 6px; border: 1px solid #aaa; background: #f6f6f6; border-radius: 3px; cursor: pointer; }
  #views button.active { background: #0072B2; color: white; border-color: #0072B2; }
  #notes { color: #666; font-size: 11px; margin-top: 12px; white-space: pre-wrap; }
</style>
</head>
<body>
<div id="app">
  <div id="side">
    <h1>@@TITLE@@</h1>
    <div id="views"></div>
    <label for="search">Search (text, or /regex/)</label>
    <input id="search" type="search" placeholder="e.g. /^bad/">
    <label for="searchColumn">in column</label>
    <select id="searchColumn"></select>
    <div id="status"></div>
    <label for="colorBy">Colour by</label>
    <select id="colorBy"></select>
    <div id="legend"></div>
    <div id="point"></div>
    <div id="notes"></div>
  </div>
  <div id="plot"><canvas id="canvas"></canvas><div id="tip"></div><div id="axes"></div></div>
</div>
<script type="application/json" id="data">@@DATA@@</script>
<script>
"use strict";
(function () {
  var errors = 0;
  window.addEventListener("error", function () { errors++; document.body.dataset.errors = String(errors); });
  document.body.dataset.errors = "0";
  var D = JSON.parse(document.getElementById("data").textContent);
  var n = D.n, dims = D.dims;
  var X = new Float32Array(n), Y = new Float32Array(n), Z = new Float32Array(n);
  for (var i = 0; i < n; i++) { X[i] = D.coords[0][i] / 1e4; Y[i] = D.coords[1][i] / 1e4; Z[i] = dims === 3 ? D.coords[2][i] / 1e4 : 0; }
  var SX = new Float32Array(n), SY = new Float32Array(n);
  var OKABE = D.palette;   // PointColors.categorical; D.continuous[col] is ColorScale's decision
  var VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  var canvas = document.getElementById("canvas"), ctx = canvas.getContext("2d");
  var tip = document.getElementById("tip");
  var W = 0, H = 0, dpr = window.devicePixelRatio || 1;
  var view = { zoom: 1, panX: 0, panY: 0, yaw: 0.6, pitch: 0.35 };
  if (dims === 2) { view.yaw = 0; view.pitch = 0; }
  var colorIndex = new Uint16Array(n), palette = ["#0072B2"], order = new Int32Array(n), groupStart = [0, n];
  var matches = new Uint8Array(n), matchList = [], selected = -1, neighbourSet = [];
  // Grid index over screen positions (cell = 8 px), rebuilt after each projection.
  var gridDirty = true, CELL = 8, gridW = 1, gridH = 1, cellStart = new Int32Array(2), cellItems = new Int32Array(n);

  function resize() {
    var r = canvas.getBoundingClientRect();
    W = Math.max(1, r.width); H = Math.max(1, r.height);
    canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    redraw();
  }

  function project() {
    var s = Math.min(W, H) * 0.45 * view.zoom, cx = W / 2 + view.panX, cy = H / 2 + view.panY;
    var cyaw = Math.cos(view.yaw), syaw = Math.sin(view.yaw), cp = Math.cos(view.pitch), sp = Math.sin(view.pitch);
    for (var i = 0; i < n; i++) {
      var x = X[i], y = Y[i], z = Z[i];
      var x1 = x * cyaw + z * syaw, z1 = -x * syaw + z * cyaw;
      var y1 = y * cp - z1 * sp;
      SX[i] = cx + x1 * s; SY[i] = cy - y1 * s;
    }
    gridDirty = true;
  }

  function buildGrid() {
    gridW = Math.ceil(W / CELL) + 1; gridH = Math.ceil(H / CELL) + 1;
    var cells = gridW * gridH, counts = new Int32Array(cells + 1), cellOf = new Int32Array(n);
    for (var i = 0; i < n; i++) {
      var gx = Math.floor(SX[i] / CELL), gy = Math.floor(SY[i] / CELL);
      var c = (gx < 0 || gy < 0 || gx >= gridW || gy >= gridH) ? -1 : gy * gridW + gx;
      cellOf[i] = c; if (c >= 0) counts[c + 1]++;
    }
    for (var c = 0; c < cells; c++) counts[c + 1] += counts[c];
    cellStart = counts.slice(0);
    var fill = counts;
    for (var i = 0; i < n; i++) { var c = cellOf[i]; if (c >= 0) cellItems[fill[c]++] = i; }
  }

  function nearest(px, py, radius) {
    if (gridDirty) { buildGrid(); gridDirty = false; }
    var best = -1, bd = radius * radius;
    var gx = Math.floor(px / CELL), gy = Math.floor(py / CELL), r = Math.ceil(radius / CELL);
    for (var y = gy - r; y <= gy + r; y++) {
      if (y < 0 || y >= gridH) continue;
      for (var x = gx - r; x <= gx + r; x++) {
        if (x < 0 || x >= gridW) continue;
        var c = y * gridW + x;
        for (var k = cellStart[c]; k < cellStart[c + 1]; k++) {
          var i = cellItems[k], dx = SX[i] - px, dy = SY[i] - py, d = dx * dx + dy * dy;
          if (d <= bd) { bd = d; best = i; }
        }
      }
    }
    return best;
  }

  // The base layer is one pass writing packed pixels into an ImageData (no per-point canvas call).
  var img = null, buf32 = null, packed = [];
  function pack(color, dimmed) {
    var r, g, b, m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
    if (m) { r = parseInt(m[1], 16); g = parseInt(m[2], 16); b = parseInt(m[3], 16); }
    else { var c = color.match(/\d+/g).map(Number); r = c[0]; g = c[1]; b = c[2]; }
    if (dimmed) { r = Math.round(r * 0.3 + 255 * 0.7); g = Math.round(g * 0.3 + 255 * 0.7); b = Math.round(b * 0.3 + 255 * 0.7); }
    return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
  }
  function draw() {
    var t0 = performance.now();
    var pw = canvas.width, ph = canvas.height;
    if (!img || img.width !== pw || img.height !== ph) { img = ctx.createImageData(pw, ph); buf32 = new Uint32Array(img.data.buffer); }
    buf32.fill(0xFFFFFFFF);
    var size = n > 20000 ? 2 : n > 2000 ? 3 : 5, h = size / 2, ds = Math.max(1, Math.round(size * dpr));
    var dim = matchList.length > 0 || selected >= 0;
    for (var g = 0; g + 1 < groupStart.length; g++) {
      var col = pack(palette[g], dim);
      for (var k = groupStart[g]; k < groupStart[g + 1]; k++) {
        var i = order[k], x0 = ((SX[i] - h) * dpr) | 0, y0 = ((SY[i] - h) * dpr) | 0;
        if (x0 < 0 || y0 < 0 || x0 + ds > pw || y0 + ds > ph) continue;
        for (var y = y0; y < y0 + ds; y++) { var o = y * pw; for (var x = x0; x < x0 + ds; x++) buf32[o + x] = col; }
      }
    }
    ctx.putImageData(img, 0, 0);
    if (matchList.length) {
      ctx.fillStyle = "#D55E00";
      for (var m = 0; m < matchList.length; m++) { var i = matchList[m]; ctx.fillRect(SX[i] - size, SY[i] - size, 2 * size, 2 * size); }
      ctx.font = "12px Helvetica, Arial, sans-serif"; ctx.fillStyle = "#222";
      for (var m = 0; m < Math.min(matchList.length, 50); m++) { var i = matchList[m]; ctx.fillText(label(i), SX[i] + size + 2, SY[i] - size); }
    }
    if (selected >= 0) {
      ctx.strokeStyle = "#0072B2"; ctx.lineWidth = 1.5;
      for (var m = 0; m < neighbourSet.length; m++) { var j = neighbourSet[m]; ctx.strokeRect(SX[j] - size - 1, SY[j] - size - 1, 2 * size + 2, 2 * size + 2); }
      ctx.fillStyle = "#000"; ctx.beginPath(); ctx.arc(SX[selected], SY[selected], size + 3, 0, 6.2832); ctx.fill();
      ctx.font = "bold 13px Helvetica, Arial, sans-serif"; ctx.fillText(label(selected), SX[selected] + size + 5, SY[selected] - size - 2);
    }
    return performance.now() - t0;
  }

  var pending = false;
  function redraw() { project(); return draw(); }
  function schedule() { if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; redraw(); }); } }

  function label(i) { return D.columns.length ? D.values[D.labelColumn][i] : String(i); }

  function setColor(name) {
    var col = D.columns.indexOf(name), legend = document.getElementById("legend");
    legend.innerHTML = "";
    if (col < 0) { palette = ["#0072B2"]; colorIndex.fill(0); }
    else {
      var vals = D.values[col], distinct = {}, list = [];
      for (var i = 0; i < n; i++) { if (!(vals[i] in distinct)) { distinct[vals[i]] = 0; list.push(vals[i]); } distinct[vals[i]]++; }
      if (D.continuous[col]) {
        var lo = Infinity, hi = -Infinity;
        for (var i = 0; i < n; i++) { var v = parseFloat(vals[i]); if (isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; } }
        var span = hi > lo ? hi - lo : 1; palette = [];
        for (var b = 0; b < 32; b++) palette.push(viridis(b / 31));
        palette.push("#999999");
        for (var i = 0; i < n; i++) { var v = parseFloat(vals[i]); colorIndex[i] = isFinite(v) ? Math.round((v - lo) / span * 31) : 32; }
        for (var s = 0; s <= 4; s++) addLegend(legend, viridis(s / 4), String(+(lo + s / 4 * span).toPrecision(4)));
      } else {
        var named = list.slice(0);
        if (list.length > OKABE.length) named = list.slice(0).sort(function (a, b) { return distinct[b] - distinct[a]; }).slice(0, OKABE.length - 1);
        if (D.numeric[col]) named.sort(function (a, b) { return parseFloat(a) - parseFloat(b); });
        var index = {}; palette = [];
        named.forEach(function (v, k) { index[v] = k; palette.push(OKABE[k]); addLegend(legend, OKABE[k], v === "" ? "(missing)" : v); });
        palette.push("#999999"); if (named.length < list.length) addLegend(legend, "#999999", "other");
        for (var i = 0; i < n; i++) colorIndex[i] = (vals[i] in index) ? index[vals[i]] : named.length;
      }
    }
    // Group points by colour: one fillStyle per group when drawing.
    var counts = new Int32Array(palette.length + 1);
    for (var i = 0; i < n; i++) counts[colorIndex[i] + 1]++;
    for (var g = 0; g < palette.length; g++) counts[g + 1] += counts[g];
    groupStart = Array.prototype.slice.call(counts);
    var fill = counts.slice(0);
    for (var i = 0; i < n; i++) order[fill[colorIndex[i]]++] = i;
    schedule();
  }
  function viridis(t) {
    var x = Math.min(1, Math.max(0, t)) * 4, i = Math.min(3, Math.floor(x)), f = x - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
    return "rgb(" + Math.round(a[0] + (b[0] - a[0]) * f) + "," + Math.round(a[1] + (b[1] - a[1]) * f) + "," + Math.round(a[2] + (b[2] - a[2]) * f) + ")";
  }
  function addLegend(el, color, text) {
    var d = document.createElement("div"), s = document.createElement("span");
    s.style.background = color; d.appendChild(s); d.appendChild(document.createTextNode(text)); el.appendChild(d);
  }

  function search(query, columnName) {
    var col = D.columns.indexOf(columnName), status = document.getElementById("status");
    matchList = []; matches.fill(0);
    if (query && col >= 0) {
      var test;
      if (query.length >= 2 && query[0] === "/" && query[query.length - 1] === "/") {
        var re;
        try { re = new RegExp(query.slice(1, -1), "i"); } catch (e) { status.textContent = "bad regex: " + e.message; return []; }
        test = function (v) { return re.test(v); };
      } else {
        var q = query.toLowerCase();
        test = function (v) { return v.toLowerCase().indexOf(q) >= 0; };
      }
      var vals = D.values[col];
      for (var i = 0; i < n; i++) if (test(vals[i])) { matches[i] = 1; matchList.push(i); }
    }
    status.textContent = query ? matchList.length + " of " + n + " points match" : n + " points";
    document.body.dataset.matches = matchList.join(",");
    schedule();
    return matchList.slice(0);
  }

  function select(i) {
    selected = i; neighbourSet = [];
    var panel = document.getElementById("point");
    panel.innerHTML = "";
    if (i < 0) { schedule(); return; }
    var h = document.createElement("h1"); h.textContent = label(i); panel.appendChild(h);
    var table = document.createElement("table");
    function row(cells, cls) {
      var tr = document.createElement("tr"); if (cls) tr.className = cls;
      cells.forEach(function (c) { var td = document.createElement("td"); td.textContent = c; tr.appendChild(td); });
      table.appendChild(tr); return tr;
    }
    for (var c = 0; c < D.columns.length; c++) row([D.columns[c], D.values[c][i]]);
    if (D.k > 0) {
      row(["nearest (original space)", "cosine dist.", "angle"]);
      for (var k = 0; k < D.k; k++) {
        var j = D.nbr[i * D.k + k];
        if (j < 0) continue;
        neighbourSet.push(j);
        var tr = row([label(j), (D.dist[i * D.k + k] / 1e4).toFixed(4), (D.angle[i * D.k + k] / 100).toFixed(2) + "°"], "nbr");
        tr.addEventListener("click", (function (j) { return function () { select(j); }; })(j));
      }
    }
    panel.appendChild(table);
    document.body.dataset.selected = String(i);
    document.body.dataset.neighbours = neighbourSet.join(",");
    schedule();
  }

  // Interaction: drag pans (2-D) or rotates (3-D; shift-drag pans), wheel zooms at the cursor.
  var drag = null;
  canvas.addEventListener("mousedown", function (e) { drag = { x: e.offsetX, y: e.offsetY, moved: false, shift: e.shiftKey }; });
  window.addEventListener("mouseup", function (e) {
    if (drag && !drag.moved && e.target === canvas) select(nearest(e.offsetX, e.offsetY, 8));
    drag = null;
  });
  canvas.addEventListener("mousemove", function (e) {
    if (drag) {
      var dx = e.offsetX - drag.x, dy = e.offsetY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
      if (dims === 3 && !drag.shift) { view.yaw += dx * 0.01; view.pitch = Math.max(-1.5, Math.min(1.5, view.pitch + dy * 0.01)); }
      else { view.panX += dx; view.panY += dy; }
      drag.x = e.offsetX; drag.y = e.offsetY; schedule(); tip.style.display = "none"; return;
    }
    var i = nearest(e.offsetX, e.offsetY, 8);
    if (i >= 0) { tip.textContent = label(i); tip.style.left = (e.offsetX + 12) + "px"; tip.style.top = (e.offsetY + 12) + "px"; tip.style.display = "block"; }
    else tip.style.display = "none";
  });
  canvas.addEventListener("mouseleave", function () { tip.style.display = "none"; });
  canvas.addEventListener("wheel", function (e) {
    e.preventDefault();
    var f = Math.exp(-e.deltaY * 0.0015), mx = e.offsetX - W / 2, my = e.offsetY - H / 2;
    view.panX = mx - (mx - view.panX) * f; view.panY = my - (my - view.panY) * f; view.zoom *= f; schedule();
  }, { passive: false });
  window.addEventListener("resize", resize);

  // Controls.
  var searchBox = document.getElementById("search"), searchColumn = document.getElementById("searchColumn"), colorBy = document.getElementById("colorBy");
  D.columns.forEach(function (c) { searchColumn.add(new Option(c, c)); });
  colorBy.add(new Option("(none)", ""));
  D.columns.forEach(function (c) { colorBy.add(new Option(c, c)); });
  searchColumn.value = D.searchColumn; colorBy.value = D.colorBy;
  searchBox.addEventListener("input", function () { search(searchBox.value, searchColumn.value); });
  searchColumn.addEventListener("change", function () { search(searchBox.value, searchColumn.value); });
  colorBy.addEventListener("change", function () { setColor(colorBy.value); });
  function showAxes(titles, notes) {
    document.getElementById("axes").textContent = titles.join("  ·  ") + (dims === 3 ? "  (drag to rotate, shift-drag to pan, wheel to zoom)" : "  (drag to pan, wheel to zoom)");
    document.getElementById("notes").textContent = notes.join("\n");
  }
  showAxes(D.axisTitles, D.notes);
  // Views (a sweep's layouts of the same points): one button each; the view shown is body[data-view].
  var viewButtons = [];
  function setView(k) {
    var v = D.views && D.views[k];
    if (!v) return;
    for (var i = 0; i < n; i++) { X[i] = v.coords[0][i] / 1e4; Y[i] = v.coords[1][i] / 1e4; Z[i] = dims === 3 ? v.coords[2][i] / 1e4 : 0; }
    viewButtons.forEach(function (b, j) { b.className = j === k ? "active" : ""; });
    showAxes(v.axisTitles, (v.quality ? [v.quality] : []).concat(v.notes));
    document.body.dataset.view = String(k);
    document.body.dataset.viewTitle = v.title;
    gridDirty = true;
    schedule();
  }
  if (D.views) {
    var heading = document.createElement("label");
    heading.textContent = "Layout (" + D.views.length + ")";
    document.getElementById("views").before(heading);
    D.views.forEach(function (v, k) {
      var b = document.createElement("button");
      b.textContent = v.title; b.title = v.quality || v.title;
      b.addEventListener("click", function () { setView(k); });
      document.getElementById("views").appendChild(b); viewButtons.push(b);
    });
    setView(0);
  }

  // Scripting hooks (used by the browser check): window.orrery and #search=…&column=…&select=…&bench.
  window.orrery = { search: search, select: select, redraw: redraw, setView: setView, nearest: nearest, view: view, get matches() { return matchList.slice(0); } };
  setColor(D.colorBy);
  resize();
  search("", searchColumn.value);
  var params = new URLSearchParams(location.hash.slice(1));
  if (params.has("column")) searchColumn.value = params.get("column");
  if (params.has("search")) { searchBox.value = params.get("search"); search(searchBox.value, searchColumn.value); }
  if (params.has("select")) select(parseInt(params.get("select"), 10));
  if (params.has("view")) setView(parseInt(params.get("view"), 10));
  redraw();
  document.body.dataset.loadMs = String(Math.round(performance.now()));
  if (params.has("bench")) {
    var times = [];
    for (var r = 0; r < 20; r++) { view.yaw += 0.05; view.panX += 1; times.push(redraw()); }
    times.sort(function (a, b) { return a - b; });
    var g0 = performance.now(); nearest(0, 0, 8); document.body.dataset.gridMs = (performance.now() - g0).toFixed(1);
    var t0 = performance.now(); for (var r = 0; r < 200; r++) nearest(W * Math.random(), H * Math.random(), 8);
    document.body.dataset.drawMs = times[10].toFixed(1);
    document.body.dataset.hoverUs = ((performance.now() - t0) / 200 * 1000).toFixed(1);
    var p0 = performance.now(); project(); document.body.dataset.projectMs = (performance.now() - p0).toFixed(1);
  }
  document.body.dataset.ready = "1";
})();
</script>
</body>
</html>
"""#
}
