// Trends per receiver: baselines against the personal normal range, response per step, frequency.
import uPlot from "./vendor/uPlot-1.6.32.esm.js";
import { $, el, fmt, get, palette, plural, request } from "./common.js";

function chart(box, rows, label) {
  box.replaceChildren();
  if (!rows.length) return;
  const c = palette();
  const x = rows.map((r) => Date.parse(r.started_at) / 1000); // sessions on their dates
  const pick = (k) => rows.map((r) => (r[k] === undefined ? null : r[k]));
  const plot = new uPlot({
    width: Math.max(300, box.clientWidth || 600), height: 180,
    legend: { show: false }, cursor: { show: false },
    scales: { x: { time: true } },
    axes: [{ stroke: c.muted, grid: { show: false } },
           { stroke: c.muted, grid: { stroke: c.track }, label }],
    series: [{}, { stroke: c.calm, width: 0, points: { show: true, size: 7, fill: c.calm } },
             { stroke: c.steady, width: 2 },
             { stroke: c.bandEdge, width: 1 },
             { stroke: c.bandEdge, width: 1 }],
    bands: [{ series: [3, 4], fill: c.band }],
  }, [x, pick("value"), pick("rolling"), pick("normal_high"), pick("normal_low")], box);
  // what the axis spans, for the tests that read it (the canvas itself cannot be read back)
  const [from, to] = [x[0], x[x.length - 1]].map((v) => new Date(v * 1000).toISOString().slice(0, 10));
  Object.assign(box.dataset, { axis: plot.scales.x.time ? "date" : "index", from, to });
}

async function show(profile) {
  const t = await get(`/api/trends?profile=${encodeURIComponent(profile)}`);
  $("message").textContent = t.message;
  $("headline").textContent = t.headline || "";
  chart($("ln-chart"), t.baseline_ln_rmssd, "ln RMSSD");
  chart($("hr-chart"), t.baseline_hr_bpm, "bpm");
  $("steps").replaceChildren(...t.step_response.map((s) => {
    const tr = el("tr");
    tr.append(el("td", s.step), el("td", plural(s.sessions, "session")), el("td", fmt(s.delta_hr_bpm, 1, " bpm", true)),
              el("td", fmt(s.delta_ln_rmssd, 2, "", true)),
              el("td", s.during_score === null ? "–" : s.during_score > 0.05 ? "settling" : s.during_score < -0.05 ? "picking up" : "steady"));
    return tr;
  }));
  $("couples").hidden = !t.couples.length;
  $("couples-list").replaceChildren(...t.couples.map((c) => {
    const li = el("li", c.message);
    const weeks = c.weeks.map((w) => `week of ${w.week_of}: ${w.passed} of ${w.sessions}`).join("; ");
    li.append(el("span", ` (${weeks})`, "muted"));
    return li;
  }));
  const f = t.frequency;
  $("frequency").textContent = f.sessions ? `${plural(f.sessions, "session")} in all; ${f.last_28_days} in the last four weeks (${f.per_week} a week).` : "";
  document.body.dataset.loaded = "trends";
}

async function init() {
  const profiles = await get("/api/profiles");
  const select = $("profile");
  select.replaceChildren(...profiles.map((p) => { const o = el("option", p); o.value = p; return o; }));
  select.addEventListener("change", () => show(select.value));
  if (profiles.length) await show(profiles[0]);
  else { $("message").textContent = "No sessions yet."; document.body.dataset.loaded = "trends"; }
}

$("delete-profile").addEventListener("click", async () => {
  const name = $("profile").value;
  if (!name || !confirm(`Delete ${name} and every session of theirs? This cannot be undone.`)) return;
  try {
    await request("DELETE", `/api/profiles?name=${encodeURIComponent(name)}`);
    location.reload();
  } catch (err) { $("message").textContent = err.message; }
});

init().catch((err) => { $("message").textContent = err.message; });
