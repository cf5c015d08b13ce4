// The live view: the gauge, heart rate, trend and breathing from each beat; the step, its timer
// and the controls. Stop takes a second tap within a few seconds, and sits apart from Next step.
import { audio } from "./audio.js";
import { voice } from "./voice.js";
import { createChart } from "./chart.js";
import { createGauge } from "./gauge.js";
import { $, el, mmss, post, setText } from "./common.js";

const TREND = { slowing: ["slowing down", "↓"], steady: ["steady", "→"], rising: ["picking up", "↑"] };
const ARMED_MS = 4000;
const SHOWN = "50 = as at the start";
const gauge = createGauge($("gauge"), $("gauge-fill"));
export const chart = createChart($("chart"), $("live-legend"));
// ?measure=1 records when each beat was painted (epoch ms), for `make bench`.
const paints = new URLSearchParams(location.search).has("measure") ? (window.calmlinkPaints = []) : null;


// Which way is calmer, in words: up (toward "calmer", the right end) is calmer than at the start.
function spokenGauge(value) {
  const way = value > 50 ? "toward calmer than at the start" : value < 50 ? "toward less calm than at the start"
    : "as at the start";
  return `gauge ${value} of 100: ${way} (50 is as at the start)`;
}

function setGaugeLabel(spoken) {
  if ($("gauge").getAttribute("aria-label") !== spoken) $("gauge").setAttribute("aria-label", spoken);
}

// Before any beat of this session: nothing drawn, and a word on why.
export function resetLive(state) {
  gauge.set(null);
  $("live-view").dataset.readings = String(!state.withoutReadings);
  setText("gauge-value", "");
  const waiting = state.withoutReadings ? "no readings: the routine only" : "waiting for the first heartbeats";
  setText("gauge-label", waiting);
  setGaugeLabel(`gauge: ${waiting}`);
  setText("trend", "");
  setText("trend-arrow", "");
  $("hr-box").hidden = true;
  $("breathing").hidden = true;
  $("giver-line").hidden = true;
  state.lastTrend = null;
  chart.reset();
}

export function showStep(state, s, previous) {
  const step = s.step;
  const paused = s.state === "paused";
  const last = step.index === s.routine.steps.length - 1;
  $("step-name").textContent = step.name;
  $("step-cue").textContent = step.cue;
  state.stepDeadline = performance.now() + (step.remaining_s / state.clockRate) * 1000;
  if (paused) setText("step-timer", `${mmss(step.remaining_s)} left`);
  $("live-view").dataset.paused = String(paused);
  $("paused-banner").hidden = !paused;
  // paused: Resume is the one thing to do next; else Next (Finish on the last step)
  $("pause").textContent = paused ? "Resume" : "Pause";
  $("pause").classList.toggle("primary", paused);
  $("next").classList.toggle("primary", !paused);
  $("previous").disabled = step.index === 0;
  if (!previous || previous.id !== s.id || previous.step.index !== step.index) disarm(state, "next");
  $("next").dataset.label = last ? "Finish" : "Next step";
  if ($("next").dataset.armed !== "true") $("next").textContent = $("next").dataset.label;
  $("giver-who").textContent = s.giver || "The giver";
  $("progress").replaceChildren(...s.routine.steps.map((st, i) => {
    const where = i < step.index ? "done" : i === step.index ? "current" : "";
    const li = el("li");
    li.title = st.name;
    li.className = where;
    li.append(el("span", `${st.name}${where ? `, ${where === "done" ? "done" : "now"}` : ""}`, "visually-hidden"));
    if (where === "current") li.setAttribute("aria-current", "step");
    return li;
  }));
  const sameSession = previous && previous.id === s.id;
  if (sameSession && previous.step.index !== step.index) audio.stepTone();
  if (!sameSession || previous.step.index !== step.index) voice.step(step, paused);
  if (paused && !(sameSession && previous.state === "paused")) voice.pause();
}

function showGiverBeat(b) {
  if (b.session_id === null || b.session_id === undefined) {
    setText("giver-connect-hr", `· ${Math.round(b.hr_bpm)}\u00a0bpm`); // the unit never wraps away
    return;
  }
  $("giver-line").hidden = false;
  setText("giver-hr", Math.round(b.hr_bpm));
  setText("giver-trend", TREND[b.trend] ? ` · ${TREND[b.trend][0]}` : ""); // no word before there is one
  if (!b.artifact && b.rr_ms !== null) chart.pushGiver(b.t, b.hr_bpm);
}

// One quiet line, only when the rhythm shows a breathing pace; "slowing" when it eased by a breath
// a minute or more over the last minute.
const breaths = [];
function showBreathing(t, pace) {
  if (pace === null || pace === undefined) { $("breathing").hidden = true; breaths.length = 0; return; }
  breaths.push([t, pace]);
  while (breaths.length && breaths[0][0] < t - 60) breaths.shift();
  const slowing = breaths.length > 1 && t - breaths[0][0] > 45 && breaths[0][1] - pace >= 1;
  setText("breathing", `breathing about ${Math.round(pace)} breaths a minute${slowing ? ", slowing" : ""}`);
  $("breathing").hidden = false;
}

// A deep breath: a soft mark on the trace and one quiet line for the giver, for a few seconds.
const DEEP_BREATH_S = 8;
let deepBreathTimer = null;
function showDeepBreath(b) {
  if (!b.deep_breath) return;
  chart.mark(b.t);
  $("deep-breath").hidden = false;
  clearTimeout(deepBreathTimer);
  deepBreathTimer = setTimeout(() => { $("deep-breath").hidden = true; }, DEEP_BREATH_S * 1000);
}

