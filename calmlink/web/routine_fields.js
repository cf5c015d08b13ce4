// The routine editor's form fields: a labelled input with its own error line, and a step's kind
// with its pace. Built from the limits the server gives (``L``: /api/routine-limits); no state.
import { el } from "./common.js";

// A labelled input and the line under it where the server's refusal of that field is shown.
export function input(id, label, value, attrs) {
  const wrap = el("div", "", "field");
  const lab = el("label", label);
  lab.htmlFor = id;
  const box = el("input");
  Object.assign(box, { id, value, ...attrs });
  box.setAttribute("aria-describedby", `${id}-error`);
  const error = el("p", "", "field-error");
  error.id = `${id}-error`;
  error.hidden = true;
  wrap.append(lab, box, error);
  return [wrap, box];
}

// A text's length as it is typed, against its limit ("12 of 60 characters"), counted as the server
// counts (letters, not the spaces at either end). Nothing is cut: past the limit the line says why,
// once to a screen reader too, the field is marked invalid and ``tooLong`` gives the server's words
// for the refusal; the text stays whole until it is shortened.
// ``always``: the count shows from the first letter (the routine's name); else only from ten
// letters before the limit (a step's name and cue: not a count under every field of every step).
export function lengthLimit(box, max, what, always = true) {
  const note = el("p", "", "length-hint");
  note.id = `${box.id}-count`;
  const count = el("span");
  const reason = el("span", "", "over-reason");
  reason.setAttribute("aria-live", "polite");
  note.append(count, reason);
  box.setAttribute("aria-describedby", `${note.id} ${box.id}-error`);
  const length = () => [...box.value.trim()].length;
  const show = () => {
    const n = length();
    count.textContent = `${n} of ${max} characters`;
    const over = n > max ? `: too long, ${what} can be at most ${max} characters` : "";
    if (reason.textContent !== over) reason.textContent = over;
    note.classList.toggle("over", n > max);
    note.hidden = !always && n < max - 10;
    if (n > max) box.setAttribute("aria-invalid", "true");
    else if (box.getAttribute("aria-invalid") === "true") box.removeAttribute("aria-invalid");
  };
  box.addEventListener("input", show);
  show();
  const tooLong = () => (length() > max ? `must be at most ${max} characters (this has ${length()})` : null);
  return { note, show, tooLong };
}

// What the step is: hands at work, or breathing to the pacer at a pace (empty: the receiver's own
// found pace, else 6). The settle step is always a massage step (the starting point the rest is compared with).
export function kindFields(step, i, L) {
  const wrap = el("div", "", "field");
  const lab = el("label", "What happens");
  lab.htmlFor = `step-${i}-kind`;
  const kind = el("select");
  kind.id = `step-${i}-kind`;
  kind.setAttribute("aria-describedby", `step-${i}-kind-error`);
  for (const [value, text] of [["massage", "Massage (hands at work)"], ["breathe", "Breathe with the pacer"]]) {
    const opt = el("option", text);
    opt.value = value;
    kind.append(opt);
  }
  kind.value = step.kind || "massage";
  kind.disabled = i === 0 && kind.value === "massage";
  const error = el("p", "", "field-error");
  error.id = `step-${i}-kind-error`;
  error.hidden = true;
  wrap.append(lab, kind, error);
  const [paceField, paceBox] = input(`step-${i}-breaths_per_min`,
    `Breaths a minute (${L.min_pace} to ${L.max_pace}; empty: the receiver's own pace, else ${L.default_pace})`,
    step.breaths_per_min ?? "", { type: "number", min: L.min_pace, max: L.max_pace, step: 0.5, inputMode: "decimal" });
  paceBox.addEventListener("input", () => { step.breaths_per_min = paceBox.value; });
  kind.addEventListener("change", () => {
    step.kind = kind.value;
    paceField.hidden = kind.value !== "breathe";
  });
  const both = el("div");
  both.append(wrap, paceField);
  return [both, paceField];
}
