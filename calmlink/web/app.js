// The giver's page: connect a strap, follow the routine, glance at the gauge. No metric is
// computed here; every number comes from the server. Every device follows the server: a session
// started, a step, a stop or a finished session put away shows on all of them at once.
import { audio } from "./audio.js";
import { setupCare } from "./care.js";
import { setupChest } from "./chest.js";
import { $, get, post, request } from "./common.js";
import { openFeed } from "./feed.js";
import { demoStart, fillRoutines, offerTried, rememberedNames, setupConnect, showConnection,
         showGiverConnection, showLastSession, showPairing } from "./connect.js";
import { showEnd } from "./end.js";
import { chart, resetLive, setupLive, showBeat, showStep } from "./live.js";
import { setupPacer } from "./pacer.js";
import { triedPanel } from "./tried.js";

const state = { session: null, clockRate: 1, stepDeadline: null, lastTrend: null, wakeLock: null,
                routinesLoaded: false, connection: null, withoutReadings: false, stopTimer: null,
                demoAsked: null };
const live = setupLive(state);
const pacer = setupPacer(state);
const chest = setupChest(state);
state.chestLeads = () => chest.leads("receiver"); // the heart's breathing line steps aside then
// One tap changes what the running session tries; the feed brings it to every device, this one too.
const during = triedPanel($("tried-live"), "What you're trying", async (change) => {
  if (!state.session) throw new Error("the session has ended");
  await request("PATCH", `/api/sessions/${state.session.id}/tried`, change);
  return null;
});

function show(view) {
  document.body.dataset.view = view;
  for (const name of ["connect", "live", "end"]) $(`${name}-view`).hidden = name !== view;
  if (view === "live") { requestWakeLock(); chart.resize(); } else { releaseWakeLock(); live.disarm(); }
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
  // back to a page left on the end view (another tab, a locked phone): the start view once the
  // server no longer keeps the end view; never while the page is being looked at
  if (document.visibilityState === "visible" && document.body.dataset.view === "end") {
    get("/api/status").then((snapshot) => {
      if (!snapshot.session && !(snapshot.end_kept_s > 0) && document.body.dataset.view === "end") showStart();
    }).catch(() => {});
  }
});

function showSession(s, snapshot = false) {
  const previous = state.session;
  state.session = s;
  if (!previous || previous.id !== s.id) {
    state.withoutReadings = s.roles.length === 0;
    resetLive(state);
    pacer.reset();
    chest.reset();
    during.offer(s.profile).catch(() => {});
  }
  if (snapshot || !previous || previous.id !== s.id) during.set(s.tried);
  showStep(state, s, previous);
  pacer.show(s);
  $("start-error").textContent = ""; // another device may have started it first
  show("live");
}

// The end view is for right after a session (docs/live-protocol.md "The end view"): a page that
// watched the session end shows it, and keeps it on a reload or a reconnect (this tab remembers
// which end it showed) while the server keeps it, 30 minutes; a page opened afresh, or later,
// shows the start view with the last session one tap away in Review.
const END_SHOWN = "calmlink.end-shown";
const endKey = (summary) => `${summary.session_id ?? "not kept"}|${summary.profile}|${summary.duration_s}`;
// The tab's memory of it (a browser that keeps none, in a private mode, forgets it on a reload).
function remember(key) {
  try { if (key) sessionStorage.setItem(END_SHOWN, key); else sessionStorage.removeItem(END_SHOWN); } catch { /* none */ }
}
function remembered() {
  try { return sessionStorage.getItem(END_SHOWN); } catch { return null; }
}

function showFinished(summary) {
  state.session = null;
  remember(endKey(summary));
  showEnd(summary);
  show("end");
}

function showStart() {
  state.session = null;
  remember(null);
  show("connect");
  showLastSession();
}

// A snapshot with no session running: the end view again only for a page that showed it (or was
// watching the session, which ended while it was away), and only while the server keeps it.
function endOrStart(snapshot) {
  const summary = snapshot.last_summary;
  const watched = summary && (state.session !== null || document.body.dataset.view === "end"
    || remembered() === endKey(summary));
  if (watched && snapshot.end_kept_s > 0) showFinished(summary);
  else showStart();
}

function handle(msg) {
  switch (msg.type) {
    case "snapshot":
      state.clockRate = msg.clock_rate || 1;
      showPairing(msg);
      showConnection(state, msg.connection);
      showGiverConnection((msg.connections || {}).giver);
      fillRoutines(state, msg.routines);
      rememberedNames();
      offerTried($("profile").value.trim());
      if (msg.session) showSession(msg.session, true);
      else endOrStart(msg);
      if (msg.start_after_care && !msg.session) demoStart(state, msg.epoch);
      for (const [role, reason] of Object.entries(msg.chest_unavailable || {})) chest.status({ role, available: false, reason });
      break;
    case "status":
      if (msg.role === "receiver") showConnection(state, msg.connection);
      else if (msg.role === "giver") showGiverConnection(msg.connection);
      break;
    case "step":
      if (msg.session) showSession(msg.session);
      else showStart(); // the finished session was put away on some device
      break;
    case "beat": showBeat(state, msg); break;
    case "breath": if (state.session && state.session.id === msg.session_id) pacer.breath(msg); break;
    case "chest": chest.message(msg); break;
    case "chest_status": chest.status(msg); break;
    case "tried": if (state.session && state.session.id === msg.session_id) during.set(msg.tried); break;
    case "session_end": audio.stepTone(); showFinished(msg.summary); break;
  }
  document.body.dataset.seq = String(msg.seq);
}

setupCare();
setupConnect(state);
$("new-session").addEventListener("click", () => {
  showStart();
  offerTried($("profile").value.trim(), true);
  post("/api/session/clear").catch(() => {});
});

openFeed(handle, (s) => {
  document.body.dataset.feed = s;
  if (s !== "open") $("connection").textContent = s === "reconnecting" ? "reconnecting to calmlink…" : "connecting to calmlink…";
});
