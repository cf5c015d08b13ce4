// Spoken step cues, so the giver never needs to look: at each step change the page says the
// step's name and cue in the browser's own voice (Web Speech API). Off until turned on; the
// choice is kept in this browser. Nothing is spoken while the session is paused.
const KEY = "calmlink.voice";
const synth = "speechSynthesis" in window ? window.speechSynthesis : null;
let enabled = synth !== null && localStorage.getItem(KEY) === "on";

const RATE = 0.9;
const WORDS_A_SECOND = 2.2 * RATE; // an unhurried voice; the bound only where no "end" arrives
let cueUntil = 0; // a step cue is being read until then: the breath's words wait, never cut it

function say(text, cue = true) {
  synth.cancel(); // a new step replaces a cue still being read
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = document.documentElement.lang || "en";
  utterance.rate = RATE;
  if (cue) {
    const until = performance.now() + (1000 * text.split(/\s+/).length) / WORDS_A_SECOND;
    cueUntil = until;
    const done = () => { if (cueUntil === until) cueUntil = 0; };
    utterance.addEventListener("end", done);
    utterance.addEventListener("error", done);
  }
  synth.speak(utterance);
}

export const voice = {
  get available() { return synth !== null; },
  get enabled() { return enabled; },
  toggle() {
    enabled = synth !== null && !enabled;
    localStorage.setItem(KEY, enabled ? "on" : "off");
    if (!enabled && synth) synth.cancel();
    return enabled;
  },
  // The step as the giver hears it: "Temples. Slow circles with two fingertips."
  step(step, paused) {
    if (enabled && !paused && step) say(step.cue ? `${step.name}. ${step.cue}` : step.name);
  },
  test(step) {
    if (synth) say(step ? `${step.name}. ${step.cue}` : "Step cues will sound like this.");
  },
  pause() { if (synth) synth.cancel(); cueUntil = 0; },
  // The breathe step's cue: the word "in" or "out" as each half of a breath begins, once the
  // step's own cue has been read (the circle and the tone carry the breaths meanwhile).
  word(text) { if (enabled && performance.now() >= cueUntil) say(text, false); },
};
