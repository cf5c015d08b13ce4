// The live feed: one WebSocket that reconnects by itself and resumes from the last seq it saw,
// so no message is shown twice and none is missed while the server keeps its history. Its state
// is "connecting" until the first open, "open", then "reconnecting" only after a connection was
// lost (never before one existed).
export function openFeed(onMessage, onState) {
  let seq = null;
  let epoch = null;
  let delay = 300;
  let socket = null;
  let opened = false;

  function connect() {
    const params = new URLSearchParams();
    if (epoch !== null && seq !== null) {
      params.set("epoch", epoch);
      params.set("since", String(seq));
    }
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(`${proto}//${location.host}/ws/live?${params}`);
    socket.addEventListener("open", () => { delay = 300; opened = true; onState("open"); });
    socket.addEventListener("message", (ev) => {
      const msg = JSON.parse(ev.data);
      if (msg.type === "snapshot") {
        if (msg.epoch !== epoch) seq = null;
        epoch = msg.epoch;
      } else if (typeof msg.seq === "number") {
        if (seq !== null && msg.seq <= seq) return; // already shown
      }
      if (typeof msg.seq === "number") seq = msg.seq;
      onMessage(msg);
    });
    socket.addEventListener("close", () => {
      onState(opened ? "reconnecting" : "connecting");
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 3000);
    });
  }

  onState("connecting");
  connect();
  return { get seq() { return seq; }, get epoch() { return epoch; } };
}
