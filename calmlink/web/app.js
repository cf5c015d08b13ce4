// The live page: listens to /ws/live and shows the latest beat. It computes no metric itself.
import { createGauge } from "./gauge.js";

const $ = (id) => document.getElementById(id);
const gauge = createGauge($("gauge"), $("gauge-fill"));
const TREND = {
  slowing: ["slowing down", "↓"],
  steady: ["steady", "→"],
  rising: ["picking up", "↑"],
};
const state = { seq: null, epoch: null, snapshot: null, stepDeadline: null };

function showStep(snap) {
  state.snapshot = snap;
  const step = snap.step;
  const steps = snap.routine ? snap.routine.steps : [];
  $("step-name").textContent = step ? step.name : (snap.state === "completed" ? "Done" : "Waiting for the strap");
  $("step-cue").textContent = step ? step.cue : "";
  state.stepDeadline = step ? performance.now() + step.remaining_s * 1000 : null;
  const list = $("progress");
  list.replaceChildren(...steps.map((s, i) => {
    const li = document.createElement("li");
    li.title = s.name;
    if (step && i < step.index) li.className = "done";
    if (step && i === step.index) li.className = "current";
    return li;
  }));
}

function showConnection(c) {
  const el = $("connection");
  el.dataset.state = c.state;
  el.textContent = c.device ? `${c.device}: ${c.state}` : c.state;
}

function showBeat(b) {
  $("hr").textContent = Math.round(b.hr_bpm);
  gauge.set(b.gauge);
  $("gauge-value").textContent = b.gauge === null ? "–" : Math.round(b.gauge);
  $("gauge-label").textContent = b.gauge === null ? (b.reason || "calibrating") : "relaxation proxy";
  const [word, arrow] = TREND[b.trend] || ["settling in", ""];
  $("trend").textContent = word;
  $("trend-arrow").textContent = arrow;
  $("quality").textContent = b.quality === "good" ? "" : (b.reason || b.quality);
  $("quality").dataset.quality = b.quality;
}

function handle(msg) {
  if (msg.type === "snapshot") {
    state.epoch = msg.epoch;
    showConnection(msg.connection);
    showStep(msg);
  } else if (msg.type === "beat") {
    showBeat(msg);
  } else if (msg.type === "step") {
    showStep(msg);
  } else if (msg.type === "status") {
    showConnection(msg.connection);
  }
  if (typeof msg.seq === "number") state.seq = msg.seq;
}

function connect(delay = 500) {
  const params = new URLSearchParams();
  if (state.epoch !== null && state.seq !== null) {
    params.set("epoch", state.epoch);
    params.set("since", String(state.seq));
  }
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${proto}//${location.host}/ws/live?${params}`);
  ws.addEventListener("message", (ev) => handle(JSON.parse(ev.data)));
  ws.addEventListener("open", () => { delay = 500; });
  ws.addEventListener("close", () => {
    $("connection").textContent = "reconnecting to calmlink…";
    setTimeout(() => connect(Math.min(delay * 2, 5000)), delay);
  });
}

function tick() {
  if (state.stepDeadline !== null) {
    const left = Math.max(0, Math.round((state.stepDeadline - performance.now()) / 1000));
    $("step-timer").textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  }
}

setInterval(tick, 500);
connect();
