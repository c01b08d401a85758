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
    // A name longer than a narrow screen leaves room for it is cut, whole in the tooltip.
    const room = Math.max(12, Math.floor(canvas.parentElement.clientWidth / 16));
    const short = (s) => (s.length > room ? s.slice(0, room - 1) + "…" : s);
    new Chart(canvas, {
      type: "bar",
      data: { labels: d.labels, datasets: [{ label: d.label, data: d.shares, backgroundColor: "#0b6e99" }] },
      options: {
        indexAxis: "y", maintainAspectRatio: false,
        scales: {
          x: { min: 0, max: 100, ticks: { callback: (v) => v + "%" } },
          y: { ticks: { callback: (v) => short(d.labels[v]) } },
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: (items) => d.labels[items[0].dataIndex], label: (c) => c.parsed.x.toFixed(1) + "%" } },
        },
      },
    });
  }
  draw();
  document.addEventListener("htmx:afterSettle", draw);
})();
