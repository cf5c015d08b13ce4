// Review: the session list and one session's chart, steps, notes and ratings. Figures and words
// come from the server; the page only draws them, times on the browser's own clock.
import uPlot from "./vendor/uPlot-1.6.32.esm.js";
import { $, el, fillStepsTable, get, mmss, mmssAxis, MMSS_STEPS, palette, request, showLegend,
         fillTogether, plural, timeElement, when } from "./common.js";
import { triedPanel } from "./tried.js";
import { fillBreathing } from "./breathing.js";
import { fillChestSteps } from "./chest.js";

const RATINGS = [
  ["rating_receiver_before", "Receiver, before"], ["rating_receiver_after", "Receiver, after"],
  ["rating_giver_before", "Giver, before"], ["rating_giver_after", "Giver, after"],
];
const SCALE = { 1: "1, not at all", 2: "2", 3: "3", 4: "4", 5: "5, very" };
let current = null;
let plot = null;
// Each tap is saved at once (and shows on the trends page's comparisons).
const after = triedPanel($("tried-after"), "What you tried", async (change) => {
  const now = await request("PATCH", `/api/sessions/${current.id}/tried`, change);
  after.say("Saved.");
  return now;
});

function cell(content, label) {
  const td = el("td");
  td.dataset.label = label;
  td.append(content);
  return td;
}

async function showList() {
  $("list-view").hidden = false;
  $("session-view").hidden = true;
  const sessions = await get("/api/sessions");
  $("empty").hidden = sessions.length > 0;
  $("sessions-table").hidden = sessions.length === 0;
  $("sessions").replaceChildren(...sessions.map((s) => {
    const tr = el("tr");
    const link = el("a");
    link.append(timeElement(s.started_at));
    link.href = `#session-${s.id}`;
    const head = el("th");
    head.scope = "row";
    head.append(link);
    const outcome = s.state === "interrupted" ? "interrupted" : (s.outcome || "not compared");
    tr.append(head, cell(s.profile, "Receiver"),
              cell(`${Math.max(0, Math.round((s.duration_s || 0) / 60))} min`, "Length"),
              cell(outcome, "Outcome"));
    return tr;
  }));
  document.body.dataset.loaded = "list";
}

// Thin lines where each step begins, drawn on the chart itself.
function stepLines(starts, colour) {
  return { hooks: { draw: [(u) => {
    const { ctx } = u;
    ctx.save();
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1;
    ctx.setLineDash([]);
    for (const t of starts.slice(1)) {
      const x = Math.round(u.valToPos(t, "x", true));
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
    }
    ctx.restore();
  }] } };
}

function drawChart(beats, steps, names) {
  const box = $("session-chart");
  box.replaceChildren();
  const c = palette();
  const t = [], hr = [], gauge = [], giver = [];
  for (const b of beats) { // beats come in the order they were scored: sort the two roles' times
    const clean = b.artifact ? null : b.hr_bpm;
    t.push(b.t);
    if (b.role === "giver") { hr.push(null); gauge.push(null); giver.push(clean); }
    else { hr.push(clean); gauge.push(b.gauge); giver.push(null); }
  }
  const order = t.map((_, i) => i).sort((a, b) => t[a] - t[b]);
  const sorted = (xs) => order.map((i) => xs[i]);
  const has = (xs) => xs.some((v) => v !== null && v !== undefined);
  showLegend($("session-legend"), ["hr", "gauge", "giver"].filter((_, i) => has([hr, gauge, giver][i])), box);
  plot = new uPlot({
    width: Math.max(200, box.clientWidth || 600), height: 220,
    legend: { show: false }, cursor: { show: false },
    scales: { x: { time: false }, g: { range: [0, 100] } },
    axes: [
      { stroke: c.muted, grid: { show: false }, values: mmssAxis, incrs: MMSS_STEPS, label: "min:s", labelSize: 18, size: 34 },
      { scale: "hr", stroke: c.muted, grid: { stroke: c.track }, label: "bpm", labelSize: 18, size: 36 },
      { scale: "g", side: 1, stroke: c.muted, grid: { show: false }, label: "gauge 0–100", labelSize: 18, size: 36 },
    ],
    series: [{}, { scale: "hr", stroke: c.steady, width: 1.5 },
             { scale: "g", stroke: c.calm, width: 2.5 },
             { scale: "hr", stroke: c.giver, width: 1.5, dash: [6, 4] }].map((s, i) => (i ? { ...s, spanGaps: true } : s)),
    plugins: [stepLines(steps.map((s) => s.start_s || 0), c.bandEdge)],
  }, [sorted(t), sorted(hr), sorted(gauge), sorted(giver)], box);
  $("step-bands").replaceChildren(...steps.map((s) => el("li", `${mmss(s.start_s || 0)} ${names[s.index] || s.name}`)));
}

