// A small chart of the last minutes: heart rate and the gauge, pinned axes, sliding window.
import uPlot from "./vendor/uPlot-1.6.32.esm.js";

const WINDOW_S = 300;

export function createChart(el) {
  const data = [[], [], []];
  const css = getComputedStyle(document.documentElement);
  const color = (name) => css.getPropertyValue(name).trim() || "#888";
  let plot = null;

  function size() {
    return { width: Math.max(280, el.clientWidth || 320), height: 140 };
  }

  function ensure() {
    if (plot || !el.isConnected || el.offsetParent === null) return;
    plot = new uPlot({
      ...size(),
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false }, hr: { range: [40, 120] }, g: { range: [0, 100] } },
      axes: [
        { stroke: color("--muted"), grid: { show: false }, values: (u, v) => v.map((s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`) },
        { scale: "hr", stroke: color("--muted"), grid: { stroke: color("--track") } },
        { scale: "g", side: 1, stroke: color("--muted"), grid: { show: false } },
      ],
      series: [{}, { scale: "hr", stroke: color("--steady"), width: 1.5 },
               { scale: "g", stroke: color("--calm"), width: 2 }],
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
