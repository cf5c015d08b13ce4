// What was tried: one control before a session (connect view), during it (live view: one tap,
// every device follows through the feed) and after it (review). Chips for the fixed choices (one
// of each kind; tap again to clear it), the receiver's own tags (most used first) and a field for
// a new one, inside a <details> whose summary says what is set, so it never crowds the gauge.
import { el, get } from "./common.js";

const KINDS = [["hands", "Hands"], ["pressure", "Pressure"], ["position", "Position"], ["sound", "Sound"]];
const SAID = { dry: "dry hands", light: "light pressure", medium: "medium pressure",
               firm: "firm pressure", facing: "facing each other" };
const word = (v) => v.replace(/-/g, " ");
const fold = (t) => t.toLowerCase();
const has = (tags, t) => tags.some((x) => fold(x) === fold(t));
export const EMPTY = { hands: null, pressure: null, position: null, sound: null, tags: [] };

// "oil, firm pressure, lavender": the comparisons' own words for the choices.
export const describe = (t) => [...KINDS.map(([k]) => t[k] && (SAID[t[k]] || word(t[k]))), ...t.tags]
  .filter(Boolean).join(", ");

// A change as PATCH sends it, applied here first so a tap shows at once.
function apply(t, change) {
  const next = { ...t, tags: [...t.tags] };
  for (const [k] of KINDS) if (k in change) next[k] = change[k];
  for (const tag of change.add_tags || []) if (!has(next.tags, tag)) next.tags.push(tag);
  next.tags = next.tags.filter((x) => !has(change.remove_tags || [], x));
  return next;
}

function chip(key, text, pressed, tap) {
  const b = el("button", text, "chip");
  b.type = "button";
  b.dataset.key = key;
  b.setAttribute("aria-pressed", String(pressed));
  b.addEventListener("click", tap);
  return b;
}

function group(id, name, items) {
  const g = el("div", "", "tried-group");
  g.setAttribute("role", "group");
  g.setAttribute("aria-labelledby", id);
  const label = el("span", name, "tried-kind");
  label.id = id;
  g.append(label, ...items);
  return g;
}

// ``save(change)`` sends a change and resolves to what the server now holds (or null when the
// live feed brings it, or nothing is saved yet); it throws with the server's reason.
export function triedPanel(details, title, save = null) {
  const id = details.id;
  let state = EMPTY, offered = [], choices = null, latest = 0;
  const said = el("span", "", "tried-said");
  const summary = el("summary", `${title}: `);
  summary.append(said);
  const box = el("div");
  const status = el("p", "", "muted");
  status.setAttribute("role", "status");
  details.open = localStorage.getItem(`calmlink.${id}`) === "open";
  details.addEventListener("toggle", () => localStorage.setItem(`calmlink.${id}`, details.open ? "open" : "shut"));

  const input = el("input");
  Object.assign(input, { id: `${id}-new`, maxLength: 40, autocomplete: "off", placeholder: "e.g. warm towel" });
  const label = el("label", "Your own words");
  label.htmlFor = input.id;
  const add = el("button", "Add", "button quiet small");
  Object.assign(add, { type: "button", id: `${id}-add` });
  const addRow = el("div", "", "tried-add");
  addRow.append(label, input, add);
  addRow.hidden = true; // until the choices are known
  details.replaceChildren(summary, box, addRow, status);
  const addTag = () => {
    const tag = input.value.replace(/\s+/g, " ").trim();
    if (!tag) return;
    input.value = "";
    if (!has(state.tags, tag)) change({ add_tags: [tag] });
  };
  add.addEventListener("click", addTag);
  input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); addTag(); } });

  function render() {
    said.textContent = describe(state) || "nothing noted";
    if (!choices) return;
    addRow.hidden = false;
    const focused = box.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    const groups = KINDS.map(([kind, name]) => group(`${id}-${kind}`, name, choices[kind].map((v) =>
      chip(`${kind}:${v}`, word(v), state[kind] === v, () => change({ [kind]: state[kind] === v ? null : v })))));
    const tags = [...offered, ...state.tags.filter((t) => !has(offered, t))];
    groups.push(group(`${id}-tags`, "Your own", tags.map((t) => chip(`tag:${fold(t)}`, t, has(state.tags, t),
      () => change(has(state.tags, t) ? { remove_tags: [t] } : { add_tags: [t] })))));
    box.replaceChildren(...groups);
    if (focused) box.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  }

  async function change(c) {
    const before = state;
    const mine = ++latest;
    state = apply(state, c);
    status.textContent = "";
    render();
    if (!save) return;
    try {
      const now = await save(c);
      if (now && mine === latest) panel.set(now);
    } catch (err) {
      if (mine === latest) { state = before; render(); }
      status.textContent = err.message;
    }
  }

  const panel = {
    get value() { return state; },
    set(t) {
      state = { ...Object.fromEntries(KINDS.map(([k]) => [k, (t && t[k]) || null])), tags: [...((t && t.tags) || [])] };
      render();
    },
    say(text) { status.textContent = text; },
    // The fixed choices and the receiver's tags, most used first: offered first.
    async offer(profile) {
      const r = await get(`/api/tags?profile=${encodeURIComponent(profile)}`);
      choices = r.choices;
      offered = r.tags.slice(0, 10).map((u) => u.tag);
      render();
    },
    // Whether a person changed it since it was last offered afresh (``fresh()``).
    touched: () => latest > 0,
    fresh() { latest = 0; },
  };
  render();
  return panel;
}
