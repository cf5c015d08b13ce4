// The routine editor: list, create, duplicate, edit, reorder (buttons), delete. Every rule is the
// server's: the page reads the limits from /api/routine-limits for its inputs, and shows each
// refusal beside the field the server names.
import { $, el, get, mmss, plural, post, request } from "./common.js";
import { input, kindFields, lengthLimit } from "./routine_fields.js";

const state = { limits: null, routines: [], editing: null };
const WORDS = { name: "name", cue: "cue", duration_s: "length", id: "step id", kind: "kind",
                breaths_per_min: "pace" };
let nextKey = 0;
let nameLimit = null; // the routine name's count, once the limits are known

function say(text) { $("message").textContent = text; }

function button(text, onClick, label = "") {
  const b = el("button", text, "button small");
  b.type = "button";
  if (label) b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

function routineItem(r) {
  const li = el("li", "", "routine");
  const head = el("div", "", "routine-head");
  head.append(el("span", r.name, "routine-name"),
    el("span", `${plural(r.steps.length, "step")}, ${mmss(r.duration_s)}`, "muted"));
  if (r.builtin) head.append(el("span", "comes with calmlink", "badge"));
  if (r.in_use) head.append(el("span", "running now", "badge"));
  const actions = el("div", "", "actions");
  if (!r.builtin) {
    const edit = button("Edit", () => openEditor(r), `Edit ${r.name}`);
    const del = button("Delete", () => remove(r.id, r.name), `Delete ${r.name}`);
    edit.disabled = del.disabled = r.in_use;
    actions.append(edit);
    actions.append(button("Duplicate", () => duplicate(r), `Duplicate ${r.name}`), del);
  } else {
    actions.append(button("Duplicate", () => duplicate(r), `Duplicate ${r.name}`));
  }
  li.append(head, el("p", r.steps.map((s) => (s.kind === "breathe" ? `${s.name} (breathing)` : s.name))
    .join(" · "), "muted"), actions);
  return li;
}

function brokenItem(b) {
  const li = el("li", "", "routine");
  li.append(el("span", b.file, "routine-name"), el("p", b.error, "error-text"));
  const actions = el("div", "", "actions");
  actions.append(button("Delete this file", () => remove(b.id, b.file), `Delete this file: ${b.file}`));
  li.append(actions);
  return li;
}

// The page marks itself loaded only once the list and its message are both in place, so a reader
// (or a test) never sees the new list beside the old message.
async function load(message = null) {
  const [listed, limits] = await Promise.all([get("/api/routines"), state.limits || get("/api/routine-limits")]);
  state.limits = limits;
  if (!nameLimit) {
    nameLimit = lengthLimit($("name"), limits.max_routine_name, "a routine's name");
    $("name").after(nameLimit.note);
  }
  state.routines = listed.routines;
  $("routines").replaceChildren(...listed.routines.map(routineItem));
  $("broken").replaceChildren(...listed.broken.map(brokenItem));
  $("broken-section").hidden = !listed.broken.length;
  $("folder").textContent = listed.folder ? `Each routine is a plain text file in ${listed.folder}.` : "";
  $("notes").replaceChildren(...listed.notes.map((n) => el("li", n)));
  if (message !== null) say(message);
  document.body.dataset.loaded = "routines";
}

async function duplicate(r) {
  try {
    const made = await post(`/api/routines/${encodeURIComponent(r.id)}/duplicate`);
    await load(`Made “${made.name}”: edit it to make it yours.`);
  } catch (err) { say(err.message); }
}

async function remove(id, name) {
  if (!confirm(`Delete “${name}”? Sessions that ran it keep their own copy.`)) return;
  try {
    await request("DELETE", `/api/routines/${encodeURIComponent(id)}`);
    await load(`Deleted “${name}”.`);
  } catch (err) { say(err.message); }
}

// -- the editor --------------------------------------------------------------------------------

function showView(editing) {
  $("list-view").hidden = editing;
  $("editor-view").hidden = !editing;
  document.body.dataset.loaded = editing ? "editor" : "loading";
}

function openEditor(r) {
  const steps = r ? r.steps.map((s) => ({ ...s })) : [
    { name: "Settle", cue: "Warm your hands. Breathe.", duration_s: 60, kind: "massage" }];
  steps.forEach((s) => { s.key = nextKey++; });
  state.editing = { id: r ? r.id : null, version: r ? r.version : null, steps };
  $("editor-title").textContent = r ? `Edit “${r.name}”` : "New routine";
  $("name").value = r ? r.name : "";
  clearErrors();
  nameLimit.show();
  renderSteps();
  showView(true);
  $("name").focus();
}

function stepCard(step, i, count) {
  const L = state.limits;
  const li = el("li", "", "step-card");
  const set = el("fieldset");
  set.append(el("legend", i === 0 ? "Step 1: the settle step (the starting point)" : `Step ${i + 1}`));
  const [nameField, name] = input(`step-${i}-name`, "Name", step.name, { type: "text", autocomplete: "off" });
  const [cueField, cue] = input(`step-${i}-cue`, "Cue: what the voice says", step.cue, { type: "text", autocomplete: "off" });
  step.limits = [[`Step ${i + 1}, name`, `step-${i}-name`, lengthLimit(name, L.max_step_name, "a step's name", false)],
                 [`Step ${i + 1}, cue`, `step-${i}-cue`, lengthLimit(cue, L.max_cue, "a cue", false)]];
  for (const [field, [, , limit]] of [[nameField, step.limits[0]], [cueField, step.limits[1]]]) {
    field.insertBefore(limit.note, field.lastChild);
  }
  const low = i === 0 ? L.min_settle_s : L.min_step_s;
  const [lengthField, length] = input(`step-${i}-duration_s`, `Length in seconds (${low} to ${L.max_step_s})`,
    String(step.duration_s), { type: "number", min: low, max: L.max_step_s, step: 1, inputMode: "numeric" });
  const hint = el("span", "", "length-hint");
  const showHint = () => { const s = Number(length.value); hint.textContent = length.value && Number.isFinite(s) ? `that is ${mmss(s)}` : ""; };
  showHint();
  lengthField.insertBefore(hint, lengthField.lastChild);
  name.addEventListener("input", () => { step.name = name.value; });
  cue.addEventListener("input", () => { step.cue = cue.value; });
  const [kindField, pace] = kindFields(step, i, L);
  length.addEventListener("input", () => { step.duration_s = length.value; showHint(); showTotal(); });
  const tools = el("div", "", "step-tools");
  const up = button("Move up", () => move(i, -1), `Move up: step ${i + 1}`);
  const down = button("Move down", () => move(i, 1), `Move down: step ${i + 1}`);
  const drop = button("Remove", () => removeStep(i), `Remove step ${i + 1}`);
  up.disabled = i === 0;
  down.disabled = i === count - 1;
  drop.disabled = count <= L.min_steps;
  tools.append(up, down, drop);
  set.append(nameField, cueField, lengthField, kindField, tools);
  li.append(set);
  pace.hidden = step.kind !== "breathe";
  return li;
}

function renderSteps(focus) {
  const steps = state.editing.steps;
  $("steps").replaceChildren(...steps.map((s, i) => stepCard(s, i, steps.length)));
  $("add-step").disabled = steps.length >= state.limits.max_steps;
  showTotal();
  if (focus) {
    const target = document.querySelector(`[aria-label="${focus}"]`);
    (target && !target.disabled ? target : $(`step-0-name`)).focus();
  }
}

function showTotal() {
  const steps = state.editing.steps;
  const total = steps.reduce((sum, s) => sum + (Number(s.duration_s) || 0), 0);
  $("total").textContent = `${plural(steps.length, "step")}, ${mmss(total)} in all (at most ${state.limits.max_total_s / 60} minutes).`;
}

function move(i, by) {
  const steps = state.editing.steps;
  [steps[i], steps[i + by]] = [steps[i + by], steps[i]];
  const j = i + by;
  renderSteps(`Move ${by < 0 ? "up" : "down"}: step ${j + 1}`);
  say(`Moved “${steps[j].name}” to step ${j + 1}.`);
}

function removeStep(i) {
  const [gone] = state.editing.steps.splice(i, 1);
  renderSteps(`Remove step ${Math.min(i, state.editing.steps.length - 1) + 1}`);
  say(`Removed “${gone.name}”.`);
}

$("add-step").addEventListener("click", () => {
  state.editing.steps.push({ name: "", cue: "", duration_s: 60, kind: "massage", key: nextKey++ });
  renderSteps();
  $(`step-${state.editing.steps.length - 1}-name`).focus();
});

// -- saving, and what the server refuses ---------------------------------------------------------

function clearErrors() {
  document.querySelectorAll("#editor [aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
  document.querySelectorAll("#editor .field-error").forEach((n) => { n.hidden = true; n.textContent = ""; });
  $("error-summary").hidden = true;
  $("error-list").replaceChildren();
}

// "Step 2, length" for ["body", "steps", 1, "duration_s"]; the element it belongs to.
function where(loc) {
  const path = loc[0] === "body" ? loc.slice(1) : loc;
  if (path[0] === "steps" && Number.isInteger(path[1])) {
    const field = path[2] in WORDS ? path[2] : "name";
    return [`Step ${path[1] + 1}, ${WORDS[field]}`, `step-${path[1]}-${field === "id" ? "name" : field}`];
  }
  if (path[0] === "steps") return ["Steps", "steps"];
  return ["Name", "name"];
}

function showErrors(errors) {
  clearErrors();
  for (const { label, target, message } of errors) {
    const node = $(target);
    const error = $(`${target}-error`);
    if (node && node.tagName !== "OL") node.setAttribute("aria-invalid", "true");
    if (error) { error.textContent = `${label}: ${message}`; error.hidden = false; }
    const item = el("li");
    const link = el("a", `${label}: ${message}`);
    link.href = `#${target}`;
    item.append(link);
    $("error-list").append(item);
  }
  $("error-summary").hidden = false;
  $("error-summary").focus();
}

function collect() {
  const errors = [];
  // too long: refused here with the server's words, never cut (the field keeps every letter)
  for (const [label, target, limit] of [["Name", "name", nameLimit],
                                        ...state.editing.steps.flatMap((s) => s.limits || [])]) {
    const message = limit.tooLong();
    if (message) errors.push({ label, target, message });
  }
  const steps = state.editing.steps.map((s, i) => {
    const seconds = Number(s.duration_s);
    if (s.duration_s === "" || !Number.isFinite(seconds)) {
      errors.push({ label: `Step ${i + 1}, length`, target: `step-${i}-duration_s`, message: "write a number of seconds" });
    }
    const out = { name: s.name, cue: s.cue, duration_s: seconds, kind: s.kind || "massage" };
    if (out.kind === "breathe" && s.breaths_per_min !== "" && s.breaths_per_min !== null && s.breaths_per_min !== undefined) {
      out.breaths_per_min = Number(s.breaths_per_min);
      if (!Number.isFinite(out.breaths_per_min)) {
        errors.push({ label: `Step ${i + 1}, pace`, target: `step-${i}-breaths_per_min`, message: "write a number of breaths a minute" });
      }
    }
    if (s.id) out.id = s.id;
    return out;
  });
  return [{ name: $("name").value, steps }, errors];
}

$("editor").addEventListener("submit", async (event) => {
  event.preventDefault();
  const [body, errors] = collect();
  if (errors.length) { showErrors(errors); return; }
  const editing = state.editing;
  const path = editing.id ? `/api/routines/${encodeURIComponent(editing.id)}` : "/api/routines";
  const res = await fetch(path, {
    method: editing.id ? "PUT" : "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(editing.id ? { ...body, version: editing.version } : body),
  });
  const data = await res.json().catch(() => ({}));
  if (res.status === 422 && Array.isArray(data.detail)) {
    showErrors(data.detail.map((d) => {
      const [label, target] = where(d.loc);
      return { label, target, message: d.msg.replace(/^Value error, /, "") };
    }));
    return;
  }
  if (!res.ok) {
    showErrors([{ label: "Not saved", target: "name", message: typeof data.detail === "string" ? data.detail : `the server said ${res.status}` }]);
    return;
  }
  state.editing = null;
  showView(false);
  await load(`Saved “${data.name}”.`).catch((err) => {
    say(`Saved “${data.name}”, but the list did not load: ${err.message}`);
    document.body.dataset.loaded = "routines";
  });
});

$("cancel").addEventListener("click", () => {
  state.editing = null; showView(false); say(""); document.body.dataset.loaded = "routines";
});
$("new").addEventListener("click", () => openEditor(null));
$("error-summary").tabIndex = -1;

load().catch((err) => { say(err.message); document.body.dataset.loaded = "routines"; });
