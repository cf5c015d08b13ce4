// Soft sounds so the giver need not watch: a tone at each step change, an optional chime when the
// trend turns to "slowing down". Off until the user taps once (browsers require a gesture).
let ctx = null;
let enabled = false;

function count(kind) {
  const key = kind === "chime" ? "chimes" : "tones";
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

export const audio = {
  get enabled() { return enabled; },
  toggle() {
    enabled = !enabled;
    if (enabled && !ctx) {
      const Ctor = window.AudioContext || window.webkitAudioContext;
      ctx = Ctor ? new Ctor() : null;
    }
    if (ctx && enabled && ctx.state === "suspended") ctx.resume();
    return enabled;
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
