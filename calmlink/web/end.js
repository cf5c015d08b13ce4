// The end view: who and what changed first, in words from the server; the minutes and the
// routine; for two, the sentence about their heart rates with its steps on a line of their own;
// the steps; each person's beats behind Details. A session stopped early says so, and one too
// short to keep says why nothing was kept.
import { fillBreathing } from "./breathing.js";
import { fillChestSteps } from "./chest.js";
import { $, fillStepsTable, fillTogether, get, plural } from "./common.js";

const lower = (s) => s.charAt(0).toLowerCase() + s.slice(1);

export function headline(summary) {
  const [first, ...rest] = summary.observations || [];
  return first ? [`${summary.profile}: ${lower(first)}`, ...rest].join(" ") : `${summary.profile}.`;
}

export function showEnd(summary) {
  const kept = summary.session_id !== null && summary.session_id !== undefined;
  $("end-title").textContent = `${kept ? "Session" : "Routine"} ${summary.stopped ? "stopped" : "finished"}`;
  const minutes = Math.round(summary.duration_s / 60);
  $("end-headline").textContent = kept ? headline(summary)
    : summary.n_beats ? "Less than a minute of heartbeats came in: too little to compare with settling, so nothing was kept."
      : "No heartbeats came in, so nothing was kept. Connect a strap to see how a session goes.";
  $("end-meta").textContent = kept ? [plural(minutes, "minute"), summary.routine].filter(Boolean).join(" · ") : "";
  const partner = summary.partner;
  $("end-beats").textContent = !kept ? "" : partner
    ? `${plural(summary.n_beats, "beat")} from ${summary.profile}, ${partner.n_beats ?? 0} from ${partner.giver}.`
    : `${plural(summary.n_beats, "beat")} from ${summary.profile}.`;
  $("end-steps").hidden = !summary.steps.length;
  fillStepsTable($("steps-body"), summary.steps, $("steps-details"), $("end-technical"));
  fillBreathing($("end-breathing"), summary);
  $("partner-end").hidden = !partner;
  if (partner) {
    fillTogether({ sentence: $("sync-sentence"), steps: $("sync-steps"), leftOut: $("sync-left-out"),
                   sentences: $("partner-sentences") }, partner);
  }
  fillChestSteps($("end-chest"), null); // breathing from the chest, per step, once the server says
  if (kept) get(`/api/sessions/${summary.session_id}?beats=false`).then((s) => fillChestSteps($("end-chest"), s)).catch(() => {});
  $("review-link").hidden = !kept;
  if (kept) $("review-link").href = `/review#session-${summary.session_id}`;
}
