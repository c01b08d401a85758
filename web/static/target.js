// Draws a target's monthly domestic-producer share against its threshold from the JSON in #trend-data.
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
        // No threshold in force yet: no line.
        { label: d.thresholdLabel, data: d.months.map(() => d.threshold), borderColor: "#cf222e", borderDash: [6, 4], pointRadius: 0, hidden: d.threshold === null },
      ],
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { min: 0, max: 100, ticks: { callback: (v) => v + "%" } } },
      plugins: { tooltip: { callbacks: { label: (c) => c.dataset.label + ": " + (c.parsed.y == null ? "—" : c.parsed.y.toFixed(1) + "%") } } },
    },
  });
})();
