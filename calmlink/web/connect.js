// The connect view: find straps and say who wears each, the start form (care points read first;
// with no strap, ask whether to connect one or run the routine without readings), pairing phones.
import { afterCare } from "./care.js";
import { $, el, get, instant, post, request } from "./common.js";
import { EMPTY, describe, triedPanel } from "./tried.js";

const before = triedPanel($("tried-before"), "What you're trying");
// The names last used in this browser, offered again (a receiver is a person, never "Receiver").
const NAMES = { profile: "calmlink.receiver", "giver-name": "calmlink.giver" };
export function rememberedNames() {
  for (const [id, key] of Object.entries(NAMES)) if (!$(id).value) $(id).value = localStorage.getItem(key) || "";
}

// When the last session began, as people say it: "today 21:40", "yesterday 21:40", "Sunday
// 21:40" within the week, else "6 Dec 21:40" (with the year when it was another year).
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const WEEKDAY = new Intl.DateTimeFormat(undefined, { weekday: "long" });
const DATE = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const DATE_YEAR = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });
export function lastWhen(iso, now = new Date()) {
  const t = instant(iso);
  const midnight = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((midnight(now) - midnight(t)) / 86_400_000);
  const day = days === 0 ? "today" : days === 1 ? "yesterday" : days > 1 && days < 7 ? WEEKDAY.format(t)
    : (t.getFullYear() === now.getFullYear() ? DATE : DATE_YEAR).format(t);
  return `${day} ${CLOCK.format(t)}`;
}

// The start view never shows a finished session itself; the last one is a tap away in Review
// (docs/live-protocol.md "The end view").
let lastAsked = 0;
export async function showLastSession() {
  const asked = ++lastAsked;
  try {
    const [last] = await get("/api/sessions?limit=1");
    if (asked !== lastAsked) return; // a later answer is on its way
    const shown = last && last.state !== "active";
    $("last-session").hidden = !shown;
    if (!shown) return;
    $("last-session-link").textContent = `${lastWhen(last.started_at)}, ${last.profile} · see it in Review`;
    $("last-session-link").href = `/review#session-${last.id}`;
  } catch { /* the line is a convenience: without it, Review is in the header */ }
}

// Signal strength in words (the number, in dBm, stays in the API and the CLI).
const signal = (rssi) => (rssi === null || rssi === undefined ? "" : rssi >= -65 ? "strong signal"
  : rssi >= -80 ? "fair signal" : "weak signal");

export function strapName(c) {
  const maker = [c.manufacturer, c.model].filter(Boolean).join(" ");
  return c.device && maker && maker !== c.device ? `${c.device} (${maker})` : (c.device || maker);
}

// The giver's strap is optional: a quiet line of its own, never the big gauge.
export function showGiverConnection(c) {
  const present = c && c.state !== "disconnected";
  $("giver-now").hidden = !present;
  $("giver-label").hidden = !present;
  if (!present) markWorn(null, "giver");
  else if (c.address) markWorn(c.address, "giver", true);
  if (!present) { $("giver-line").hidden = true; return; }
  const name = strapName(c);
  $("giver-device").textContent = `${name ? `${name}, ` : ""}${c.state}${c.state !== "connected" && c.reason ? ` (${c.reason})` : ""}`;
}

export function showConnection(state, c) {
  state.connection = c;
  const pill = $("connection");
  pill.dataset.state = c.state;
  const name = strapName(c);
  const parts = [name ? `${name}: ${c.state}` : c.cause === "no-strap" ? "no strap connected" : c.state];
  if (c.battery_pct !== null && c.battery_pct !== undefined) parts.push(`battery ${c.battery_pct}%`);
  if (c.cause !== "no-strap" && (c.state !== "connected" || c.cause === "no-contact") && c.reason) parts.push(c.reason);
  pill.textContent = parts.join(" · ");
  if (c.state === "disconnected") markWorn(null, "receiver");
  else if (c.address) markWorn(c.address, "receiver", true); // unknown while connecting: as tapped
  if (c.state === "disconnected") $("connect-now").hidden = true;
  $("disconnect").hidden = !["connected", "connecting", "reconnecting", "scanning"].includes(c.state);
}

// The routines as a list of choices, each name whole with its length ("Nine quiet minutes
// (9 min)"), wrapping as it needs: a select would clip a long name at a phone's width.
export function fillRoutines(state, routines) {
  if (state.routinesLoaded) return;
  $("routine-choices").replaceChildren(...routines.map((r, k) => {
    const input = el("input");
    Object.assign(input, { type: "radio", name: "routine", value: r.name, checked: k === 0 });
    const label = el("label", "", "choice");
    const words = el("span", `${r.name} `);
    words.append(el("span", `(${Math.round(r.duration_s / 60)}\u00a0min)`, "muted nowrap"));
    label.append(input, words);
    return label;
  }));
  state.routinesLoaded = true;
}

function chosenRoutine() {
  return document.querySelector('#routine input[name="routine"]:checked')?.value;
}

// Which found strap each person wears: its row's button for that person pressed ("✓ Receiver
// wears it"), the other person's free; from the page's own tap at once, then from the server. The
// server may name a strap otherwise than the list did (the demo strap): then the tap stands.
function markWorn(target, role, fromServer = false) {
  const rows = [...$("devices").children];
  const same = (li) => typeof target === "string" && li.dataset.address.toUpperCase() === target.toUpperCase();
  if (fromServer && target && !rows.some(same)) return;
  for (const li of rows) {
    const b = li.querySelector(`button[data-role="${role}"]`);
    if (b) b.setAttribute("aria-pressed", String(same(li)));
  }
}

