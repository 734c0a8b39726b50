// The gstmini playground page: runs launch lines in the WebAssembly module
// (the global "gstmini" it defines) and draws what they do.
"use strict";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const LABEL = 190, WIDTH = 1200, LANE = 30, QUEUE = 44, MARKS = 26, AXIS = 24;
const ORDER = ["push", "capture", "wait", "upload"]; // drawn in this order: the last wins where they overlap

let current = null; // {id, timer}

function esc(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
}

function setStatus(status, text) {
  const el = $("status");
  el.dataset.status = status;
  el.textContent = text;
}

function showError(err) {
  const el = $("error");
  if (!err) { el.hidden = true; el.textContent = ""; return; }
  el.hidden = false;
  el.dataset.offset = err.offset ?? "";
  el.dataset.column = err.column ?? "";
  el.textContent = "ERROR: " + err.message + (err.context ? "\n" + err.context : "");
}

function niceStep(span, cols) {
  const raw = span / cols;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function fmt(t) {
  if (t === 0) return "0s";
  return t >= 1 ? +t.toFixed(2) + "s" : +(t * 1000).toFixed(1) + "ms";
}

function node(name, attrs, text) {
  const n = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  if (text !== undefined) n.textContent = text;
  return n;
}

// draw renders a View: lanes, queue levels, drops and marks, on one time axis.
function draw(view, now) {
  const svg = $("lanes");
  svg.replaceChildren();
  const from = Math.min(0, view.from);
  const to = Math.max(view.to, now || 0, from + 0.001);
  const height = AXIS + view.lanes.length * LANE + view.queues.length * QUEUE + MARKS + 8;
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${height}`);
  svg.setAttribute("height", height);
  const x = (t) => LABEL + ((t - from) / (to - from)) * (WIDTH - LABEL - 10);

  const axis = node("g", { class: "axis" });
  const step = niceStep(to - from, 10);
  for (let t = Math.ceil(from / step) * step; t <= to + 1e-9; t += step) {
    axis.append(node("line", { x1: x(t), x2: x(t), y1: AXIS - 6, y2: height, stroke: "#eee" }));
    axis.append(node("text", { x: x(t) + 2, y: AXIS - 10 }, fmt(t)));
  }
  svg.append(axis);

  let y = AXIS;
  for (const lane of view.lanes) {
    const g = node("g", { class: "lane", "data-name": lane.name });
    g.append(node("text", { x: 4, y: y + LANE / 2 + 5 }, lane.name));
    g.append(node("rect", { x: x(lane.start), y: y + 4, width: Math.max(1, x(lane.end) - x(lane.start)), height: LANE - 8, fill: "#f7f7f7" }));
    for (const state of ORDER) {
      for (const [s, a, b] of lane.spans) {
        if (s !== state) continue;
        g.append(node("rect", { class: "span-" + s, x: x(a), y: y + 4, width: Math.max(0.5, x(b) - x(a)), height: LANE - 8 }));
      }
    }
    svg.append(g);
    y += LANE;
  }
  for (const q of view.queues) {
    const g = node("g", { class: "queue", "data-element": q.element });
    const top = Math.max(1, ...q.samples.map((s) => s[1]));
    g.append(node("text", { x: 4, y: y + QUEUE / 2 + 5 }, q.element + " level"));
    g.append(node("text", { x: WIDTH - 6, y: y + 14, "text-anchor": "end" }, "max " + top));
    const yv = (v) => y + QUEUE - 4 - (v / top) * (QUEUE - 10);
    let pts = "", last = null;
    for (const [t, v] of q.samples) {
      if (last !== null) pts += ` ${x(t)},${yv(last)}`;
      pts += ` ${x(t)},${yv(v)}`;
      last = v;
    }
    if (last !== null) pts += ` ${x(Math.max(view.to, now || 0))},${yv(last)}`;
    g.append(node("polyline", { class: "level", points: pts.trim() }));
    svg.append(g);
    y += QUEUE;
  }
  const marks = node("g", { class: "marks" });
  marks.append(node("text", { x: 4, y: y + MARKS / 2 + 5 }, "drops / marks"));
  let dropped = 0;
  for (const d of view.drops) {
    dropped += d.value;
    const m = node("rect", { class: "drop", x: x(d.t) - 2, y: y + 4, width: 4, height: MARKS - 8 });
    m.append(node("title", {}, `${d.element}: ${d.value} dropped at ${fmt(d.t)}`));
    marks.append(m);
  }
  for (const m of view.marks) {
    const l = node("line", { class: m.kind, x1: x(m.t), x2: x(m.t), y1: y + 2, y2: y + MARKS - 2 });
    l.append(node("title", {}, `${m.kind.toUpperCase()} at ${m.element}, ${fmt(m.t)}`));
    marks.append(l);
  }
  marks.dataset.dropped = dropped;
  svg.append(marks);
}

function drawStats(stats) {
  const body = $("stats").tBodies[0];
  body.replaceChildren();
  for (const es of stats || []) {
    for (const c of es.counters) {
      const tr = document.createElement("tr");
      tr.dataset.element = es.element;
      tr.dataset.factory = es.factory;
      tr.dataset.counter = c.name;
      tr.innerHTML = `<td>${esc(es.element)}</td><td>${esc(c.name)}</td><td class="value">${c.value}</td>`;
      body.append(tr);
    }
  }
}

function showSnapshot(snap) {
  setStatus(snap.status, snap.message);
  $("clock").textContent = "clock " + snap.clock.toFixed(3) + " s" + (snap.fast ? " (fast)" : "");
  draw(snap.view, snap.clock);
  drawStats(snap.stats);
}

function stopCurrent() {
  if (!current) return;
  clearInterval(current.timer);
  gstmini.stop(current.id);
}

function run(line) {
  stopCurrent();
  showError(null);
  const res = JSON.parse(gstmini.start(line, $("fast").checked));
  if (res.error) {
    showError(res.error);
    setStatus("ERROR", "The pipeline could not be constructed.");
    current = null;
    $("stop").disabled = true;
    return;
  }
  const id = res.id;
  current = { id, timer: 0 };
  $("stop").disabled = false;
  const tick = () => {
    const snap = JSON.parse(gstmini.poll(id));
    if (snap.error) return;
    showSnapshot(snap);
    if (snap.done && current && current.id === id) {
      clearInterval(current.timer);
      $("stop").disabled = true;
    }
  };
  current.timer = setInterval(tick, 100);
  tick();
}

function selectPreset(p, button) {
  for (const b of $("presets").children) b.setAttribute("aria-pressed", b === button ? "true" : "false");
  $("line").value = p.Line;
  $("observe").textContent = p.Observe;
  run(p.Line);
}

function openTrace(file) {
  stopCurrent();
  current = null;
  showError(null);
  file.text().then((text) => {
    const res = JSON.parse(gstmini.loadTrace(text));
    if (res.error) {
      showError({ message: file.name + ": " + res.error.message });
      setStatus("ERROR", "Not a trace file.");
      return;
    }
    setStatus("TRACE", "Trace file " + file.name + ": " + res.view.lanes.length + " streaming goroutines");
    $("clock").textContent = "";
    draw(res.view, 0);
    drawStats([]);
  });
}

window.addEventListener("gstmini-ready", () => {
  setStatus("READY", "Ready: type a launch line and press Run, or pick an experiment.");
  $("run").disabled = false;
  for (const p of JSON.parse(gstmini.presets())) {
    const b = document.createElement("button");
    b.type = "button";
    b.id = "preset-" + p.ID;
    b.textContent = p.Title;
    b.title = p.Line;
    b.setAttribute("aria-pressed", "false");
    b.addEventListener("click", () => selectPreset(p, b));
    $("presets").append(b);
  }
});

$("run-form").addEventListener("submit", (e) => { e.preventDefault(); run($("line").value); });
$("stop").addEventListener("click", () => { if (current) gstmini.stop(current.id); });
$("tracefile").addEventListener("change", (e) => { if (e.target.files.length) openTrace(e.target.files[0]); });

const go = new Go();
WebAssembly.instantiateStreaming(fetch("main.wasm"), go.importObject)
  .then((r) => go.run(r.instance))
  .catch((err) => setStatus("ERROR", "Could not load the WebAssembly module: " + err));
