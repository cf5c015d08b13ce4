// Breathing from the chest strap (a Polar H10's accelerometer, or the demo strap's): a small, calm
// trace of the last half minute that rises breathing in, soft marks where a deep breath was, and the
// breathing line's words. Where the chest is there it leads (the server's `chest` messages), so the
// heart's breathing line steps aside; a strap without chest movement is said once, quietly.
import { $, cell, el, plural, setText } from "./common.js";

const WINDOW_S = 30;
const LEADS_MS = 10000; // the chest leads while its last message is this recent (page time)
const DEEP_SHOWN_MS = 8000;
const W = 300, H = 40;

export function setupChest(state) {
  let points = [], deep = [], last = { receiver: -Infinity, giver: -Infinity }, scale = 20;
  let deepTimer = null;
  const said = new Set();

  function reset() {
    points = []; deep = []; scale = 20;
    last = { receiver: -Infinity, giver: -Infinity };
    $("chest-figure").hidden = true;
    $("chest-line").setAttribute("points", "");
    $("chest-marks").replaceChildren();
    $("chest-figure").dataset.breath = "";
    $("chest-figure").dataset.rate = "";
    $("chest-deep").hidden = true;
  }

  function leads(role = "receiver") {
    return performance.now() - last[role] <= LEADS_MS / Math.max(1, state.clockRate);
  }

  function draw() {
    if (!points.length) return;
    const end = points[points.length - 1][0];
    const from = end - WINDOW_S;
    while (points.length && points[0][0] < from) points.shift();
    while (deep.length && deep[0] < from) deep.shift();
    const big = Math.max(4, ...points.map((p) => Math.abs(p[1])));
    scale = Math.max(big, scale * 0.98); // eases down slowly: a deep breath does not jolt it
    const x = (t) => ((t - from) / WINDOW_S) * W;
    const y = (v) => H / 2 - (v / scale) * (H / 2 - 3);
    $("chest-line").setAttribute("points", points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" "));
    $("chest-marks").replaceChildren(...deep.map((t) => {
      const c = document.createElementNS("http://www.w3.org/2000/svg", "circle");
      c.setAttribute("class", "chest-mark");
      c.setAttribute("cx", x(t).toFixed(1));
      c.setAttribute("cy", "4");
      c.setAttribute("r", "3");
      return c;
    }));
  }

  function showLine(m) {
    if (m.moving) setText("breathing", "moving: breath paused");
    else if (m.breaths_per_min === null) setText("breathing", "breathing: reading the chest");
    else setText("breathing", `breathing about ${Math.round(m.breaths_per_min)} a minute, from the chest`);
    $("breathing").hidden = false;
  }

  function message(m) {
    if (!state.session || m.session_id !== state.session.id) return;
    last[m.role] = performance.now();
    if (m.role !== "receiver") return;
    for (const p of m.trace) points.push(p);
    for (const b of m.breaths) if (b.deep) deep.push(b.t + b.duration_s / 2);
    const fig = $("chest-figure");
    fig.hidden = false;
    fig.dataset.breath = m.moving ? "moving" : m.phase || "";
    fig.dataset.rate = m.breaths_per_min === null ? "" : String(m.breaths_per_min);
    fig.dataset.t = String(m.t);
    showLine(m);
    if (m.deep_breath) { // the page's one deep-breath line where it has one (issue 28), else the trace's
      const line = document.getElementById("deep-breath") || $("chest-deep");
      line.hidden = false;
      clearTimeout(deepTimer);
      deepTimer = setTimeout(() => { line.hidden = true; }, DEEP_SHOWN_MS / Math.max(1, state.clockRate));
    }
    draw();
  }

  function status(m) {
    const key = `${m.role}:${m.reason}`;
    if (m.available || said.has(key)) return;
    said.add(key);
    setText("chest-note", m.reason);
    $("chest-note").hidden = false;
  }

  return { reset, leads, message, status };
}

// The end view and the review: breathing from the chest strap per step, where a chest strap was worn
// (the server's figures: GET /api/sessions/{id} `chest_steps`).
export function fillChestSteps(box, session) {
  const rows = (session && session.chest_steps) || [];
  box.replaceChildren();
  box.hidden = !rows.length;
  if (!rows.length) return;
  const who = (role) => (role === "giver" ? (session.giver || "The giver") : session.profile);
  const people = new Set(rows.map((r) => r.role)).size > 1;
  const t = el("table", "", "steps-table stack");
  const head = el("tr");
  const heads = ["Step", "Breathing", "Deep breaths"];
  head.append(...heads.map((h) => { const th = el("th", h); th.scope = "col"; return th; }));
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  body.append(...rows.map((r) => {
    const tr = el("tr");
    const th = el("th", people ? `${who(r.role)}, ${r.name}` : r.name);
    th.scope = "row";
    const depth = r.depth === null ? "" : `, ${r.depth >= 1.15 ? "deeper than" : r.depth <= 0.85 ? "shallower than" : "as deep as"} while settling`;
    tr.append(th, cell(`about ${Math.round(r.breaths_per_min)} a minute${depth}`, heads[1]),
              cell(r.deep_breaths ? plural(r.deep_breaths, "deep breath") : "none", heads[2]));
    return tr;
  }));
  t.append(el("caption", "Breathing, from the chest strap"), thead, body);
  box.append(el("h2", "Breathing from the chest"), t);
}
