// The giver's page: connect a strap, follow the routine, glance at the gauge. No metric is
// computed here; every number comes from the server.
import { audio } from "./audio.js";
import { setupCare } from "./care.js";
import { voice } from "./voice.js";
import { createChart } from "./chart.js";
import { createGauge } from "./gauge.js";
import { openFeed } from "./feed.js";
import { $, el, fillStepsTable, get, mmss, post, request, synchronySentence } from "./common.js";

const gauge = createGauge($("gauge"), $("gauge-fill"));
const chart = createChart($("chart"));
const TREND = { slowing: ["slowing down", "↓"], steady: ["steady", "→"], rising: ["picking up", "↑"] };
// ?measure=1 records when each beat was painted (epoch ms), for `make bench`.
const paints = new URLSearchParams(location.search).has("measure") ? (window.calmlinkPaints = []) : null;
const state = { session: null, clockRate: 1, stepDeadline: null, lastTrend: null, wakeLock: null,
                routinesLoaded: false };

function show(view) {
  document.body.dataset.view = view;
  for (const name of ["connect", "live", "end"]) $(`${name}-view`).hidden = name !== view;
  if (view === "live") { requestWakeLock(); chart.resize(); } else releaseWakeLock();
}

async function requestWakeLock() {
  try {
    if ("wakeLock" in navigator && !state.wakeLock) state.wakeLock = await navigator.wakeLock.request("screen");
  } catch { state.wakeLock = null; }
}

function releaseWakeLock() {
  if (state.wakeLock) state.wakeLock.release().catch(() => {});
  state.wakeLock = null;
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && document.body.dataset.view === "live") {
    state.wakeLock = null;
    requestWakeLock();
  }
});

function strapName(c) {
  const maker = [c.manufacturer, c.model].filter(Boolean).join(" ");
  return c.device && maker && maker !== c.device ? `${c.device} (${maker})` : (c.device || maker);
}

// The giver's strap is optional: a quiet line of its own, never the big gauge.
function showGiverConnection(c) {
  const present = c && c.state !== "disconnected";
  $("giver-now").hidden = !present;
  $("giver-label").hidden = !present;
  if (!present) { $("giver-line").hidden = true; return; }
  const name = strapName(c);
  setText("giver-device", `${name ? `${name}, ` : ""}${c.state}${c.state !== "connected" && c.reason ? ` (${c.reason})` : ""}`);
}

function showConnection(c) {
  const pill = $("connection");
  pill.dataset.state = c.state;
  const name = strapName(c);
  const parts = [name ? `${name}: ${c.state}` : c.state];
  if (c.battery_pct !== null && c.battery_pct !== undefined) parts.push(`battery ${c.battery_pct}%`);
  if ((c.state !== "connected" || c.cause === "no-contact") && c.reason) parts.push(c.reason);
  pill.textContent = parts.join(" · ");
  $("disconnect").hidden = !["connected", "connecting", "reconnecting", "scanning"].includes(c.state);
}

function fillRoutines(routines) {
  if (state.routinesLoaded) return;
  const select = $("routine");
  select.replaceChildren(...routines.map((r) => {
    const opt = el("option", `${r.name} (${Math.round(r.duration_s / 60)} min)`);
    opt.value = r.name;
    return opt;
  }));
  state.routinesLoaded = true;
}

function showSession(s) {
  const previous = state.session;
  state.session = s;
  if (!s) return;
  const step = s.step;
  $("step-name").textContent = step.name;
  $("step-cue").textContent = step.cue;
  state.stepDeadline = performance.now() + (step.remaining_s / state.clockRate) * 1000;
  $("pause").textContent = s.state === "paused" ? "Resume" : "Pause";
  $("live-view").dataset.paused = String(s.state === "paused");
  $("progress").replaceChildren(...s.routine.steps.map((st, i) => {
    const where = i < step.index ? "done" : i === step.index ? "current" : "";
    const li = el("li");
    li.title = st.name;
    li.className = where;
    li.append(el("span", `${st.name}${where ? `, ${where === "done" ? "done" : "now"}` : ""}`, "visually-hidden"));
    if (where === "current") li.setAttribute("aria-current", "step");
    return li;
  }));
  const paused = s.state === "paused";
  const sameSession = previous && previous.id === s.id;
  if (sameSession && previous.step.index !== step.index) audio.stepTone();
  if (!sameSession || previous.step.index !== step.index) voice.step(step, paused);
  if (paused && !(sameSession && previous.state === "paused")) voice.pause();
  show("live");
}

