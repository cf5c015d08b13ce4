// The breathe steps of a summary (the end view and the review): each person's heart-rate swing per
// pacer breath against their own settle step, and a pace-finding session's answer with the figures
// behind it. The words are the server's (review/words.py).
import { atThePace, cell, el, PACE_BAND, percent, plural } from "./common.js";
const FOLLOWING = { mostly: "mostly", partly: "partly", "not-yet": "not yet" };
function pacedText(p) {
  if (!p) return "–";
  const swing = p.swing_bpm === null ? "not readable" : `${Math.round(p.swing_bpm)} bpm a breath`;
  const settle = p.settle_swing_bpm === null ? "" : ` (settling: ${Math.round(p.settle_swing_bpm)} bpm)`;
  return `${swing}${settle}${p.following ? `, following the breath ${FOLLOWING[p.following]}` : ""}`;
}
function table(caption, heads, rows) {
  const t = el("table", "", "steps-table stack");
  const head = el("tr");
  head.append(...heads.map((h) => { const th = el("th", h); th.scope = "col"; return th; }));
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  body.append(...rows.map(([name, ...cells]) => {
    const tr = el("tr");
    const th = el("th", name);
    th.scope = "row";
    tr.append(th, ...cells.map((c, i) => cell(c, heads[i + 1])));
    return tr;
  }));
  t.append(el("caption", caption), thead, body);
  return t;
}
export function fillBreathing(box, summary, receiver = "Receiver") {
  const people = [[summary.profile || receiver, summary.steps, summary]];
  if (summary.partner) people.push([summary.partner.giver, summary.partner.steps, summary.partner]);
  const breathe = summary.steps.filter((s) => s.paced);
  const found = people.filter(([, , who]) => who.pace_sentence);
  box.replaceChildren();
  box.hidden = !breathe.length && !found.length;
  if (box.hidden) return;
  box.append(el("h2", "Breathing with the pacer"));
  const stepOf = (steps, index) => (steps.find((x) => x.index === index) || {}).paced;
  if (breathe.length) {
    box.append(table("Heart-rate swing with each breath (highest minus lowest heart rate within it), against settling",
      ["Step", "Pace", ...people.map(([name]) => name)],
      breathe.map((s) => [s.name, `${s.paced.breaths_per_min} breaths a minute`, ...people.map(([, steps]) => pacedText(stepOf(steps, s.index)))])));
    const details = el("details");
    details.append(el("summary", "Details: each breath"),
      el("p", `Following the breath: the share of the heart rate's rise and fall that came at the pace, ${PACE_BAND}, ` +
        "beside the same in the settle step."),
      ...breathe.flatMap((s) => people.map(([name, steps]) => {
        const p = stepOf(steps, s.index);
        return el("p", !p ? `${name}, ${s.name}: –` : `${name}, ${s.name}: ${p.swings_bpm.map((v) => (v === null ? "–" : Math.round(v))).join(", ")} bpm, breath by breath; ` +
          `${atThePace(p.following_share)} (settle step: ${percent(p.settle_share)}).`);
      })));
    box.append(details);
  }
  for (const [name, , who] of found) {
    box.append(el("h3", `${name}'s breathing pace`), el("p", who.pace_sentence));
    const f = who.pace_finding;
    if (!f) continue;
    box.append(table(`Each pace, ${name}`, ["Pace", "Swing with each breath", "Breaths"],
      f.trials.map((t) => [`${t.breaths_per_min} breaths a minute`, t.swing_bpm === null ? "–" : `${t.swing_bpm.toFixed(1)} bpm on average`,
        plural(t.breaths, "breath")])));
    const details = el("details");
    details.append(el("summary", "Details: how the pace was chosen"),
      el("p", "The pace with the largest mean swing is kept when the heart rate's power near each pace peaks at it or next to it, " +
        "and when it beats every pace a breath a minute or more away by more than 1.25 standard errors of the difference."),
      el("p", f.trials.map((t) => `${t.breaths_per_min}: ${t.swing_bpm === null ? "–" : t.swing_bpm.toFixed(1)} ± ${t.swing_se_bpm === null ? "–" : t.swing_se_bpm.toFixed(1)} bpm, ` +
        `power near the pace ${t.power_bpm2 === null ? "–" : t.power_bpm2.toFixed(1)} bpm²`).join("; ")));
    box.append(details);
  }
}
