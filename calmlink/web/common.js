// What every page shares: element lookup, text-only elements, numbers with their units, times in
// the browser's own zone, requests that show the server's own error, the palette from CSS
// variables, the per-step tables and the partner sentence. Figures and words come from the
// server; pages only draw them (the partner sentence follows review/together_words.py's rule, held
// together by a browser test).

export const $ = (id) => document.getElementById(id);

// Set text only when it changes, so a screen reader is not told the same thing every beat.
export function setText(id, text) {
  const node = $(id);
  if (node.textContent !== String(text)) node.textContent = text;
}

// Build an element with text only: untrusted strings never become markup.
export function el(tag, text = "", className = "") {
  const node = document.createElement(tag);
  if (text !== "") node.textContent = text;
  if (className) node.className = className;
  return node;
}

// A number with its unit, "–" when there is none; signed puts "+" before a positive change.
export function fmt(x, digits = 0, unit = "", signed = false) {
  if (x === null || x === undefined) return "–";
  const shown = x.toFixed(digits);
  const zero = Number(shown) === 0;
  return `${signed && x > 0 && !zero ? "+" : ""}${zero ? (0).toFixed(digits) : shown.replace("-", "−")}${unit}`;
}

// "1 session", "2 sessions".
export const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function mmss(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

// uPlot axis values in m:ss.
export const mmssAxis = (u, values) => values.map(mmss);
// Tick steps in whole seconds and minutes: a chart of the first few seconds never reads
// "0:00 0:00 0:01 0:01".
export const MMSS_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

// A stored time (ISO 8601 with its offset; one without is UTC, as the store sorts it) shown on
// the browser's own clock and calendar.
const WHEN = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short",
  year: "numeric", hour: "2-digit", minute: "2-digit" });
