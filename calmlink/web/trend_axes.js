// The trends charts' axes, so they read right at any width (docs/trends.md, "The charts' axes"):
// dates on whole days, weeks, months or years of the reader's own calendar and clock, the
// smallest step whose labels fit side by side, each label different, with the year wherever
// the span crosses one; values in whole numbers; each axis as wide as its longest label, so its
// title sits clear of the labels.
const DAY_MS = 864e5;
const GAP_EM = 0.75; // between two date labels, at least
const STEPS = [["day", 1], ["day", 2], ["day", 3], ["week", 1], ["week", 2], ["month", 1], ["month", 2],
               ["month", 3], ["month", 4], ["month", 6], ["year", 1], ["year", 2], ["year", 5], ["year", 10],
               ["year", 25], ["year", 50], ["year", 100]];
const ROUGH_DAYS = { day: 1, week: 7, month: 30.4, year: 365.25 };
const format = (options) => new Intl.DateTimeFormat(undefined, options); // the reader's own
const DAY = format({ day: "numeric", month: "short" });
const DAY_YEAR = format({ day: "numeric", month: "short", year: "numeric" });
const MONTH = format({ month: "short" });
const MONTH_YEAR = format({ month: "short", year: "numeric" });
const YEAR = format({ year: "numeric" });
export const WHOLE_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000];

const dayNumber = (d) => Math.round(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / DAY_MS);

// Local midnights from ``lo`` to ``hi`` (ms) on the step's own calendar: every n-th day, Mondays
// (1970-01-05, day 4, was one), the first of every n-th month, the 1st of January of every n-th year.
export function dateTicks([unit, n], lo, hi) {
  const out = [];
  const from = new Date(lo);
  const push = (d) => { if (d.getTime() >= lo && d.getTime() <= hi) out.push(d.getTime()); };
  if (unit === "day" || unit === "week") {
    const every = unit === "week" ? 7 * n : n;
    const phase = unit === "week" ? 4 : 0;
    const first = new Date(from.getFullYear(), from.getMonth(), from.getDate());
    const skip = (((dayNumber(first) - phase) % every) + every) % every;
    for (let k = skip ? every - skip : 0; ; k += every) {
      const d = new Date(from.getFullYear(), from.getMonth(), from.getDate() + k);
      if (d.getTime() > hi) break;
      push(d);
    }
  } else if (unit === "month") {
    const y = from.getFullYear();
    for (let m = Math.floor(from.getMonth() / n) * n; ; m += n) {
      const d = new Date(y, m, 1);
      if (d.getTime() > hi) break;
      push(d);
    }
  } else {
    for (let y = Math.floor(from.getFullYear() / n) * n; ; y += n) {
      const d = new Date(y, 0, 1);
      if (d.getTime() > hi) break;
      push(d);
    }
  }
  return out;
}

// The labels of ``ticks`` (ms), each different: when the span crosses a year, the year on the
// first and on the first of each new year ("Dec 28, 2025, Dec 30, Jan 1, 2026"; "Oct 2025,
// Jan 2026, Apr"), or on every one when a month or day would otherwise come twice.
export function dateLabels(unit, ticks, crossesYear) {
  const dates = ticks.map((t) => new Date(t));
  if (unit === "year") return dates.map((d) => YEAR.format(d));
  const [plain, dated] = unit === "month" ? [MONTH, MONTH_YEAR] : [DAY, DAY_YEAR];
  const some = dates.map((d, i) => (crossesYear && (i === 0 ||
    d.getFullYear() !== dates[i - 1].getFullYear()) ? dated : plain).format(d));
  return new Set(some).size === some.length ? some : dates.map((d) => dated.format(d));
}

function measurer(font) {
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = font;
  const em = parseFloat(font) || 14;
  return { width: (text) => ctx.measureText(text).width, em };
}

// Ticks (ms) and labels for a date scale from ``lo`` to ``hi`` drawn ``dim`` px wide, the labels'
// centres at least ``room[0]`` px from the left edge and ``room[1]`` px short of the right one
// (what lies beside the plot): the smallest step whose labels fit, all different; two or more
// when any step gives two.
export function chooseDates(lo, hi, dim, room, measure) {
  const crossesYear = new Date(lo).getFullYear() !== new Date(hi).getFullYear();
  const gap = GAP_EM * measure.em;
  const at = (t) => ((t - lo) / (hi - lo)) * dim;
  let single = null;
  for (const [unit, n] of STEPS) {
    if ((hi - lo) / (ROUGH_DAYS[unit] * n * DAY_MS) > dim / 20) continue; // far too many
    const all = dateTicks([unit, n], lo, hi);
    const allLabels = dateLabels(unit, all, crossesYear);
    const ticks = [], labels = [];
    all.forEach((t, i) => {
      const half = measure.width(allLabels[i]) / 2;
      if (at(t) - half >= -room[0] && at(t) + half <= dim + room[1]) { ticks.push(t); labels.push(allLabels[i]); }
    });
    if (!ticks.length || new Set(labels).size !== labels.length) continue;
    const fits = ticks.every((t, i) => i === 0 ||
      at(t) - at(ticks[i - 1]) >= (measure.width(labels[i]) + measure.width(labels[i - 1])) / 2 + gap);
    if (!fits) continue;
    if (ticks.length >= 2) return { ticks, labels };
    single ??= { ticks, labels };
  }
  return single ?? { ticks: [], labels: [] };
}

// uPlot options for the date axis (scale in seconds): splits and values from chooseDates.
export function dateAxis(style) {
  const measure = measurer(style.font);
  let chosen = new Map();
  return {
    ...style,
    size: Math.ceil(15 + measure.em * 1.5),
    space: 1,
    splits(u, axisIdx, min, max) {
      const ratio = devicePixelRatio || 1; // uPlot's own pxRatio, which bbox is in
      const left = u.bbox.left / ratio;
      const dim = u.bbox.width / ratio;
      const { ticks, labels } = chooseDates(min * 1000, max * 1000, dim, [left, u.width - left - dim], measure);
      chosen = new Map(ticks.map((t, i) => [t / 1000, labels[i]]));
      return ticks.map((t) => t / 1000);
    },
    values: (u, splits) => splits.map((s) => chosen.get(s) ?? ""),
  };
}

// uPlot options for a value axis: whole numbers, the axis as wide as its longest label.
export function valueAxis(style) {
  const measure = measurer(style.font);
  return {
    ...style,
    incrs: WHOLE_STEPS,
    values: (u, splits) => splits.map((v) => String(Math.round(v))),
    size(u, values, axisIdx, cycle) {
      const axis = u.axes[axisIdx];
      if (cycle > 1 && axis._size) return axis._size; // settled: no see-saw between sizes
      const widest = Math.max(0, ...(values || []).map((v) => measure.width(v)));
      return Math.ceil(axis.ticks.size + axis.gap + widest + 0.3 * measure.em);
    },
  };
}
