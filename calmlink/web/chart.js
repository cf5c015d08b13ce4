// A small chart of the last minutes: the receiver's heart rate and gauge, and the giver's heart
// rate (dashed, its own colour) when they wear a strap; pinned axes with titles whose grid lines
// meet both scales (40-120 bpm and 0-100 in five even steps), sliding window, and a legend of
// exactly the traces drawn. Nothing is drawn (the figure stays hidden) before the first point.
// Roles have their own beat times, so each point carries one role's values and lines span the
// other's.
import uPlot from "./vendor/uPlot-1.6.32.esm.js";
import { axisStyle, mmssAxis, MMSS_STEPS, palette, showLegend, whenResized } from "./common.js";

const WINDOW_S = 300;
const SERIES = ["hr", "gauge", "giver"];
const HR_TICKS = [40, 60, 80, 100, 120];
const GAUGE_TICKS = [0, 25, 50, 75, 100];

// A deep breath: a soft dot at the top of the chart, at the beat it became known.
function drawMarks(u, marks, colour) {
  const ctx = u.ctx;
  ctx.save();
  ctx.fillStyle = colour;
  ctx.globalAlpha = 0.5;
  for (const t of marks) {
    const x = u.valToPos(t, "x", true);
    if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
    ctx.beginPath();
    ctx.arc(x, u.bbox.top + 6 * devicePixelRatio, 4 * devicePixelRatio, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.restore();
}

export function createChart(el, legend) {
  const data = [[], [], [], []]; // t, receiver HR, gauge, giver HR
  const marks = []; // times of deep breaths
  const seen = new Set();
  const figure = el.closest("figure");
  let plot = null;

  function size() {
    return { width: Math.max(200, el.clientWidth || 300), height: 180 };
  }

  function ensure() {
    if (plot || !el.isConnected || el.offsetParent === null) return;
    const c = palette();
    const a = axisStyle(c);
    plot = new uPlot({
      ...size(),
      legend: { show: false },
      hooks: { draw: [(u) => drawMarks(u, marks, c.calm)] },
      cursor: { show: false },
      scales: { x: { time: false }, hr: { range: [40, 120] }, g: { range: [0, 100] } },
      axes: [
        { ...a, grid: { show: false }, values: mmssAxis, incrs: MMSS_STEPS, label: "min:s" },
        { ...a, scale: "hr", grid: { stroke: c.track }, label: "bpm", splits: () => HR_TICKS },
        { ...a, scale: "g", side: 1, grid: { show: false }, label: "gauge 0–100", splits: () => GAUGE_TICKS },
      ],
      series: [{}, { scale: "hr", stroke: c.steady, width: 1.5, spanGaps: true },
               { scale: "g", stroke: c.calm, width: 2.5, spanGaps: true },
               { scale: "hr", stroke: c.giver, width: 1.5, dash: [6, 4], spanGaps: true }],
    }, data, el);
  }

  function add(t, values) {
    let i = data[0].length;
    while (i > 0 && data[0][i - 1] > t) i -= 1; // the other role's beats may arrive a little late
    data[0].splice(i, 0, t);
    values.forEach((v, k) => {
      data[k + 1].splice(i, 0, v);
      if (v !== null && v !== undefined && !seen.has(SERIES[k])) {
        seen.add(SERIES[k]);
        showLegend(legend, SERIES.filter((s) => seen.has(s)), el);
        figure.hidden = false; // something to draw
      }
    });
    while (data[0].length && data[0][0] < data[0][data[0].length - 1] - WINDOW_S) data.forEach((d) => d.shift());
    while (marks.length && marks[0] < data[0][0]) marks.shift();
    ensure();
    if (plot) plot.setData(data);
  }

  whenResized(el, () => { if (plot) plot.setSize(size()); });
  return {
    push(t, hr, gauge) { add(t, [hr, gauge, null]); },
    pushGiver(t, hr) { add(t, [null, null, hr]); },
    mark(t) { marks.push(t); if (plot) plot.redraw(false); },
    reset() {
      data.forEach((d) => d.splice(0));
      marks.splice(0);
      seen.clear();
      showLegend(legend, [], el);
      figure.hidden = true;
      if (plot) plot.setData(data);
    },
    resize() { if (plot) plot.setSize(size()); else ensure(); },
  };
}
