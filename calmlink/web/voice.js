// Spoken step cues, so the giver never needs to look: at each step change the page says the
// step's name and cue in the browser's own voice (Web Speech API). Off until turned on; the
// choice is kept in this browser. Nothing is spoken while the session is paused.
const KEY = "calmlink.voice";
const synth = "speechSynthesis" in window ? window.speechSynthesis : null;
let enabled = synth !== null && localStorage.getItem(KEY) === "on";

function say(text) {
  synth.cancel(); // a new step replaces a cue still being read
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = document.documentElement.lang || "en";
  utterance.rate = 0.9;
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
  pause() { if (synth) synth.cancel(); },
  // The breathe step's cue: the word "in" or "out" as each half of a breath begins.
  word(text) { if (enabled) say(text); },
};
