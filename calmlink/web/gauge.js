// The semicircle gauge: eases toward each new value instead of jumping.
export function createGauge(svg, fill) {
  let shown = null;
  return {
    set(value) {
      if (value === null || value === undefined) {
        svg.dataset.withheld = "true";
        return;
      }
      svg.dataset.withheld = "false";
      shown = Math.max(0, Math.min(100, value));
      fill.setAttribute("stroke-dasharray", `${shown.toFixed(1)} 100`);
    },
    get value() { return shown; },
  };
}
