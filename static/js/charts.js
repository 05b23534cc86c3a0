/* Draws the analytics charts from the JSON that the page embeds with json_script.
   A drawn canvas gets data-rendered="true" (as in dashboard.js), which the browser test checks. */
(function () {
  "use strict";

  var PALETTE = ["#1f6feb", "#d9480f", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599",
                 "#e03131", "#5c7cfa", "#66a80f", "#868e96", "#c2255c"];

  function color(index, alpha) {
    var hex = PALETTE[index % PALETTE.length];
    if (alpha === undefined) return hex;
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var common = { responsive: true, maintainAspectRatio: false, animation: false };

    var perDay = document.getElementById("chart-per-day");
    if (perDay && data.perDay) {
      new window.Chart(perDay, {
        type: "line",
        data: {
          labels: data.perDay.labels,
          datasets: data.perDay.datasets.map(function (set, i) {
            return { label: set.label, data: set.data, borderColor: color(i), backgroundColor: color(i, 0.15),
                     tension: 0.25, pointRadius: 2, borderWidth: 2 };
          })
        },
        options: Object.assign({}, common, {
          interaction: { mode: "index", intersect: false },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
          plugins: { legend: { position: "bottom" } }
        })
      });
      perDay.setAttribute("data-rendered", "true");
    }

    var byIntent = document.getElementById("chart-by-intent");
    if (byIntent && data.byIntent) {
      new window.Chart(byIntent, {
        type: "bar",
        data: {
          labels: data.byIntent.labels,
          datasets: [{ label: data.byIntent.label, data: data.byIntent.data,
                       backgroundColor: color(0, 0.75), borderRadius: 3 }]
        },
        options: Object.assign({}, common, {
          indexAxis: "y",
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
          plugins: { legend: { display: false } }
        })
      });
      byIntent.setAttribute("data-rendered", "true");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