// While the baseline is taken: what is happening (the step's own timer, beside it, says how long).
function withheldWords(b) {
  const reason = b.reason || "calibrating";
  if (reason !== "calibrating") return reason;
  // settle left before it had enough beats: the first reading is taken now, for about a minute
  return b.step > 0 ? "getting a first reading: settling was cut short, so about a minute more"
    : "getting a first reading, during the settle step";
}

export function showBeat(state, b) {
  if (b.role === "giver") { showGiverBeat(b); return; }
  if (b.role !== "receiver") return;
  setText("contact", b.contact === false ? "no skin contact: wet the electrodes"
    : b.contact === true ? "skin contact good" : "");
  if (b.session_id === null || b.session_id === undefined) {
    setText("connect-hr", Math.round(b.hr_bpm));
    $("connect-now").hidden = false;
    return;
  }
  if (!b.artifact) { // a beat set aside as an artifact would show a heart rate that never was
    $("hr-box").hidden = false;
    setText("hr", Math.round(b.hr_bpm));
  }
  gauge.set(b.gauge);
  setText("gauge-value", b.gauge === null ? "" : Math.round(b.gauge));
  const withheld = withheldWords(b);
  setText("gauge-label", b.gauge === null ? withheld : SHOWN);
  const [word, arrow] = TREND[b.trend] || ["", ""]; // no trend word until there is one
  setText("trend", word);
  setText("trend-arrow", arrow);
  setGaugeLabel(b.gauge === null ? `gauge: ${withheld}` : `${spokenGauge(Math.round(b.gauge))}${word ? `, ${word}` : ""}`);
  setText("quality", b.quality === "good" || b.quality === "fair" ? "" : (b.reason || b.quality));
  if (!state.chestLeads || !state.chestLeads()) showBreathing(b.t, b.breathing_bpm); // else web/chest.js
  $("quality").dataset.quality = b.quality;
  if (b.trend === "slowing" && state.lastTrend !== "slowing" && $("chime").checked) audio.chime();
  state.lastTrend = b.trend;
  if (typeof b.step_remaining_s === "number" && !b.paused) {
    state.stepDeadline = performance.now() + (b.step_remaining_s / state.clockRate) * 1000;
  }
  chart.push(b.t, b.artifact ? null : b.hr_bpm, b.gauge);
  showDeepBreath(b);
  if (paints) requestAnimationFrame(() => paints.push([b.beat_seq, performance.timeOrigin + performance.now()]));
}

const ARMED = { stop: ["Stop session", "Tap again to stop", "stop-hint", "Stop ends the session for everyone watching."],
                next: [null, "Tap again to finish", "next-hint", "Finish ends the session for everyone watching."] };

// Put a two-tap button back as it was.
function disarm(state, which) {
  const [label, , hint] = ARMED[which];
  clearTimeout(state.armed?.[which]);
  const b = $(which);
  b.dataset.armed = "false";
  b.textContent = label || b.dataset.label || b.textContent;
  setText(hint, "");
}

// The first tap arms (and says what a second tap does); a second within a few seconds confirms.
function confirmed(state, which) {
  if ($(which).dataset.armed === "true") { disarm(state, which); return true; }
  const [, armed, hint, said] = ARMED[which];
  state.armed = state.armed || {};
  $(which).dataset.armed = "true";
  $(which).textContent = armed;
  setText(hint, said);
  state.armed[which] = setTimeout(() => disarm(state, which), ARMED_MS);
  return false;
}

export function setupLive(state) {
  const act = async (path) => {
    try { await post(path); } catch (err) { $("quality").textContent = err.message; }
  };
  $("next").addEventListener("click", () => {
    const last = state.session && state.session.step.index === state.session.routine.steps.length - 1;
    if (!last || confirmed(state, "next")) act("/api/session/next"); // Finish, like Stop, takes two taps
  });
  $("previous").addEventListener("click", () => act("/api/session/previous"));
  $("pause").addEventListener("click", () => act(state.session && state.session.state === "paused"
    ? "/api/session/resume" : "/api/session/pause"));
  $("stop").addEventListener("click", () => { if (confirmed(state, "stop")) act("/api/session/stop"); });
  $("sound").addEventListener("click", () => {
    const on = audio.toggle();
    $("sound").textContent = on ? "Sound on" : "Sound off";
    $("sound").setAttribute("aria-pressed", String(on));
  });
  const showVoice = () => {
    $("voice").textContent = voice.enabled ? "Voice on" : "Voice off";
    $("voice").setAttribute("aria-pressed", String(voice.enabled));
  };
  $("voice").addEventListener("click", () => { voice.toggle(); showVoice(); });
  $("voice-test").addEventListener("click", () => voice.test(state.session && state.session.step));
  if (!voice.available) {
    $("voice").disabled = $("voice-test").disabled = true;
    $("voice-status").textContent = "this browser cannot speak";
  }
  showVoice();
  setInterval(() => {
    if (state.stepDeadline === null || !state.session || state.session.state === "paused") return;
    const left = Math.max(0, Math.round((state.stepDeadline - performance.now()) / 1000 * state.clockRate));
    setText("step-timer", `${mmss(left)} left`);
  }, 250);
  return { disarm: () => { disarm(state, "stop"); disarm(state, "next"); } };
}
