// A small chart of the last minutes: heart rate and the gauge, pinned axes, sliding window.
import uPlot from "./vendor/uPlot-1.6.32.esm.js";
import { mmssAxis, palette } from "./common.js";

const WINDOW_S = 300;

export function createChart(el) {
  const data = [[], [], []];
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
      series: [{}, { scale: "hr", stroke: c.steady, width: 1.5 }, { scale: "g", stroke: c.calm, width: 2 }],
    }, data, el);
  }

  return {
    push(t, hr, gauge) {
      data[0].push(t); data[1].push(hr); data[2].push(gauge);
      while (data[0].length && data[0][0] < t - WINDOW_S) { data[0].shift(); data[1].shift(); data[2].shift(); }
      ensure();
      if (plot) plot.setData(data);
    },
    reset() { data.forEach((d) => d.splice(0)); if (plot) plot.setData(data); },
    resize() { if (plot) plot.setSize(size()); },
  };
}
