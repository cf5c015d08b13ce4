// The semicircle gauge. CSS eases each move over about a second (none with reduced motion).
// Withheld (no data yet, calibrating, signal paused) it draws only its track: no dots.
export function createGauge(svg, fill) {
  return {
    set(value) {
      const withheld = value === null || value === undefined;
      svg.dataset.withheld = String(withheld);
      if (withheld) return;
      const shown = Math.max(0, Math.min(100, value));
      fill.setAttribute("stroke-dasharray", `${shown.toFixed(1)} 100`);
    },
  };
}
