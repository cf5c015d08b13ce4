// What every page shares: element lookup, text-only elements, numbers, the m:ss clock, requests that
// show the server's own error, the palette from CSS variables, and the per-step table. Figures come
// from the server; pages only draw them.

export const $ = (id) => document.getElementById(id);

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
  return `${signed && x > 0 ? "+" : ""}${x.toFixed(digits)}${unit}`;
}

// "1 session", "2 sessions".
export const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function mmss(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

// uPlot axis values in m:ss.
export const mmssAxis = (u, values) => values.map(mmss);

// The palette, read from the stylesheet's variables: colours live in CSS only.
export function palette() {
  const css = getComputedStyle(document.documentElement);
  const read = (name) => css.getPropertyValue(name).trim();
  return { muted: read("--muted"), track: read("--track"), calm: read("--calm"), steady: read("--steady"),
           warn: read("--warn"), giver: read("--giver"), band: read("--band"), bandEdge: read("--band-edge") };
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

// Partner mode's one sentence about the two heart rhythms, as the server worded it (with the steps
// where they moved together, only when the whole session passed the test). Too little clean signal
// to test is never "no clear link": the usable minutes are said instead.
export function synchronySentence(sync) {
  if (!sync) return "Too little of both heart rhythms to compare this time.";
  if (sync.testable === false) {
    const said = sync.sentence || `too little clean signal to test this time: ${fmt(sync.usable_min, 1)} usable minutes`;
    return `${said[0].toUpperCase()}${said.slice(1)}.`;
  }
  const where = sync.passes && sync.steps_in_step.length ? ` (${sync.steps_in_step.join(", ")})` : "";
  return `${sync.sentence[0].toUpperCase()}${sync.sentence.slice(1)}${where}.`;
}

// The per-step table of a session summary: heart rate and ln RMSSD against the settle step.
export function fillStepsTable(tbody, steps) {
  tbody.replaceChildren(...steps.map((s) => {
    const tr = el("tr");
    tr.append(el("td", s.name), el("td", fmt(s.mean_hr_bpm, 0, " bpm")),
      el("td", s.index === 0 ? "baseline" : fmt(s.delta_hr_bpm, 1, " bpm", true)),
      el("td", s.index === 0 ? "baseline" : fmt(s.delta_ln_rmssd, 2, "", true)),
      el("td", s.breathing_bpm === null || s.breathing_bpm === undefined ? "–" : `${Math.round(s.breathing_bpm)} a minute`),
      el("td", s.clean_share === null || s.clean_share === undefined ? "–" : `${Math.round(s.clean_share * 100)}%`));
    return tr;
  }));
}
