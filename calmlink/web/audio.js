// Soft sounds so the giver need not watch: a tone at each step change, an optional chime when the
// trend turns to "slowing down", and the breathe step's rising and falling tone. Off until the user
// taps once (browsers require a gesture).
let ctx = null;
let enabled = false;

function count(kind) {
  const key = { chime: "chimes", tone: "tones", breath: "breathCues" }[kind];
  document.body.dataset[key] = String(Number(document.body.dataset[key] || 0) + 1);
}

function play(freqs, seconds) {
  if (!ctx) return;
  const now = ctx.currentTime;
  freqs.forEach((f, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "sine";
    osc.frequency.value = f;
    const start = now + i * 0.18;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.08, start + 0.08);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + seconds);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(start + seconds + 0.05);
  });
}

function context() {
  if (!ctx) {
    const Ctor = window.AudioContext || window.webkitAudioContext;
    ctx = Ctor ? new Ctor() : null;
  }
  if (ctx && ctx.state === "suspended") ctx.resume();
  return ctx;
}

export const audio = {
  get enabled() { return enabled; },
  toggle() {
    enabled = !enabled;
    if (enabled) context();
    return enabled;
  },
  // The breath cue has its own switch on the pacer; turning it on is the tap that lets sound start.
  wake() { context(); },
  // One soft tone through a breath's half: rising while breathing in, falling while breathing out.
  breath(rising, seconds) {
    if (!context()) return;
    count("breath");
    const now = ctx.currentTime;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "sine";
    const [from, to] = rising ? [196, 294] : [294, 196];
    osc.frequency.setValueAtTime(from, now);
    osc.frequency.exponentialRampToValueAtTime(to, now + seconds);
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.05, now + Math.min(0.6, seconds / 3));
    gain.gain.exponentialRampToValueAtTime(0.0001, now + seconds);
    osc.connect(gain).connect(ctx.destination);
    osc.start(now);
    osc.stop(now + seconds + 0.05);
  },
  stepTone() {
    if (!enabled) return;
    count("tone");
    play([392, 523.25], 1.4);
  },
  chime() {
    if (!enabled) return;
    count("chime");
    play([659.25], 2.0);
  },
};
