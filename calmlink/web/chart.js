// A small chart of the last minutes: the receiver's heart rate and gauge, and the giver's heart rate
// when they wear a strap; pinned axes, sliding window. Roles have their own beat times, so each
// point carries one role's values and lines span the other's.
import uPlot from "./vendor/uPlot-1.6.32.esm.js";
import { mmssAxis, palette } from "./common.js";

const WINDOW_S = 300;

export function createChart(el) {
  const data = [[], [], [], []]; // t, receiver HR, gauge, giver HR
  let plot = null;

  function size() {
    return { width: Math.max(280, el.clientWidth || 320), height: 140 };
  }

  function ensure() {
    if (plot || !el.isConnected || el.offsetParent === null) return;
    const c = palette();
    plot = new uPlot({
      ...size(),
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false }, hr: { range: [40, 120] }, g: { range: [0, 100] } },
      axes: [
        { stroke: c.muted, grid: { show: false }, values: mmssAxis },
        { scale: "hr", stroke: c.muted, grid: { stroke: c.track } },
        { scale: "g", side: 1, stroke: c.muted, grid: { show: false } },
      ],
      series: [{}, { scale: "hr", stroke: c.steady, width: 1.5, spanGaps: true },
               { scale: "g", stroke: c.calm, width: 2, spanGaps: true },
               { scale: "hr", stroke: c.giver, width: 1, spanGaps: true }],
    }, data, el);
  }

  function add(t, values) {
    let i = data[0].length;
    while (i > 0 && data[0][i - 1] > t) i -= 1; // the other role's beats may arrive a little late
    data[0].splice(i, 0, t);
    values.forEach((v, k) => data[k + 1].splice(i, 0, v));
    while (data[0].length && data[0][0] < data[0][data[0].length - 1] - WINDOW_S) data.forEach((d) => d.shift());
    ensure();
    if (plot) plot.setData(data);
  }

  return {
    push(t, hr, gauge) { add(t, [hr, gauge, null]); },
    pushGiver(t, hr) { add(t, [null, null, hr]); },
    reset() { data.forEach((d) => d.splice(0)); if (plot) plot.setData(data); },
    resize() { if (plot) plot.setSize(size()); },
  };
}
