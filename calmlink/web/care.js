// The "before you start" care points: shown the first time the connect view opens, dismissed once
// and kept dismissed in this browser; a quiet link brings them back.
import { $ } from "./common.js";

const KEY = "calmlink.care";

function showCard(open) {
  $("care").hidden = !open;
  $("care-show").hidden = open;
}

export function setupCare() {
  showCard(localStorage.getItem(KEY) !== "dismissed");
  $("care-done").addEventListener("click", () => {
    localStorage.setItem(KEY, "dismissed");
    showCard(false);
    $("care-show").focus();
  });
  $("care-show").addEventListener("click", () => {
    showCard(true);
    $("care-done").focus();
  });
}