// Set text only when it changes, so a screen reader is not told the same thing every beat.
function setText(id, text) {
  const node = $(id);
  if (node.textContent !== String(text)) node.textContent = text;
}

function showGiverBeat(b) {
  if (b.session_id === null || b.session_id === undefined) {
    setText("giver-connect-hr", Math.round(b.hr_bpm));
    return;
  }
  $("giver-line").hidden = false;
  setText("giver-hr", Math.round(b.hr_bpm));
  setText("giver-trend", (TREND[b.trend] || ["settling in"])[0]);
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
  setText("breathing", `breathing about ${Math.round(pace)} a minute${slowing ? ", slowing" : ""}`);
  $("breathing").hidden = false;
}

function showBeat(b) {
  if (b.role === "giver") { showGiverBeat(b); return; }
  if (b.role !== "receiver") return;
  setText("contact", b.contact === false ? "no skin contact: wet the electrodes"
    : b.contact === true ? "skin contact good" : "");
  if (b.session_id === null || b.session_id === undefined) {
    setText("connect-hr", Math.round(b.hr_bpm));
    return;
  }
  setText("hr", Math.round(b.hr_bpm));
  gauge.set(b.gauge);
  setText("gauge-value", b.gauge === null ? "–" : Math.round(b.gauge));
  setText("gauge-label", b.gauge === null ? (b.reason || "calibrating") : "relaxation proxy");
  const [word, arrow] = TREND[b.trend] || ["settling in", ""];
  setText("trend", word);
  setText("trend-arrow", arrow);
  const spoken = b.gauge === null ? `relaxation proxy: ${b.reason || "calibrating"}`
    : `relaxation proxy ${Math.round(b.gauge)}, ${word}`;
  if ($("gauge").getAttribute("aria-label") !== spoken) $("gauge").setAttribute("aria-label", spoken);
  setText("quality", b.quality === "good" || b.quality === "fair" ? "" : (b.reason || b.quality));
  showBreathing(b.t, b.breathing_bpm);
  $("quality").dataset.quality = b.quality;
  if (b.trend === "slowing" && state.lastTrend !== "slowing" && $("chime").checked) audio.chime();
  state.lastTrend = b.trend;
  if (typeof b.step_remaining_s === "number" && !b.paused) {
    state.stepDeadline = performance.now() + (b.step_remaining_s / state.clockRate) * 1000;
  }
  chart.push(b.t, b.artifact ? null : b.hr_bpm, b.gauge);
  if (paints) requestAnimationFrame(() => paints.push([b.beat_seq, performance.timeOrigin + performance.now()]));
}

function showEnd(summary) {
  state.session = null;
  if (!summary) return;
  const minutes = Math.round(summary.duration_s / 60);
  $("end-headline").textContent = `${summary.profile}: ${minutes} min, ${summary.n_beats} beats. ` +
    `Compared with settling, the session looked ${summary.outcome}.`;
  $("observations").replaceChildren(...summary.observations.map((o) => el("li", o)));
  fillStepsTable($("steps-body"), summary.steps);
  const partner = summary.partner;
  $("partner-end").hidden = !partner;
  if (partner) {
    setText("sync-sentence", synchronySentence(partner.synchrony));
    $("partner-sentences").replaceChildren(...partner.step_sentences.map((o) => el("li", o)));
  }
  $("review-link").href = `/review#session-${summary.session_id}`;
  show("end");
}

function handle(msg) {
  switch (msg.type) {
    case "snapshot":
      state.clockRate = msg.clock_rate || 1;
      $("pairing").hidden = !(msg.lan && msg.local);
      if (msg.lan && msg.local) showViewers();
      showConnection(msg.connection);
      showGiverConnection((msg.connections || {}).giver);
      fillRoutines(msg.routines);
      if (!$("profile").value) $("profile").value = "Receiver";
      if (msg.session) showSession(msg.session);
      else if (msg.last_summary) showEnd(msg.last_summary);
      else show("connect");
      break;
    case "status":
      if (msg.role === "receiver") showConnection(msg.connection);
      else if (msg.role === "giver") showGiverConnection(msg.connection);
      break;
    case "step": if (msg.session) showSession(msg.session); break;
    case "beat": showBeat(msg); break;
    case "session_end": audio.stepTone(); showEnd(msg.summary); break;
  }
  document.body.dataset.seq = String(msg.seq);
}

