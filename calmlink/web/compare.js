// What they tried, on the trends page: each thing, sessions with it against sessions without, in
// the server's words (docs/trends.md), its interval drawn on the settling scale beside a line at
// no difference; too few sessions say how many more; a confound is named and nothing is drawn for
// it. Things always noted together are one card that says so. Listed by kind, never ranked, all in
// one neutral colour. And the weeks: a quiet strip of
// sessions per week; no streak, no goal, nothing missed.
import { $, el, fmt, get, plural } from "./common.js";

const SHORT = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const signed = (v) => fmt(v, 1, "", true);
const upper = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const interval = (i, digits = 1, unit = "") => (i ? `${fmt(i.estimate, digits, unit, true)} (${fmt(i.low, digits, "", true)} to ${fmt(i.high, digits, "", true)})` : "–");
const DRAWN = new Set(["settled-more", "settled-less", "no-clear-difference"]);

// The interval on a scale shared by every drawing, so their no-difference lines line up.
function drawing(d, span) {
  const at = (v) => 50 + (50 * v) / span;
  const fig = el("div", "", "interval");
  fig.setAttribute("role", "img");
  fig.setAttribute("aria-label", `On the settling scale: ${signed(d.estimate)}, somewhere between ` +
    `${signed(d.low)} and ${signed(d.high)}; 0 is no difference`);
  const [zero, bar, dot] = ["zero", "bar", "dot"].map((k) => el("span", "", `interval-${k}`));
  zero.style.left = `${at(0)}%`;
  bar.style.left = `${at(d.low)}%`;
  bar.style.width = `${at(d.high) - at(d.low)}%`;
  dot.style.left = `${at(d.estimate)}%`;
  fig.append(zero, bar, dot);
  Object.assign(fig.dataset, { low: d.low, high: d.high, estimate: d.estimate });
  const axis = el("div", "", "interval-axis");
  axis.setAttribute("aria-hidden", "true");
  axis.append(el("span", "← settled less"), el("span", "settled more →"));
  return [fig, axis];
}

function item(c, span) {
  const li = el("li", "", "compare");
  li.dataset.verdict = c.verdict;
  const head = el("h3", upper(c.label));
  head.append(" ", el("span", `${c.with} with, ${c.without} without`, "muted"));
  li.append(head);
  if (c.together) li.append(el("p", c.together, "compare-together"));
  li.append(el("p", c.sentence));
  if (DRAWN.has(c.verdict)) li.append(...drawing(c.difference, span));
  li.append(...c.lines.map((line) => el("p", line, "compare-line")),
            ...c.confounds.map((f) => el("p", f.sentence, "compare-line")));
  return li;
}

function detailsRow(c) {
  const tr = el("tr");
  const name = el("th", c.label);
  name.scope = "row";
  const cell = (text, label) => { const td = el("td", text); td.dataset.label = label; return td; };
  const adjusted = c.confounds.map((f) => `${f.variable}: ${interval(f.adjusted, 2)}`).join("; ");
  tr.append(name, cell(`${c.with} / ${c.without}`, "n with / without"),
            cell(interval(c.difference, 2), "Settling difference"),
            cell(interval(c.heart_rate_bpm, 1), "Heart rate (bpm)"),
            cell(interval(c.ln_rmssd, 3), "ln RMSSD"),
            cell(adjusted || "–", "Allowing for"));
  return tr;
}

async function showTried(profile) {
  const r = await get(`/api/trends/tried?profile=${encodeURIComponent(profile)}`);
  const shown = r.comparisons.filter((c) => DRAWN.has(c.verdict)).map((c) => c.difference);
  const span = Math.ceil(Math.max(2, ...shown.flatMap((d) => [Math.abs(d.low), Math.abs(d.high)])));
  $("tried-empty").hidden = r.comparisons.length > 0;
  $("tried-intro").hidden = $("tried-details").hidden = !r.comparisons.length;
  $("tried-empty").textContent = `Nothing noted yet. Note what you try (oil or dry hands, pressure, ` +
    `position, music, words of your own) before, during or after a session: from ${r.min_each} ` +
    `sessions with it and ${r.min_each} without, this shows whether ${profile} settled differently.`;
  $("tried-list").replaceChildren(...r.comparisons.map((c) => item(c, span)));
  $("tried-rows").replaceChildren(...r.comparisons.map(detailsRow));
  $("tried-curve").textContent = r.against_usual_curve
    ? `Each session's score is taken against ${profile}'s usual settling at that minute of a session.`
    : "With fewer than three sessions the scores are not yet taken against a usual curve.";
}

async function showWeeks(profile) {
  const { weeks } = await get(`/api/weeks?profile=${encodeURIComponent(profile)}&count=12`);
  $("weeks").replaceChildren(...weeks.map((w) => {
    const li = el("li");
    const start = new Date(`${w.week_of}T12:00:00`);
    li.dataset.sessions = w.sessions;
    if (w.sessions) li.append(el("span", String(w.sessions), "weeks-n"));
    for (const shown of li.children) shown.setAttribute("aria-hidden", "true"); // said below in words
    const bar = el("span", "", w.sessions ? "weeks-bar" : "weeks-bar none"); // a slot, nothing more
    if (w.sessions) bar.style.height = `${0.6 * Math.min(w.sessions, 7)}rem`;
    li.append(bar, el("span", `week of ${SHORT.format(start)}: ${plural(w.sessions, "session")}` +
      `${w.sessions ? `, ${plural(Math.round(w.minutes), "minute")}` : ""}`, "visually-hidden"));
    return li;
  }));
  $("weeks-caption").textContent = `Sessions each week, from the week of ` +
    `${SHORT.format(new Date(`${weeks[0].week_of}T12:00:00`))} on the left to this week on the right.`;
}

export const showCompare = (profile) => Promise.all([showTried(profile), showWeeks(profile)]);
