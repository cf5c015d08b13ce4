// Review: the session list and one session's charts, steps, notes and ratings. Figures come from
// the server; the page only draws them.
import uPlot from "./vendor/uPlot-1.6.32.esm.js";
import { $, el, fillStepsTable, fmt, get, mmssAxis, palette, request, synchronySentence } from "./common.js";

const RATINGS = [
  ["rating_receiver_before", "Receiver, before"], ["rating_receiver_after", "Receiver, after"],
  ["rating_giver_before", "Giver, before"], ["rating_giver_after", "Giver, after"],
];
let current = null;
let plot = null;

async function showList() {
  $("list-view").hidden = false;
  $("session-view").hidden = true;
  const sessions = await get("/api/sessions");
  $("empty").hidden = sessions.length > 0;
  $("sessions").replaceChildren(...sessions.map((s) => {
    const tr = el("tr");
    const link = el("a", s.started_at.replace("T", " ").slice(0, 16));
    link.href = `#session-${s.id}`;
    tr.append(el("td"), el("td", s.profile), el("td", fmt((s.duration_s || 0) / 60, 1)),
              el("td", s.state === "completed" ? (s.outcome || "") : s.state));
    tr.firstChild.append(link);
    return tr;
  }));
  document.body.dataset.loaded = "list";
}

function drawChart(beats, steps) {
  const box = $("session-chart");
  box.replaceChildren();
  const c = palette();
  const t = [], hr = [], gauge = [], rmssd = [], giver = [];
  for (const b of beats) { // beats come in the order they were scored: sort the two roles' times
    const clean = b.artifact ? null : b.hr_bpm;
    t.push(b.t);
    if (b.role === "giver") { hr.push(null); gauge.push(null); rmssd.push(null); giver.push(clean); }
    else { hr.push(clean); gauge.push(b.gauge); rmssd.push(b.rmssd_ms); giver.push(null); }
  }
  const order = t.map((_, i) => i).sort((a, b) => t[a] - t[b]);
  const sorted = (xs) => order.map((i) => xs[i]);
  plot = new uPlot({
    width: Math.max(300, box.clientWidth || 600), height: 220,
    legend: { show: false }, cursor: { show: false },
    scales: { x: { time: false }, g: { range: [0, 100] } },
    axes: [
      { stroke: c.muted, grid: { show: false }, values: mmssAxis },
      { scale: "hr", stroke: c.muted, grid: { stroke: c.track } },
      { scale: "g", side: 1, stroke: c.muted, grid: { show: false } },
    ],
    series: [{}, { scale: "hr", stroke: c.steady, width: 1.5 },
             { scale: "g", stroke: c.calm, width: 2 },
             { scale: "hr", stroke: c.warn, width: 1, dash: [4, 4] },
             { scale: "hr", stroke: c.giver, width: 1 }].map((s, i) => (i ? { ...s, spanGaps: true } : s)),
  }, [sorted(t), sorted(hr), sorted(gauge), sorted(rmssd), sorted(giver)], box);
  const total = beats.length ? beats[beats.length - 1].t - beats[0].t : 1;
  $("step-bands").replaceChildren(...steps.map((s) => {
    const li = el("li", s.name);
    li.dataset.width = String(Math.max(4, Math.round(100 * (s.duration_s || 0) / Math.max(total, 1))));
    li.style.flexGrow = li.dataset.width;
    return li;
  }));
}

async function showSession(id) {
  const s = await get(`/api/sessions/${id}`);
  current = s;
  $("list-view").hidden = true;
  $("session-view").hidden = false;
  $("session-title").textContent = `${s.profile}, ${s.started_at.replace("T", " ").slice(0, 16)}`;
  const summary = s.summary || { steps: [], observations: [] };
  $("session-meta").textContent = `${s.routine} · ${fmt((s.duration_s || 0) / 60, 1)} min · ` +
    `${s.n_beats} beats · ${s.state}${summary.outcome ? ` · ${summary.outcome}` : ""}` +
    (s.device ? ` · ${s.device}` : ""); // the strap, or the file and sensor it was imported from
  const reason = summary.reliable === false ? summary.unreliable_reason : null; // first, when set
  $("session-observations").replaceChildren(
    ...(reason ? [el("li", `${reason[0].toUpperCase()}${reason.slice(1)}.`, "unreliable")] : []),
    ...(summary.observations || []).map((o) => el("li", o)));
  fillStepsTable($("session-steps"), summary.steps);
  const partner = summary.partner;
  $("partner-review").hidden = !partner;
  if (partner) {
    $("review-sync").textContent = synchronySentence(partner.synchrony);
    $("review-partner-sentences").replaceChildren(...partner.step_sentences.map((o) => el("li", o)));
    fillStepsTable($("giver-steps"), partner.steps);
  }
  $("notes").value = s.notes || "";
  $("ratings").replaceChildren(...RATINGS.map(([key, label]) => {
    const wrap = el("label", `${label} `);
    const select = el("select");
    select.id = key;
    select.append(el("option", "–"), ...[1, 2, 3, 4, 5].map((n) => el("option", String(n))));
    select.value = s.ratings[key] ? String(s.ratings[key]) : "–";
    wrap.append(select);
    return wrap;
  }));
  for (const fmtName of ["csv", "json", "rr"]) $(`export-${fmtName}`).href = `/api/sessions/${id}/export?format=${fmtName}`;
  drawChart(s.beats, summary.steps);
  document.body.dataset.loaded = "session";
}

$("notes-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (!current) return;
  const body = { notes: $("notes").value };
  for (const [key] of RATINGS) {
    const v = $(key).value;
    if (v !== "–") body[key] = Number(v);
  }
  try { await request("PATCH", `/api/sessions/${current.id}`, body); $("saved").textContent = "Saved."; }
  catch (err) { $("saved").textContent = err.message; }
});

$("delete").addEventListener("click", async () => {
  if (!current || !confirm("Delete this session and its beats?")) return;
  await request("DELETE", `/api/sessions/${current.id}`);
  location.hash = "";
});

function route() {
  const m = location.hash.match(/^#session-(\d+)$/);
  (m ? showSession(Number(m[1])) : showList()).catch((err) => { $("session-meta").textContent = err.message; });
}

window.addEventListener("hashchange", route);
window.addEventListener("resize", () => {
  const box = $("session-chart");
  if (plot && box.clientWidth) plot.setSize({ width: box.clientWidth, height: 220 });
});
route();
