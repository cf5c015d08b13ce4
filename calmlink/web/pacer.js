// The breathe step: a circle that grows while breathing in and shrinks while breathing out (with
// reduced motion, the words "in" and "out" alone), an optional soft cue, the pace, and after each
// breath the heart-rate swing with it against settling. The server holds the schedule (a breath
// begins at origin_s + k * 60 / pace on the session clock); this page draws it on its own clock,
// set against the server's from each message's now_s (the smallest offset seen: a late message
// never pulls it), so every device shows the same breath and none drifts.
import { audio } from "./audio.js";
import { voice } from "./voice.js";
import { $, atThePace, get, PACE_BAND, percent, post, setText } from "./common.js";

const WORDS = { mostly: "mostly", partly: "partly", "not-yet": "not yet" };
const CUE_KEY = "calmlink.breathcue";
const still = matchMedia("(prefers-reduced-motion: reduce)");
const ease = (x) => 0.5 - 0.5 * Math.cos(Math.PI * Math.min(Math.max(x, 0), 1));

export function setupPacer(state) {
  const limits = { min: 4, max: 7 };
  get("/api/routine-limits").then((L) => { limits.min = L.min_pace; limits.max = L.max_pace; }).catch(() => {});
  let pacer = null;      // the server's pacer: breaths_per_min, in_share, origin_s, running
  let zero = null;       // this page's performance.now() at session time 0, and whose session
  let sessionId = null;
  let phase = null;
  let frame = null;
  let swings = [];
  let settle = null;

  const sessionTime = (now) => (now - zero) * state.clockRate / 1000;

  function draw(now) {
    frame = null;
    if (!pacer) return;
    const period = 60 / pacer.breaths_per_min;
    const into = (((sessionTime(now) - pacer.origin_s) / period) % 1 + 1) % 1;
    const breathingIn = into < pacer.in_share;
    const next = pacer.running ? (breathingIn ? "in" : "out") : "paused";
    const size = !pacer.running ? 0.55 : breathingIn ? 0.45 + 0.55 * ease(into / pacer.in_share)
      : 1 - 0.55 * ease((into - pacer.in_share) / (1 - pacer.in_share));
    if (!still.matches) $("pacer-circle").style.transform = `scale(${size.toFixed(4)})`;
    if (next !== phase) {
      const cue = phase !== null && next !== "paused";
      phase = next;
      $("pacer").dataset.phase = next;
      setText("pacer-word", next === "paused" ? "paused" : next === "in" ? "breathe in" : "breathe out");
      if (cue && $("breath-cue").checked) {
        const share = next === "in" ? pacer.in_share : 1 - pacer.in_share;
        if (voice.enabled) voice.word(next);
        else audio.breath(next === "in", (period * share) / state.clockRate);
      }
    }
    if (pacer.running) frame = requestAnimationFrame(draw);
  }

  function paceButtons(step, pace) {
    const L = limits;
    for (const [id, by] of [["pace-slower", -0.5], ["pace-faster", 0.5], ["next-slower", -0.5], ["next-faster", 0.5]]) {
      const b = $(id);
      b.dataset.step = String(step);
      b.dataset.pace = String(Math.min(L.max, Math.max(L.min, pace + by)));
      b.disabled = (by < 0 && pace <= L.min) || (by > 0 && pace >= L.max);
      b.setAttribute("aria-label", `${by < 0 ? "Slower" : "Faster"}: ${b.dataset.pace} breaths a minute`);
    }
  }

  // The session as the server has it: show the pacer during a breathe step, the pace coming up
  // before one, nothing otherwise.
  function show(s) {
    if (s.id !== sessionId) { sessionId = s.id; zero = null; swings = []; settle = null; drawTrace(); }
    pacer = s.pacer;
    document.body.dataset.kind = pacer ? "breathe" : "massage";
    $("pacer").hidden = $("pacer-more").hidden = !pacer;
    const coming = pacer ? -1 : s.paces.findIndex((p, i) => i > s.step.index && p !== null);
    $("next-breathe").hidden = coming < 0;
    if (coming >= 0) {
      setText("next-breathe-text", `Coming up: ${s.routine.steps[coming].name}, at ${s.paces[coming]} breaths a minute.`);
      paceButtons(coming, s.paces[coming]);
    }
    if (!pacer) { phase = null; cancelAnimationFrame(frame); frame = null; $("giver-breath").hidden = true; return; }
    const seen = performance.now() - (pacer.now_s * 1000) / state.clockRate;
    zero = zero === null ? seen : Math.min(zero, seen);
    setText("pace-value", `${pacer.breaths_per_min} breaths a minute`);
    paceButtons(s.step.index, pacer.breaths_per_min);
    if (frame === null) draw(performance.now());
  }

  function drawTrace() {
    const top = Math.max(...swings, settle || 0, 1) * 1.15;
    const y = (v) => (80 - (v / top) * 76).toFixed(1);
    const step = swings.length > 1 ? 300 / (swings.length - 1) : 0;
    $("trace-line").setAttribute("points", swings.map((v, i) => `${(i * step).toFixed(1)},${y(v)}`).join(" "));
    $("trace-settle").setAttribute("y1", y(settle || 0));
    $("trace-settle").setAttribute("y2", y(settle || 0));
    $("trace-settle").style.visibility = settle === null ? "hidden" : "visible";
    $("breath-trace").setAttribute("aria-label", swings.length
      ? `Heart-rate swing with each breath, in bpm: ${swings.map((v) => Math.round(v)).join(", ")}${settle === null ? "" : `; while settling ${Math.round(settle)}`}`
      : "Heart-rate swing with each breath: waiting for the first breath");
  }

  // After each breath, for the receiver: one number, one slow trace, the words; the giver's own
  // on their line.
  function breath(b) {
    const chest = b.following_from === "chest"; // the chest strap's phase against the pacer's
    const said = b.following ? `following your breath: ${WORDS[b.following]}${chest ? ", from the chest" : ""}`
      : "following your breath: after the first minute";
    const swing = b.swing_bpm === null ? "–" : String(Math.round(b.swing_bpm));
    if (b.role === "giver") {
      $("giver-breath").hidden = false;
      setText("giver-breath", `· swing ${swing} bpm, ${said.replace("your", "the")}`);
      return;
    }
    if (b.role !== "receiver") return;
    setText("breath-swing", swing);
    setText("breath-settle", b.settle_swing_bpm === null ? "" : `settling: ${Math.round(b.settle_swing_bpm)} bpm`);
    setText("breath-following", said);
    if (b.swing_bpm !== null) swings = [...swings, b.swing_bpm].slice(-30);
    settle = b.settle_swing_bpm;
    drawTrace();
    setText("breath-numbers", `Breath ${b.breath}: highest minus lowest heart rate ${swing} bpm (settling, in breaths this long: ` +
      `${b.settle_swing_bpm === null ? "–" : Math.round(b.settle_swing_bpm)} bpm). Over the last minute, ` +
      `${atThePace(b.following_share)}, ${PACE_BAND}; settling: ${percent(b.settle_share)}.` +
      (chest ? ` The chest moved with the pacer ${percent(b.chest_share)} of the breath.` : ""));
  }

  const setPace = async (button) => {
    try { await post("/api/session/pace", { breaths_per_min: Number(button.dataset.pace), step: Number(button.dataset.step) }); }
    catch (err) { setText("pace-value", err.message); }
  };
  for (const id of ["pace-slower", "pace-faster", "next-slower", "next-faster"]) {
    $(id).addEventListener("click", () => setPace($(id)));
  }
  $("breath-cue").checked = localStorage.getItem(CUE_KEY) === "on";
  $("breath-cue").addEventListener("change", () => {
    localStorage.setItem(CUE_KEY, $("breath-cue").checked ? "on" : "off");
    if ($("breath-cue").checked) audio.wake(); // a tap: the browser lets sound start now
  });
  still.addEventListener("change", () => { $("pacer-circle").style.transform = ""; });
  return { show, breath, reset: () => { setText("breath-swing", "–"); setText("breath-settle", ""); $("giver-breath").hidden = true; } };
}