async function connect(target, role = "receiver") {
  try {
    await post("/api/devices/connect", { target, role });
    markWorn(target, role);
  } catch (err) { $("find-status").textContent = err.message; }
}

async function find() {
  $("find-status").textContent = "Looking for heart-rate straps…";
  $("devices").replaceChildren();
  try {
    const found = await get("/api/devices?timeout=4");
    $("find-status").textContent = found.length ? "Found: say who wears each strap."
      : "No strap found. Wet the electrodes, put it on, try again.";
    $("devices").replaceChildren(...found.map((d) => {
      const name = d.name || d.address;
      const li = el("li");
      li.dataset.address = d.address;
      const label = el("span", name, "name");
      if (signal(d.rssi)) label.append(el("span", ` · ${signal(d.rssi)}`, "muted"));
      const button = (role, text) => {
        const b = el("button", text, "button small device");
        b.dataset.role = role;
        b.setAttribute("aria-pressed", "false");
        b.setAttribute("aria-label", `${text}: ${name}`); // the visible words first (WCAG 2.5.3)
        b.addEventListener("click", () => connect(d.address, role));
        return b;
      };
      const receiver = button("receiver", "Receiver wears it");
      const giver = button("giver", "Giver wears it");
      li.append(label, receiver, giver);
      return li;
    }));
  } catch (err) {
    $("find-status").textContent = err.message;
  }
}

async function start(withoutReadings = false) {
  $("start-error").textContent = "";
  try {
    const [profile, giver] = [$("profile").value.trim(), $("giver-name").value.trim()];
    await post("/api/session", { profile, routine: chosenRoutine(), giver: giver || null,
                                 tried: before.value, without_readings: withoutReadings });
    localStorage.setItem(NAMES.profile, profile);
    if (giver) localStorage.setItem(NAMES["giver-name"], giver);
  } catch (err) { $("start-error").textContent = err.message; }
}

// The next session's choices, offered from the receiver's last session (its own tags offered
// first, not set), unless a person has changed them here already.
export async function offerTried(profile, fresh = false) {
  if (fresh) before.fresh();
  if (!profile) return;
  try {
    const [, last] = await Promise.all([before.offer(profile),
      get(`/api/sessions?profile=${encodeURIComponent(profile)}&limit=1`)]);
    if (before.touched()) return;
    const kept = last.length ? { ...last[0].tried, tags: [] } : EMPTY;
    before.set(kept);
    before.say(describe(kept) ? "As last time; tap to change." : "");
  } catch { /* offered again when the name changes */ }
}

// The demo starts its first session once the care points are read (on any device showing them),
// once per server run (a restarted demo starts again, as it always did).
export function demoStart(state, epoch) {
  if (state.demoAsked === epoch) return;
  state.demoAsked = epoch;
  afterCare(() => {
    if (!$("profile").value.trim()) $("profile").value = "Demo"; // the demo's person, until named
    start();
  }, "Got it, start the demo session");
}

async function showViewers() {
  try {
    const viewers = await get("/api/viewers");
    $("viewers").replaceChildren(...viewers.filter((v) => !v.local).map((v) => {
      const li = el("li", `${v.name} `);
      if (v.revoked_at) li.append(el("span", "revoked", "muted"));
      else {
        const revoke = el("button", "Revoke", "button quiet small");
        revoke.setAttribute("aria-label", `Revoke ${v.name}`);
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

export function showPairing(snapshot) {
  $("pairing").hidden = !(snapshot.lan && snapshot.local);
  if (snapshot.lan && snapshot.local) showViewers();
}

export function setupConnect(state) {
  $("find").addEventListener("click", find);
  $("demo").addEventListener("click", () => connect("demo"));
  $("disconnect").addEventListener("click", async () => {
    try { await post("/api/devices/disconnect"); } catch (err) { $("find-status").textContent = err.message; }
  });
  $("giver-disconnect").addEventListener("click", async () => {
    try { await post("/api/devices/disconnect", { role: "giver" }); } catch (err) { $("find-status").textContent = err.message; }
  });
  $("swap").addEventListener("click", async () => {
    try { await post("/api/devices/swap"); } catch (err) { $("find-status").textContent = err.message; }
  });
  $("profile").addEventListener("change", () => offerTried($("profile").value.trim()));
  $("start-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const noStrap = !state.connection || state.connection.state === "disconnected";
    if (noStrap) $("no-strap").showModal(); // the strap first, then the care points
    else afterCare(() => start());
  });
  $("connect-first").addEventListener("click", () => { $("no-strap").close(); $("find").focus(); find(); });
  $("without-readings").addEventListener("click", () => { $("no-strap").close(); afterCare(() => start(true)); });
  $("pair-start").addEventListener("click", async () => {
    try {
      const p = await post("/api/pair/start");
      $("pair-digits").textContent = p.code;
      $("pair-url").textContent = p.url.split("?")[0];
      $("pair-qr").src = p.qr_svg_data_url;
      $("pair-code").hidden = false;
    } catch (err) { $("start-error").textContent = err.message; }
  });
}
