// Draws the explorer page's groups as horizontal bars of their domestic share, from #explore-data: on
// load, and again each time htmx swaps in new results (sorting, paging, filtering without a reload).
(function () {
  function draw() {
    const el = document.getElementById("explore-data");
    const canvas = document.getElementById("explore-chart");
    if (!el || !canvas || !window.Chart) return;
    const d = JSON.parse(el.textContent);
    if (!d.labels || d.labels.length === 0) { canvas.parentElement.hidden = true; return; }
    canvas.parentElement.style.height = Math.max(160, d.labels.length * 22 + 40) + "px";
    new Chart(canvas, {
      type: "bar",
      data: { labels: d.labels, datasets: [{ label: d.label, data: d.shares, backgroundColor: "#0b6e99" }] },
      options: {
        indexAxis: "y", maintainAspectRatio: false,
        scales: { x: { min: 0, max: 100, ticks: { callback: (v) => v + "%" } } },
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => c.parsed.x.toFixed(1) + "%" } } },
      },
    });
  }
  draw();
  document.addEventListener("htmx:afterSettle", draw);
})();