function ratingField(key, label, value) {
  const wrap = el("label", label, "field");
  const select = el("select");
  select.id = key;
  const none = el("option", "not rated");
  none.value = "";
  select.append(none, ...Object.entries(SCALE).map(([n, text]) => { const o = el("option", text); o.value = n; return o; }));
  select.value = value ? String(value) : "";
  wrap.append(select);
  return wrap;
}

async function showSession(id) {
  const s = await get(`/api/sessions/${id}`);
  current = s;
  $("list-view").hidden = true;
  $("session-view").hidden = false;
  $("session-title").replaceChildren(`${s.profile} · `, timeElement(s.started_at));
  document.title = `calmlink · ${s.profile}, ${when(s.started_at)}`;
  const summary = s.summary || { steps: [], observations: [] };
  const partner = summary.partner;
  const word = s.state === "interrupted" ? "interrupted" : summary.outcome;
  $("session-meta").textContent = [s.routine, plural(Math.round((s.duration_s || 0) / 60), "minute"), word,
    s.device].filter(Boolean).join(" · "); // the strap, or the file and sensor it was imported from
  const mine = summary.n_beats ?? s.n_beats;
  $("session-beats").textContent = partner
    ? `${plural(mine, "beat")} from ${s.profile}, ${partner.n_beats ?? s.n_beats - mine} from ${partner.giver}.`
    : `${plural(mine, "beat")}.`;
  $("legend-hr").textContent = partner ? `${s.profile}'s heart rate (bpm)` : "heart rate (bpm)";
  if (partner) $("legend-giver").textContent = `${partner.giver}'s heart rate (bpm)`;
  const reason = summary.reliable === false ? summary.unreliable_reason : null; // first, when set
  $("session-observations").replaceChildren(
    ...(reason ? [el("li", `${reason[0].toUpperCase()}${reason.slice(1)}.`, "unreliable")] : []),
    ...(summary.observations || []).map((o) => el("li", o)));
  fillStepsTable($("session-steps"), summary.steps, $("session-steps-details"), $("session-technical"));
  fillBreathing($("review-breathing"), { ...summary, profile: s.profile });
  fillChestSteps($("review-chest"), s);
  $("partner-review").hidden = !partner;
  if (partner) {
    fillTogether({ sentence: $("review-sync"), steps: $("review-sync-steps"),
                   leftOut: $("review-sync-left-out"), sentences: $("review-partner-sentences") }, partner);
    $("giver-caption").textContent = `${partner.giver}, the giver, step by step against their own settling`;
    fillStepsTable($("giver-steps"), partner.steps);
  }
  // one strap: the plain caption again (the page may have shown a partner session before)
  $("receiver-caption").textContent = partner ? `${s.profile}, the receiver, step by step against settling`
    : "Each step against settling (the first step)";
  $("saved").textContent = ""; // "Saved." was about the session shown before
  after.set(s.tried);
  after.offer(s.profile).catch(() => {});
  $("notes").value = s.notes || "";
  $("ratings").querySelectorAll("label").forEach((l) => l.remove());
  $("ratings").append(...RATINGS.map(([key, label]) => ratingField(key, label, s.ratings[key])));
  for (const kind of ["csv", "json", "rr"]) $(`export-${kind}`).href = `/api/sessions/${id}/export?format=${kind}`;
  drawChart(s.beats, summary.steps, s.step_names || []);
  document.body.dataset.loaded = "session";
}

$("notes-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (!current) return;
  const body = { notes: $("notes").value };
  for (const [key] of RATINGS) {
    const v = $(key).value;
    if (v) body[key] = Number(v);
  }
  try { await request("PATCH", `/api/sessions/${current.id}`, body); $("saved").textContent = "Saved."; }
  catch (err) { $("saved").textContent = err.message; }
});

$("delete").addEventListener("click", async () => {
  if (!current || !confirm("Delete this session and its beats?")) return;
  await request("DELETE", `/api/sessions/${current.id}`);
  location.hash = "";
});

// Unmarked while a view loads, so nobody reads the last session's page as the next one's.
function route() {
  delete document.body.dataset.loaded;
  const m = location.hash.match(/^#session-(\d+)$/);
  (m ? showSession(Number(m[1])) : showList()).catch((err) => {
    $("session-meta").textContent = err.message;
    document.body.dataset.loaded = "error";
  });
}

window.addEventListener("hashchange", route);
window.addEventListener("resize", () => {
  const box = $("session-chart");
  if (plot && box.clientWidth) plot.setSize({ width: box.clientWidth, height: 220 });
});
route();
