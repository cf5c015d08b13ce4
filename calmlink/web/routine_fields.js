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