export const instant = (iso) => new Date(/([zZ]|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`);
export const when = (iso) => WHEN.format(instant(iso));
export function localDay(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
export function timeElement(iso) {
  const t = el("time", when(iso));
  t.dateTime = instant(iso).toISOString();
  return t;
}

// The palette, read from the stylesheet's variables: colours live in CSS only.
export function palette() {
  const css = getComputedStyle(document.documentElement);
  const read = (name) => css.getPropertyValue(name).trim();
  return { muted: read("--muted"), track: read("--track"), calm: read("--calm"), steady: read("--steady"),
           warn: read("--warn"), giver: read("--giver"), band: read("--band"), bandEdge: read("--band-edge") };
}

// Chart axes in the page's own face and text size (a larger text setting makes them larger too), each
// with room for its labels.
export function axisStyle(c) {
  const root = getComputedStyle(document.documentElement);
  const px = parseFloat(root.fontSize) || 16;
  const font = `${Math.round(px * 0.85)}px ${root.getPropertyValue("--face").trim() || "sans-serif"}`;
  return { stroke: c.muted, font, labelFont: font, labelSize: Math.round(px * 1.25),
           size: Math.round(px * 2.9) };
}

// Run ``then`` when the element's width changes (a window, a rotation or a larger text setting),
// never for a change of its height (which drawing itself makes).
export function whenResized(node, then) {
  let width = node.clientWidth;
  new ResizeObserver(() => {
    if (node.clientWidth && node.clientWidth !== width) { width = node.clientWidth; then(); }
  }).observe(node);
}

// Show exactly the legend entries of the traces a chart draws (data-series on each entry).
export function showLegend(legend, shown, chartBox) {
  for (const li of legend.querySelectorAll("li[data-series]")) li.hidden = !shown.includes(li.dataset.series);
  chartBox.dataset.series = shown.join(" ");
}

// JSON in, JSON out; a refused request throws with the server's own explanation.
export async function request(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(typeof data.detail === "string" ? data.detail : `request failed (${res.status})`);
  return data;
}

export const get = (path) => request("GET", path);
export const post = (path, body = {}) => request("POST", path, body);

// One decimal, halves rounded up (review/together_words.py's tenths: the same digits from both).
const tenths = (x) => (Math.floor(x * 10 + 0.5) / 10).toFixed(1);

// The partner sentence, case by case, first match wins: the same table as review/together_words.py's
// TOGETHER_CASES (a new outcome of the test is one more row in both). The verdict comes first,
// then the minutes and the chance level.
function aboutMinutes(m) {
  if (m < 0.25) return "a few seconds";
  if (m < 0.75) return "half a minute";
  const whole = Math.floor(m + 0.5);
  return whole === 1 ? "1 minute" : `${whole} minutes`;
}
function togetherSentence(s) {
  const [inStep, chance, total] = [s.in_step_s / 60, s.chance_in_step_s / 60, Math.floor(s.duration_s / 60 + 0.5)];
  let shown = aboutMinutes(inStep);
  let chanceText = aboutMinutes(chance);
  if (shown === chanceText) [shown, chanceText] = [tenths(inStep), `${tenths(chance)} minutes`];
  else if (inStep >= 0.75) shown = String(Math.floor(inStep + 0.5));
  const part = /^\d/.test(shown) ? `${shown} of the ${total} minutes` : `${shown} out of the ${total} minutes`;
  return "Your heart rates moved together more than chance would give. " +
    `They rose and fell together for about ${part} that could be compared; chance alone gives about ${chanceText}.`;
}
const TOGETHER_CASES = [
  [(s) => !s, () => "Too little of both heart rhythms to compare this time."],
  // too little clean signal to test is never "no clear link": the server says the usable minutes
  [(s) => s.testable === false, (s) => s.sentence],
  [(s) => !s.passes, () => "No clear link between your heart rates this time. " +
    "That is common, and says nothing about how the massage went."],
  [() => true, togetherSentence],
];
export function synchronySentence(sync) {
  return TOGETHER_CASES.find(([applies]) => applies(sync))[1](sync);
}
// The steps where it happened, a line of their own (only when the session passed the test).
export function synchronySteps(sync) {
  return sync && sync.passes && sync.steps_in_step.length
    ? `Steps where it happened: ${sync.steps_in_step.join(", ")}.` : "";
}

// "The two of you", as the end view and the review both show it: the sentence about the two heart
// rates, the steps where it happened on a line of their own, the steps left out and why, and one
// sentence per step. ``at``: those four elements.
export function fillTogether(at, partner) {
  const sync = partner.synchrony;
  at.sentence.textContent = synchronySentence(sync);
  at.steps.textContent = synchronySteps(sync);
  at.steps.hidden = !at.steps.textContent;
  at.leftOut.textContent = (sync && sync.left_out_sentence) || "";
  at.sentences.replaceChildren(...partner.step_sentences.map((o) => el("li", o)));
}

// What the technical names behind a steps table's Details mean: the end view and the review say
// it alike, from here.
export const TECHNICAL_NAMES = "RMSSD: the root mean square of successive differences between " +
  "beats, in ms, calmlink's measure of beat-to-beat variation; ln RMSSD is its natural logarithm " +
  "(a change of +0.1 is about 10% more). Clean beats: the share not set aside as artifacts.";

// A share (0-1) in whole percent, "–" when there is none.
export const percent = (x) => (x === null || x === undefined ? "–" : `${Math.round(100 * x)}%`);

// How much of the heart rate's rise and fall kept time with a breathing pace, in words, and what
// "at the pace" counts: the band ±0.015 Hz around it (signal/paced.py's NEAR_HZ), which is 0.9
// breaths a minute either side.
export const NEAR_PACE_HZ = 0.015;
export const PACE_BAND = `give or take ${(NEAR_PACE_HZ * 60).toFixed(1)} breaths a minute ` +
  `(${NEAR_PACE_HZ} Hz either side of it)`;
export const atThePace = (share) => `${percent(share)} of the heart rate's rise and fall came at the pace`;

// Beat-to-beat variation against settling, in percent: what a change of ln RMSSD means.
export const variationPct = (dln) => (dln === null || dln === undefined ? null : 100 * Math.expm1(dln));

export function cell(text, label) {
  const td = el("td", text);
  td.dataset.label = label;
  return td;
}

// A heart rate as the tables show it: whole bpm (review/words.py's as_read).
const asRead = (x) => (x === null || x === undefined ? null : Math.round(x));

// A step's breathing as the live line showed it: a paced step the pace followed and how well, else
// the pace it showed, else "–" with why; then the deep breaths marked ("2 deep breaths").
const FOLLOWED = { mostly: "followed mostly", partly: "followed partly", "not-yet": "not followed yet" };
function breathingWords(s) {
  const deep = s.deep_breaths ? ` · ${plural(s.deep_breaths, "deep breath")}` : "";
  const p = s.paced;
  if (p) return `${p.breaths_per_min} breaths a minute with the pacer${p.following ? `, ${FOLLOWED[p.following]}` : ""}${deep}`;
  if (s.breathing_bpm !== null && s.breathing_bpm !== undefined) {
    return `about ${Math.round(s.breathing_bpm)} breaths a minute${deep}`;
  }
  return `–${s.breathing_reason ? ` (${s.breathing_reason})` : ""}${deep}`;
}

// The per-step table of a summary in plain words: heart rate, its change against settling (the
// difference of the two heart rates as shown, so the numbers in a row always agree), the change
// of beat-to-beat variation in percent and the breathing pace ("–" when not clear). ``details``
// (optional) gets the technical names: RMSSD, the ln RMSSD change, the share of clean beats, and
// ``note`` (optional) what they mean.
export function fillStepsTable(tbody, steps, details = null, note = null) {
  const settle = steps.find((s) => s.index === 0);
  const base = settle ? asRead(settle.mean_hr_bpm) : null;
  tbody.replaceChildren(...steps.map((s) => {
    const tr = el("tr");
    const first = s.index === 0;
    const name = el("th", s.name);
    name.scope = "row";
    const hr = asRead(s.mean_hr_bpm);
    const change = hr !== null && base !== null ? hr - base : asRead(s.delta_hr_bpm);
    tr.append(name, cell(fmt(hr, 0, " bpm"), "Heart rate"),
      cell(first ? "starting point" : fmt(change, 0, " bpm", true), "Against settling"),
      cell(first ? "starting point" : fmt(variationPct(s.delta_ln_rmssd), 0, "%", true), "Beat-to-beat variation"),
      cell(breathingWords(s), "Breathing"));
    return tr;
  }));
  if (note) note.textContent = TECHNICAL_NAMES;
  if (!details) return;
  details.replaceChildren(...steps.map((s) => {
    const tr = el("tr");
    const name = el("th", s.name);
    name.scope = "row";
    tr.append(name, cell(fmt(s.rmssd_ms, 0, " ms"), "RMSSD"),
      cell(s.index === 0 ? "reference" : fmt(s.delta_ln_rmssd, 2, "", true), "ln RMSSD change"),
      cell(s.clean_share === null || s.clean_share === undefined ? "–" : `${Math.round(s.clean_share * 100)}%`, "Clean beats"));
    return tr;
  }));
}

