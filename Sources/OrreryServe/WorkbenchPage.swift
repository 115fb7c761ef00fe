/// The page `orrery serve` serves: the step list, a WebGL view of any embedding step (2-D and 3-D:
/// pan, zoom, rotate), colour and labels by a metadata column, hover, click for neighbours,
/// regex search, box and lasso selection, isolate, save as steps and bookmark. Everything is in this one page; it
/// loads nothing from the network.
enum WorkbenchPage {
    static func html(token: String) -> String {
        template.replacingOccurrences(of: "__TOKEN__", with: token)
    }

    static let template = #"""
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><meta name="orrery-token" content="__TOKEN__">
    <title>Orrery workbench</title>
    <style>
    body{margin:0;font:13px system-ui,sans-serif;display:grid;grid-template-columns:280px 1fr 300px;height:100vh;color:#222}
    aside{overflow:auto;padding:8px;border-right:1px solid #ddd} #side{border-left:1px solid #ddd;border-right:0}
    main{position:relative} canvas{width:100%;height:100%;display:block;background:#fff}
    #labels{position:absolute;left:0;top:0;pointer-events:none;background:transparent}
    .step{padding:4px;margin:2px 0;border-radius:4px;cursor:pointer} .step:hover{background:#eef}
    .step.current{background:#dde} .muted{color:#777;font-size:11px;overflow-wrap:anywhere} .bad{color:#b00}
    #tip{position:absolute;pointer-events:none;background:#fffe;border:1px solid #ccc;padding:4px;display:none;max-width:300px}
    #box{position:absolute;border:1px dashed #36c;background:#36c2;display:none;pointer-events:none}
    label{display:block;margin-top:6px} input,select,button{font:inherit} ol{padding-left:20px}
    </style></head><body>
    <aside><b id="name">Orrery</b><div id="diagnostics" class="bad"></div><div id="steps"></div></aside>
    <main><canvas id="canvas"></canvas><canvas id="labels"></canvas><div id="tip"></div><div id="box"></div></main>
    <aside id="side">
      <div id="status" class="muted">loading…</div>
      <label>colour by <select id="color"></select></label>
      <label>label by <select id="label"></select></label>
      <label>metric <select id="metric"><option>cosine</option><option>angle</option><option>euclidean</option></select></label>
      <label>search <input id="search" placeholder="regex, e.g. ^pol"> <select id="searchColumn"></select></label>
      <label>shift-drag selects by <select id="dragSelect"><option>box</option><option>lasso</option></select></label>
      <div class="muted">drag: pan (3-D: rotate) · wheel: zoom · shift-drag: select · click: neighbours</div>
      <div id="selection" class="muted"></div>
      <label>isolate with <select id="reducer"><option>reducer.pca</option><option>reducer.tsne</option><option>reducer.umap</option><option>reducer.custom-axis</option></select></label>
      <input id="params" value="{}" size="32" title="the reducer's parameters, YAML flow mapping">
      <button id="isolate">Isolate</button> <button id="save" disabled>Save as steps</button> <button id="back" disabled>Back</button>
      <label>bookmark <input id="bookmarkLabel" placeholder="label (default: the projection's title)" size="24"> <button id="bookmark">Bookmark</button></label>
      <div id="message" class="muted"></div>
      <h4 id="nbTitle"></h4><ol id="neighbors"></ol>
    </aside>
    <script>
    "use strict";
    const token = document.querySelector('meta[name=orrery-token]').content;
    const $ = id => document.getElementById(id);
    const palette = ["#0072B2","#E69F00","#009E73","#CC79A7","#56B4E9","#D55E00","#F0E442","#000000","#332288","#117733","#882255","#999933"];
    let state = null, view = null, current = null, parent = null, selection = [], highlight = new Map(), pending = null;
    let cam = {x:0,y:0,scale:1,yaw:0.6,pitch:0.3};
    const canvas = $("canvas"), gl = canvas.getContext("webgl", {antialias:true, preserveDrawingBuffer:true});
    const vs = `attribute vec3 p; attribute vec3 c; uniform mat4 m; uniform float s; varying vec3 v;
      void main(){ gl_Position = m * vec4(p,1.0); gl_PointSize = s; v = c; }`;
    const fs = `precision mediump float; varying vec3 v; void main(){
      vec2 d = gl_PointCoord - 0.5; if (dot(d,d) > 0.25) discard; gl_FragColor = vec4(v,1.0); }`;
    function shader(type, src){ const s = gl.createShader(type); gl.shaderSource(s, src); gl.compileShader(s); return s; }
    const prog = gl.createProgram(); gl.attachShader(prog, shader(gl.VERTEX_SHADER, vs)); gl.attachShader(prog, shader(gl.FRAGMENT_SHADER, fs));
    gl.linkProgram(prog); gl.useProgram(prog);
    const pBuf = gl.createBuffer(), cBuf = gl.createBuffer();
    let norm = null; // positions scaled to [-1, 1]
    async function api(path, body){
      const r = await fetch(path, body === undefined ? {} : {method:"POST", headers:{"Content-Type":"application/json","X-Orrery-Token":token}, body:JSON.stringify(body)});
      const j = await r.json(); if (!r.ok) throw new Error(j.error || r.statusText); return j;
    }
    function hex(h){ return [1,3,5].map(i => parseInt(h.substr(i,2),16)/255); }
    function colours(){
      const n = view.count, out = new Float32Array(n*3), col = $("color").value, vals = col ? view.metadata[col] : null;
      let fn = () => [0.2,0.4,0.7];
      if (vals) {
        const nums = vals.map(Number), numeric = vals.every(v => v === "" || !isNaN(Number(v)));
        const distinct = [...new Set(vals)];
        if (!numeric || distinct.length <= 12) { const idx = new Map(distinct.map((v,i)=>[v,i])); fn = i => hex(palette[idx.get(vals[i]) % 12]); }
        else { let lo = Infinity, hi = -Infinity; for (const v of nums) if (!isNaN(v)) { if (v < lo) lo = v; if (v > hi) hi = v; } fn = i => { const t = (nums[i]-lo)/((hi-lo)||1); return [0.27+0.7*t, 0.0+0.9*t, 0.33+0.1*(1-t)]; }; }
      }
      const sel = new Set(selection);
      for (let i=0;i<n;i++){ let c = fn(i);
        if (highlight.size || sel.size) { if (highlight.has(i)) c = i === highlight.get("q") ? [0.9,0.1,0.1] : [0.95,0.5,0.0]; else if (sel.has(i)) c = [0.1,0.6,0.2]; else c = c.map(x => 0.6+0.4*x); }
        out.set(c, i*3); }
      gl.bindBuffer(gl.ARRAY_BUFFER, cBuf); gl.bufferData(gl.ARRAY_BUFFER, out, gl.STATIC_DRAW);
    }
    function matrix(){
      const w = canvas.width, h = canvas.height, a = h / w, s = cam.scale;
      if (view.dimensions < 3) return [s*a,0,0,0, 0,s,0,0, 0,0,1,0, cam.x*a,cam.y,0,1];
      const cy = Math.cos(cam.yaw), sy = Math.sin(cam.yaw), cp = Math.cos(cam.pitch), sp = Math.sin(cam.pitch);
      return [s*a*cy, s*sy*sp, -sy*cp*0.1, 0,  0, s*cp, sp*0.1, 0,  s*a*sy, -s*cy*sp, cy*cp*0.1, 0,  cam.x*a, cam.y, 0, 1];
    }
    function project(i, m){ m = m || matrix(); const x = norm[i*3], y = norm[i*3+1], z = norm[i*3+2];
      const px = m[0]*x+m[4]*y+m[8]*z+m[12], py = m[1]*x+m[5]*y+m[9]*z+m[13];
      return [(px+1)/2*canvas.clientWidth, (1-py)/2*canvas.clientHeight]; }
    /// While the camera moves, views above `lodPoints` points draw every k-th point (about
    /// `lodPoints` of them); the whole view is drawn once the camera rests for 200 ms.
    const lodPoints = 100000; let rest = null;
    function moved(){ draw(true); clearTimeout(rest); rest = setTimeout(() => draw(false), 200); }
    function draw(lod){
      if (!view) return;
      const r = window.devicePixelRatio || 1, cw = Math.round(canvas.clientWidth*r), ch = Math.round(canvas.clientHeight*r);
      if (canvas.width !== cw || canvas.height !== ch) { canvas.width = cw; canvas.height = ch; }
      gl.viewport(0,0,canvas.width,canvas.height); gl.clearColor(1,1,1,1); gl.clear(gl.COLOR_BUFFER_BIT);
      gl.uniformMatrix4fv(gl.getUniformLocation(prog,"m"), false, new Float32Array(matrix()));
      gl.uniform1f(gl.getUniformLocation(prog,"s"), Math.max(2, Math.min(9, 600/Math.sqrt(view.count))) * r);
      const k = lod && view.count > lodPoints ? Math.ceil(view.count / lodPoints) : 1;
      gl.bindBuffer(gl.ARRAY_BUFFER, pBuf); const pl = gl.getAttribLocation(prog,"p"); gl.enableVertexAttribArray(pl); gl.vertexAttribPointer(pl,3,gl.FLOAT,false,12*k,0);
      gl.bindBuffer(gl.ARRAY_BUFFER, cBuf); const cl = gl.getAttribLocation(prog,"c"); gl.enableVertexAttribArray(cl); gl.vertexAttribPointer(cl,3,gl.FLOAT,false,12*k,0);
      gl.drawArrays(gl.POINTS, 0, Math.floor((view.count - 1) / k) + 1);
      frames++;
      screen = null; // the points' screen positions, computed when hover or a selection needs them
      // Labels for small views (the Projector's default), drawn over the points.
      const lc = $("labels"), ctx = lc.getContext("2d");
      if (lc.width !== cw || lc.height !== ch) { lc.width = cw; lc.height = ch; lc.style.width = canvas.clientWidth + "px"; lc.style.height = canvas.clientHeight + "px"; }
      ctx.setTransform(r, 0, 0, r, 0, 0); ctx.clearRect(0, 0, lc.width, lc.height);
      if (view.count <= 300) { ctx.font = "11px system-ui, sans-serif"; ctx.fillStyle = "#333";
        const m = matrix(); for (let i=0;i<view.count;i++){ const [x,y] = project(i, m); ctx.fillText(label(i), x + 5, y - 4); } }
    }
    function columnsInto(sel, withNone){ const keep = sel.value; sel.innerHTML = (withNone ? "<option value=''>(none)</option>" : "") + view.columns.map(c => `<option>${esc(c)}</option>`).join("");
      if (view.columns.includes(keep)) sel.value = keep; }
    function esc(s){ return String(s).replace(/[&<>"']/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c])); }
    async function show(step, keepCamera){
      const q = encodeURIComponent(step);
      const [v, points] = await Promise.all([api("/api/view?step=" + q), fetch("/api/points?step=" + q).then(async r => {
        if (!r.ok) throw new Error((await r.json()).error || r.statusText); return r.arrayBuffer(); })]);
      v.coordinates = new Float32Array(points); view = v; current = step;
      const d = view.dimensions, n = view.count; norm = new Float32Array(n*3);
      if (view.coordinates.length !== n*d) throw new Error(`the view of ${step} has ${view.coordinates.length} numbers, not ${n}×${d}`);
      const lo = [0,0,0], hi = [0,0,0];
      for (let j=0;j<d;j++){ let a = Infinity, b = -Infinity; for (let i=0;i<n;i++){ const x = view.coordinates[i*d+j]; if (x < a) a = x; if (x > b) b = x; } lo[j] = a; hi[j] = b; }
      const span = Math.max(hi[0]-lo[0], hi[1]-lo[1], hi[2]-lo[2]) || 1;
      for (let i=0;i<n;i++) for (let j=0;j<3;j++) norm[i*3+j] = j<d ? ((view.coordinates[i*d+j]-(lo[j]+hi[j])/2)/span*1.8) : 0;
      gl.bindBuffer(gl.ARRAY_BUFFER, pBuf); gl.bufferData(gl.ARRAY_BUFFER, norm, gl.STATIC_DRAW);
      columnsInto($("color"), true); columnsInto($("label"), false); columnsInto($("searchColumn"), false);
      if (!keepCamera) cam = {x:0,y:0,scale:1,yaw:0.6,pitch:0.3};
      // The same step again after a reload, with the same points: the selection stays.
      if (!(keepCamera && step === shownStep && n === shownCount)) { selection = []; highlight = new Map(); $("neighbors").innerHTML = ""; $("nbTitle").textContent = ""; $("selection").textContent = ""; $("selection").dataset.rows = "[]"; }
      shownStep = step; shownCount = n;
      $("status").textContent = `${step}: ${n} points, ${d}-D` + (view.title ? ` (${view.title})` : "") + " · axes " + view.axes.join(", ");
      $("status").dataset.step = step;
      renderSteps(); colours(); draw();
    }
    function label(i){ const c = $("label").value || view.columns[0]; return c ? view.metadata[c][i] : String(i); }
    let screen = null, frames = 0, shownStep = null, shownCount = -1, busy = false;
    /// The points' positions on the canvas (CSS pixels), x and y interleaved; computed once per draw.
    function screenPositions(){ if (screen) return screen; const n = view.count, m = matrix(), w = canvas.clientWidth/2, h = canvas.clientHeight/2;
      screen = new Float32Array(n*2);
      for (let i=0;i<n;i++){ const x = norm[i*3], y = norm[i*3+1], z = norm[i*3+2];
        screen[2*i] = (m[0]*x+m[4]*y+m[8]*z+m[12]+1)*w; screen[2*i+1] = (1-(m[1]*x+m[5]*y+m[9]*z+m[13]))*h; } return screen; }
    function nearest(mx, my){ const s = screenPositions(); let best = -1, bd = 100; for (let i=0;i<view.count;i++){ const d = (s[2*i]-mx)**2+(s[2*i+1]-my)**2; if (d < bd){ bd = d; best = i; } } return best; }
    /// Whether (x, y) is inside the polygon `poly` ([[x, y], …]): the even-odd rule.
    function inside(x, y, poly){ let c = false; for (let i=0, j=poly.length-1; i<poly.length; j=i++){ const [xi,yi] = poly[i], [xj,yj] = poly[j];
      if ((yi > y) !== (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi) c = !c; } return c; }
    function lassoPath(){ const lc = $("labels"), ctx = lc.getContext("2d"), p = drag.path; if (p.length < 2) return;
      ctx.strokeStyle = "#36c"; ctx.setLineDash([4,3]); ctx.beginPath(); ctx.moveTo(p[0][0], p[0][1]); for (const [x,y] of p) ctx.lineTo(x, y); ctx.stroke(); ctx.setLineDash([]); }
    function renderSteps(){
      if (!state) return;
      $("name").textContent = state.name || state.workflow;
      $("diagnostics").innerHTML = state.diagnostics.map(d => `<div class="diagnostic">${d.line ? `line ${d.line}, column ${d.column}: ` : ""}${esc(d.message)}</div>`).join("") + (state.error && !state.diagnostics.length ? `<div>${esc(state.error)}</div>` : "");
      $("steps").innerHTML = state.steps.map(s => `<div class="step${s.id===current?" current":""}" data-id="${esc(s.id)}" data-view="${s.isView}">
        <b>${esc(s.id)}</b> <span class="muted">${esc(s.uses)}</span><div class="muted">${esc(s.status)}${s.seconds!=null?` · ${s.seconds.toFixed(2)} s`:""}${s.rows!=null?` · ${s.rows}×${s.columns}`:""}</div>
        <div class="muted">${Object.entries(s.notes).slice(0,4).map(([k,v])=>esc(k)+": "+esc(v)).join("<br>")}</div></div>`).join("");
      for (const el of document.querySelectorAll(".step")) el.onclick = () => { if (el.dataset.view === "true") { parent = null; $("back").disabled = true; show(el.dataset.id).catch(e => message(e.message)); } };
    }
    function message(t){ $("message").textContent = t; }
    async function poll(){
      busy = true;
      try { const s = await api("/api/state"); const changed = !state || s.version !== state.version; state = s;
        if (changed) { renderSteps(); if (current && state.steps.some(x => x.id === current)) await show(current, true);
          else if (!current || !state.steps.some(x => x.id === current)) { const v = state.steps.filter(x => x.isView).pop(); if (v && !pending) await show(v.id); } }
      } catch (e) { message(e.message); }
      busy = false;
      setTimeout(poll, 500);
    }
    let drag = null;
    canvas.onmousedown = e => { const lasso = e.shiftKey && $("dragSelect").value === "lasso";
      drag = {x:e.offsetX, y:e.offsetY, moved:false, box:e.shiftKey && !lasso, lasso, path:[[e.offsetX, e.offsetY]]}; };
    canvas.onmousemove = e => {
      if (!view) return;
      if (drag) { const dx = e.offsetX-drag.x, dy = e.offsetY-drag.y; if (Math.abs(dx)+Math.abs(dy) > 3) drag.moved = true;
        if (drag.lasso) { drag.path.push([e.offsetX, e.offsetY]); lassoPath(); return; }
        if (drag.box) { const b = $("box"); b.style.display = "block"; b.style.left = Math.min(drag.x,e.offsetX)+"px"; b.style.top = Math.min(drag.y,e.offsetY)+"px"; b.style.width = Math.abs(dx)+"px"; b.style.height = Math.abs(dy)+"px"; return; }
        if (view.dimensions === 3) { cam.yaw += dx*0.01; cam.pitch += dy*0.01; } else { cam.x += dx*2/canvas.clientHeight; cam.y -= dy*2/canvas.clientHeight; }
        drag.x = e.offsetX; drag.y = e.offsetY; moved(); return; }
      if (hovering) return; hovering = true; const mx = e.offsetX, my = e.offsetY;
      requestAnimationFrame(() => { hovering = false; if (drag || !view) return; hover(mx, my); });
    };
    let hovering = false;
    /// The tooltip for the point nearest (mx, my), if one is within 10 px.
    function hover(mx, my){
      const i = nearest(mx, my), tip = $("tip");
      if (i < 0) { tip.style.display = "none"; return; }
      tip.style.display = "block"; tip.style.left = (mx+12)+"px"; tip.style.top = (my+12)+"px";
      tip.innerHTML = `<b>${esc(label(i))}</b>` + view.columns.map(c => `<div class="muted">${esc(c)}: ${esc(view.metadata[c][i])}</div>`).join("");
    }
    canvas.onmouseup = async e => {
      const d = drag; drag = null; $("box").style.display = "none"; if (!d || !view) return;
      if (d.box) { const x0 = Math.min(d.x,e.offsetX), x1 = Math.max(d.x,e.offsetX), y0 = Math.min(d.y,e.offsetY), y1 = Math.max(d.y,e.offsetY);
        const s = screenPositions(); selection = []; for (let i=0;i<view.count;i++){ const x = s[2*i], y = s[2*i+1]; if (x>=x0&&x<=x1&&y>=y0&&y<=y1) selection.push(i); }
        highlight = new Map(); how = "a box selection"; selected(); return; }
      if (d.lasso) { d.path.push([e.offsetX, e.offsetY]); const poly = d.path; let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
        for (const [x,y] of poly) { x0 = Math.min(x0,x); x1 = Math.max(x1,x); y0 = Math.min(y0,y); y1 = Math.max(y1,y); }
        const s = screenPositions(); selection = [];
        if (poly.length >= 3) for (let i=0;i<view.count;i++){ const x = s[2*i], y = s[2*i+1]; if (x>=x0&&x<=x1&&y>=y0&&y<=y1&&inside(x, y, poly)) selection.push(i); }
        highlight = new Map(); how = "a lasso selection"; selected(); return; }
      if (d.moved) return;
      const i = nearest(e.offsetX, e.offsetY); if (i >= 0) await neighbours(i);
    };
    canvas.onwheel = e => { e.preventDefault(); cam.scale *= Math.exp(-e.deltaY*0.001); moved(); };
    let how = "a selection";
    async function neighbours(i){
      const metric = $("metric").value, list = await api(`/api/neighbors?step=${encodeURIComponent(current)}&index=${i}&k=10&metric=${metric}`);
      highlight = new Map(list.map(n => [n.index, true])); highlight.set(i, true); highlight.set("q", i);
      selection = [i, ...list.map(n => n.index)]; how = `the neighbours of '${label(i)}' (${metric})`;
      $("nbTitle").textContent = `${label(i)}: nearest by ${metric}`;
      $("neighbors").innerHTML = list.map(n => `<li data-index="${n.index}" data-label="${esc(n.label)}">${esc(n.label)} <span class="muted">${metric === "angle" ? n.distance.toFixed(1)+"°" : n.distance.toFixed(4)}</span></li>`).join("");
      selected(); colours(); draw();
    }
    function selected(){ $("selection").textContent = selection.length ? `${selection.length} points selected (${how})` : ""; $("selection").dataset.rows = JSON.stringify(selection); colours(); draw(); }
    $("search").onchange = async () => { const p = $("search").value; if (!p) { selection = []; selected(); return; }
      try { const r = await api(`/api/select?step=${encodeURIComponent(current)}&pattern=${encodeURIComponent(p)}&column=${encodeURIComponent($("searchColumn").value)}`);
        selection = r.rows; highlight = new Map(); how = `the search /${p}/`; selected(); } catch (e) { message(e.message); } };
    $("color").onchange = () => { colours(); draw(); };
    $("label").onchange = () => draw();
    $("isolate").onclick = async () => {
      if (!selection.length) { message("select points first (click, search, or shift-drag a box or lasso)"); return; }
      message("isolating…");
      try { pending = await api("/api/isolate", {step: current, rows: selection, reducer: $("reducer").value, parameters: $("params").value, how});
        parent = current; $("back").disabled = false; $("save").disabled = false; await show(pending.step); message(`${pending.step}: not saved yet`);
      } catch (e) { message(e.message); } };
    $("save").onclick = async () => { if (!pending) return;
      try { const r = await api("/api/save", {id: pending.id}); message(`saved: ${r.step} is now a step of the workflow`); pending = null; $("save").disabled = true; }
      catch (e) { message(e.message); } };
    $("bookmark").onclick = async () => { if (!current) return;
      message("bookmarking…");
      try { const r = await api("/api/bookmark", {step: current, rows: selection, label: $("bookmarkLabel").value, how});
        $("message").innerHTML = `bookmarked: step ${esc(r.step)} wrote <a id="bookmarkFile" href="/files/${encodeURIComponent(r.file)}" download>${esc(r.file)}</a> (load it in the Projector's bookmark panel)`; }
      catch (e) { message(e.message); } };
    $("back").onclick = () => { if (parent) { const p = parent; parent = null; $("back").disabled = true; show(p).catch(e => message(e.message)); } };
    window.onresize = draw;
    poll();
    </script></body></html>
    """#
}
