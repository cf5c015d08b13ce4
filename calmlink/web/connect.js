// The connect view: find straps and say who wears each, the start form (care points read first;
// with no strap, ask whether to connect one or run the routine without readings), pairing phones.
import { afterCare } from "./care.js";
import { $, el, get, post, request } from "./common.js";
import { EMPTY, describe, triedPanel } from "./tried.js";

const before = triedPanel($("tried-before"), "What you're trying");

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
  $("disconnect").hidden = !["connected", "connecting", "reconnecting", "scanning"].includes(c.state);
}

export function fillRoutines(state, routines) {
  if (state.routinesLoaded) return;
  $("routine").replaceChildren(...routines.map((r) => {
    const opt = el("option", `${r.name} (${Math.round(r.duration_s / 60)} min)`);
    opt.value = r.name;
    return opt;
  }));
  state.routinesLoaded = true;
}

// Which found strap each person wears, said on its row once the page has asked for it.
function markWorn(target, role) {
  for (const li of $("devices").children) {
    const worn = li.querySelector(".worn");
    if (li.dataset.address === target) worn.textContent = `worn by the ${role}`;
    else if (worn.textContent === `worn by the ${role}`) worn.textContent = "";
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
      label.append(" ", el("span", "", "worn"));
      const receiver = el("button", "Receiver wears it", "button small device");
      receiver.setAttribute("aria-label", `${name}: the receiver wears it`);
      receiver.addEventListener("click", () => connect(d.address));
      const giver = el("button", "Giver wears it", "button quiet small");
      giver.setAttribute("aria-label", `${name}: the giver wears it`);
      giver.addEventListener("click", () => connect(d.address, "giver"));
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
    await post("/api/session", { profile: $("profile").value.trim(), routine: $("routine").value,
                                 giver: $("giver-name").value.trim() || null,
                                 tried: before.value, without_readings: withoutReadings });
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
  afterCare(() => start(), "Got it, start the demo session");
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
    afterCare(() => (noStrap ? $("no-strap").showModal() : start()));
  });
  $("connect-first").addEventListener("click", () => { $("no-strap").close(); $("find").focus(); find(); });
  $("without-readings").addEventListener("click", () => { $("no-strap").close(); start(true); });
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
