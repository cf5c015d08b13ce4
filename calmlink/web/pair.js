// Exchange the code shown on the host for this device's own token (kept as a cookie).
import { $, post } from "./common.js";

const fromLink = new URLSearchParams(location.search).get("code");
if (fromLink) $("code").value = fromLink;

$("pair-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("pair-status").textContent = "";
  try {
    await post("/api/pair", { code: $("code").value.trim(), name: $("name").value.trim() || "phone" });
    location.replace("/");
  } catch (err) {
    $("pair-status").textContent = err.message;
  }
});