async function find() {
  $("find-status").textContent = "Looking for heart-rate straps…";
  $("devices").replaceChildren();
  try {
    const found = await get("/api/devices?timeout=4");
    $("find-status").textContent = found.length ? "Tap your strap:" : "No strap found. Wet the electrodes, put it on, try again.";
    $("devices").replaceChildren(...found.map((d) => {
      const li = el("li");
      const button = el("button", d.name || d.address, "button device");
      button.append(el("span", ` ${d.rssi ?? ""} dBm`, "muted"));
      button.addEventListener("click", () => connect(d.address));
      const forGiver = el("button", "the giver's", "button quiet small");
      forGiver.setAttribute("aria-label", `${d.name || d.address} for the giver`);
      forGiver.addEventListener("click", () => connect(d.address, "giver"));
      li.append(button, forGiver);
      return li;
    }));
  } catch (err) {
    $("find-status").textContent = err.message;
  }
}

async function connect(target, role = "receiver") {
  try { await post("/api/devices/connect", { target, role }); } catch (err) { $("find-status").textContent = err.message; }
}

async function act(path) {
  try { await post(path); } catch (err) { $("quality").textContent = err.message; }
}

async function showViewers() {
  try {
    const viewers = await get("/api/viewers");
    $("viewers").replaceChildren(...viewers.filter((v) => !v.local).map((v) => {
      const li = el("li", `${v.name} `);
      if (v.revoked_at) li.append(el("span", "revoked", "muted"));
      else {
        const revoke = el("button", "Revoke", "button quiet small");
        revoke.addEventListener("click", async () => {
          await request("DELETE", `/api/viewers/${v.id}`).catch(() => {});
          showViewers();
        });
        li.append(revoke);
      }
      return li;
    }));
  } catch { /* not in LAN mode */ }
}

$("pair-start").addEventListener("click", async () => {
  try {
    const p = await post("/api/pair/start");
    $("pair-digits").textContent = p.code;
    $("pair-url").textContent = p.url.split("?")[0];
    $("pair-qr").src = p.qr_svg_data_url;
    $("pair-code").hidden = false;
  } catch (err) { $("start-error").textContent = err.message; }
});
$("find").addEventListener("click", find);
$("demo").addEventListener("click", () => connect("demo"));
$("disconnect").addEventListener("click", () => act("/api/devices/disconnect"));
$("giver-disconnect").addEventListener("click", async () => {
  try { await post("/api/devices/disconnect", { role: "giver" }); } catch (err) { $("find-status").textContent = err.message; }
});
$("swap").addEventListener("click", async () => {
  try { await post("/api/devices/swap"); } catch (err) { $("find-status").textContent = err.message; }
});
$("start-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("start-error").textContent = "";
  try {
    chart.reset();
    await post("/api/session", { profile: $("profile").value.trim(), routine: $("routine").value,
                                 giver: $("giver-name").value.trim() || null });
  } catch (err) { $("start-error").textContent = err.message; }
});
$("next").addEventListener("click", () => act("/api/session/next"));
$("previous").addEventListener("click", () => act("/api/session/previous"));
$("pause").addEventListener("click", () => act(state.session && state.session.state === "paused" ? "/api/session/resume" : "/api/session/pause"));
$("stop").addEventListener("click", () => act("/api/session/stop"));
$("new-session").addEventListener("click", () => show("connect"));
$("sound").addEventListener("click", () => {
  const on = audio.toggle();
  $("sound").textContent = on ? "Sound on" : "Sound off";
  $("sound").setAttribute("aria-pressed", String(on));
});
function showVoice() {
  $("voice").textContent = voice.enabled ? "Voice on" : "Voice off";
  $("voice").setAttribute("aria-pressed", String(voice.enabled));
}
$("voice").addEventListener("click", () => { voice.toggle(); showVoice(); });
$("voice-test").addEventListener("click", () => voice.test(state.session && state.session.step));
if (!voice.available) {
  $("voice").disabled = $("voice-test").disabled = true;
  $("voice-status").textContent = "this browser cannot speak";
}
showVoice();
setupCare();
window.addEventListener("resize", () => chart.resize());

setInterval(() => {
  if (state.stepDeadline === null || !state.session) return;
  if (state.session.state === "paused") return;
  const left = Math.max(0, Math.round((state.stepDeadline - performance.now()) / 1000 * state.clockRate));
  setText("step-timer", mmss(left));
}, 250);

openFeed(handle, (s) => {
  document.body.dataset.feed = s;
  if (s === "closed") $("connection").textContent = "reconnecting to calmlink…";
});
