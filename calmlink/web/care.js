// The "before you start" care points: shown the first time the connect view opens, dismissed once
// and kept dismissed in this browser; a quiet link brings them back. Nothing starts before they
// have been read once: the first session (the demo's too) waits for "Got it".
import { $ } from "./common.js";

const KEY = "calmlink.care";
let then = null;

function showCard(open) {
  $("care").hidden = !open;
  $("care-show").hidden = open;
}

export const careRead = () => localStorage.getItem(KEY) === "dismissed";

// Run ``next`` now if the care points were read, else once they are ("Got it, start").
export function afterCare(next, label = "Got it, start the session") {
  if (careRead()) { next(); return; }
  then = next;
  $("care-done").textContent = label;
  showCard(true);
  $("care").scrollIntoView({ block: "nearest" });
  $("care-done").focus();
}

export function setupCare() {
  showCard(!careRead());
  $("care-done").addEventListener("click", () => {
    localStorage.setItem(KEY, "dismissed");
    showCard(false);
    $("care-done").textContent = "Got it";
    const next = then;
    then = null;
    if (next) next(); else $("care-show").focus();
  });
  $("care-show").addEventListener("click", () => {
    showCard(true);
    $("care-done").focus();
  });
}
