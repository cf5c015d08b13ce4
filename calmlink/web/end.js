// The end view: what changed, in words from the server, each person's beats, the steps; for two,
// the sentence about their heart rates with its steps on a line of their own.
import { fillBreathing } from "./breathing.js";
import { $, el, fillStepsTable, plural, synchronySentence, synchronySteps } from "./common.js";

export function showEnd(summary) {
  const kept = summary.session_id !== null && summary.session_id !== undefined;
  $("end-title").textContent = kept ? "Session finished" : "Routine finished";
  const minutes = Math.round(summary.duration_s / 60);
  $("end-headline").textContent = kept
    ? `${summary.profile}, ${plural(minutes, "minute")}. ${summary.observations.join(" ")}`.trim()
    : "No heartbeats came in, so nothing was kept. Connect a strap to see how a session goes.";
  const partner = summary.partner;
  $("end-beats").textContent = !kept ? "" : partner
    ? `${summary.n_beats} beats from ${summary.profile}, ${partner.n_beats ?? 0} from ${partner.giver}.`
    : `${summary.n_beats} beats from ${summary.profile}.`;
  $("end-steps").hidden = !summary.steps.length;
  fillStepsTable($("steps-body"), summary.steps, $("steps-details"));
  fillBreathing($("end-breathing"), summary);
  $("partner-end").hidden = !partner;
  if (partner) {
    $("sync-sentence").textContent = synchronySentence(partner.synchrony);
    $("sync-steps").textContent = synchronySteps(partner.synchrony);
    $("sync-steps").hidden = !$("sync-steps").textContent;
    $("sync-left-out").textContent = (partner.synchrony && partner.synchrony.left_out_sentence) || "";
    $("partner-sentences").replaceChildren(...partner.step_sentences.map((o) => el("li", o)));
  }
  $("review-link").hidden = !kept;
  if (kept) $("review-link").href = `/review#session-${summary.session_id}`;
}
