// Trends per receiver: where each session started against their normal range, what each step
// does, how often. Only what is drawn is named; the axes fit what there is (a single session
// sits in the middle of a few days, not at the edge of years).
import uPlot from "./vendor/uPlot-1.6.32.esm.js";
import { $, axisStyle, el, fmt, get, instant, localDay, palette, plural, request, showLegend,
         variationPct } from "./common.js";
import { showCompare } from "./compare.js";
import { dateAxis, valueAxis } from "./trend_axes.js";

const DAY_S = 86400;
const quiet = { show: false };
const line = (stroke, width) => ({ stroke, width, points: quiet, spanGaps: true }); // across a hollow one

function padded(min, max, least) {
  const pad = Math.max(least, (max - min) * 0.08);
  return [min - pad, max + pad];
}

const plots = new Map();
window.addEventListener("resize", () => {
  for (const [box, plot] of plots) if (box.clientWidth) plot.setSize({ width: box.clientWidth, height: 180 });
});

function chart(box, legend, rows, toShown, unitPad) {
  box.replaceChildren();
  plots.delete(box);
  if (!rows.length) return;
  const c = { ...palette(), bg: getComputedStyle(document.body).backgroundColor };
  const x = rows.map((r) => instant(r.started_at).getTime() / 1000); // sessions on their dates
  const pick = (k) => rows.map((r) => (r[k] === undefined || r[k] === null ? null : toShown(r[k])));
  const marked = rows.map((r) => r.reliable === false); // drawn apart, counted in nothing
  const value = pick("value").map((v, i) => (marked[i] ? null : v));
  const apart = pick("value").map((v, i) => (marked[i] ? v : null));
  const rolling = rows.length >= 3 ? pick("rolling") : rows.map(() => null);
  const [high, low] = [pick("normal_high"), pick("normal_low")];
  const band = high.some((v) => v !== null);
  showLegend(legend, [value.some((v) => v !== null) && "value", rolling.some((v) => v !== null) && "rolling",
                      band && "band", marked.some(Boolean) && "unreliable"].filter(Boolean), box);
  const ys = [...value, ...apart, ...rolling, ...high, ...low].filter((v) => v !== null);
  const a = axisStyle(c);
  const xRange = padded(Math.min(...x), Math.max(...x), 1.5 * DAY_S);
  const plot = new uPlot({
    width: Math.max(200, box.clientWidth || 600), height: 180,
    legend: { show: false }, cursor: { show: false },
    scales: { x: { time: true, range: () => xRange },
              y: { range: () => padded(Math.min(...ys), Math.max(...ys), unitPad) } },
    axes: [{ ...dateAxis(a), grid: { show: false }, label: "date" },
           { ...valueAxis(a), grid: { stroke: c.track }, label: box.dataset.unit }],
    series: [{}, { stroke: c.calm, width: 0, points: { show: true, size: 8, fill: c.calm } },
             line(c.steady, 2), line(c.bandEdge, 1), line(c.bandEdge, 1),
             { stroke: c.calm, width: 0, points: { show: true, size: 9, width: 2, stroke: c.calm, fill: c.bg } }],
    bands: band ? [{ series: [3, 4], fill: c.band }] : [],
  }, [x, value, rolling, high, low, apart], box);
  plots.set(box, plot);
  // what the axis spans, for the tests that read it (the canvas itself cannot be read back)
  const day = (s) => localDay(new Date(s * 1000));
  Object.assign(box.dataset, { axis: plot.scales.x.time ? "date" : "index", from: day(x[0]),
                               to: day(x[x.length - 1]), min: day(xRange[0]), max: day(xRange[1]) });
}

function startText(t) {
  const banded = t.baseline_hr_bpm.some((r) => r.normal_low !== undefined);
  const n = t.not_reliable || 0;
  const apart = n === 0 ? "" : ` ${plural(n, "recording")} marked not reliable (too many beats set aside, as a
    loose strap gives) ${n === 1 ? "is drawn as a hollow ring" : "are drawn as hollow rings"}, left out of
    the average and the normal range.`.replace(/\s+/g, " ");
  return `Each dot is one session's settle step.${apart} ${banded
    ? "The shaded band is your normal range, from your earlier sessions."
    : `After ${plural(t.sessions_needed_for_normal_range, "more session")} a shaded band shows your normal range.`}`;
}

function cell(text, label) {
  const td = el("td", text);
  td.dataset.label = label;
  return td;
}

let latest = 0; // a profile chosen while another loads: only the last one chosen is shown

async function show(profile) {
  const mine = ++latest;
  delete document.body.dataset.loaded; // set again once this person is shown whole
  const t = await get(`/api/trends?profile=${encodeURIComponent(profile)}`);
  if (mine !== latest) return;
  $("has-sessions").hidden = t.sessions === 0;
  $("message").textContent = t.sessions === 0 ? `${profile} has no session to show yet.`
    : `${plural(t.sessions, "session")} so far. ${t.message[0].toUpperCase()}${t.message.slice(1)}.`;
  if (t.sessions === 0) { document.body.dataset.loaded = "trends"; return; }
  $("start-text").textContent = startText(t);
  $("ln-chart").dataset.unit = "ms";
  $("hr-chart").dataset.unit = "bpm";
  chart($("ln-chart"), $("ln-legend"), t.baseline_ln_rmssd, Math.exp, 5);
  chart($("hr-chart"), $("hr-legend"), t.baseline_hr_bpm, (v) => v, 3);
  $("headline").textContent = t.headline ? `${t.headline}.`
    : "No step stands out yet: that needs three sessions with each step, and one step clearly ahead of the others.";
  $("headline").classList.toggle("quiet", !t.headline);
  $("steps").replaceChildren(...t.step_response.map((s) => {
    const tr = el("tr");
    const name = el("th", s.step);
    name.scope = "row";
    tr.append(name, cell(plural(s.sessions, "session"), "Sessions"),
              cell(fmt(s.delta_hr_bpm, 0, " bpm", true), "Heart rate against settling"),
              cell(fmt(variationPct(s.delta_ln_rmssd), 0, "%", true), "Beat-to-beat variation"),
              cell(s.during_word || "too few beats to say", "While it lasted"));
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
  $("frequency").textContent = f.sessions ? `${plural(f.sessions, "session")} in all; ${f.last_28_days} in the last four weeks.` : "";
  await showCompare(profile);
  if (mine === latest) document.body.dataset.loaded = "trends";
}

async function init() {
  // the axes measure their labels in the page's own face: wait for it (a stand-in's widths differ)
  const [profiles] = await Promise.all([get("/api/profiles"),
    document.fonts.load(axisStyle({}).font).catch(() => null)]);
  const select = $("profile");
  select.replaceChildren(...profiles.map((p) => { const o = el("option", p); o.value = p; return o; }));
  select.addEventListener("change", () => show(select.value));
  $("profile-label").hidden = profiles.length === 0;
  if (profiles.length) await show(profiles[0]);
  else {
    $("message").textContent = "No sessions yet. Run one from the live page, and its starting point shows here.";
    document.body.dataset.loaded = "trends";
  }
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
