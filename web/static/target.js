// Draws a target's monthly share against its threshold schedule, and the projection to the deadline, from
// the JSON in #trend-data.
(function () {
  const el = document.getElementById("trend-data");
  const canvas = document.getElementById("trend");
  if (!el || !canvas || !window.Chart) return;
  const d = JSON.parse(el.textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: d.months,
      datasets: [
        { label: d.shareLabel, data: d.shares, borderColor: "#0b6e99", backgroundColor: "#0b6e99", spanGaps: true, tension: 0.2 },
        { label: d.projectionLabel, data: d.projected, borderColor: "#0b6e99", borderDash: [3, 3], pointRadius: 2, spanGaps: true },
        // A step line: each threshold holds until the next; none before the first.
        { label: d.thresholdLabel, data: d.thresholds, borderColor: "#cf222e", borderDash: [6, 4], pointRadius: 0, stepped: "before" },
      ].filter((s, i) => i === 0 || s.data.some((v) => v !== null)), // a line with nothing to draw leaves the legend
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { min: 0, max: 100, ticks: { callback: (v) => v + "%" } } },
      plugins: { tooltip: { callbacks: { label: (c) => c.dataset.label + ": " + (c.parsed.y == null ? "—" : c.parsed.y.toFixed(1) + "%") } } },
    },
  });
})();
