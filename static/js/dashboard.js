/* Draws every chart of a dashboard from the JSON the page embeds (id "dashboard-charts").
   Each canvas names its chart with data-chart; once drawn it gets data-rendered="true". */
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

  function merge(target, source) {
    Object.keys(source || {}).forEach(function (key) {
      var value = source[key];
      if (value && typeof value === "object" && !Array.isArray(value)) {
        target[key] = merge(target[key] && typeof target[key] === "object" ? target[key] : {}, value);
      } else {
        target[key] = value;
      }
    });
    return target;
  }

  function percentTicks(value) { return Math.round(value * 1000) / 10 + " %"; }

  function config(spec) {
    var kind = spec.kind;
    var type = { "stacked-bar": "bar", "horizontal-bar": "bar" }[kind] || kind;
    var round = type === "doughnut" || type === "pie";
    var datasets = spec.datasets.map(function (set, i) {
      var base = round
        ? { backgroundColor: set.data.map(function (_, j) { return color(j, 0.8); }) }
        : { borderColor: color(i), backgroundColor: color(i, type === "line" ? 0.15 : 0.75),
            borderWidth: 2, pointRadius: spec.labels.length > 60 ? 0 : 2, tension: 0.25 };
      return merge(base, set);
    });
    var options = { responsive: true, maintainAspectRatio: false, animation: false,
                    plugins: { legend: { position: "bottom", display: round || datasets.length > 1 } } };
    if (!round) {
      var valueAxis = { beginAtZero: true, ticks: {} };
      if (spec.percent) valueAxis.ticks.callback = percentTicks;
      if (spec.yLabel) valueAxis.title = { display: true, text: spec.yLabel };
      var categoryAxis = { stacked: kind === "stacked-bar" };
      if (kind === "stacked-bar") valueAxis.stacked = true;
      if (kind === "horizontal-bar") {
        options.indexAxis = "y";
        options.scales = { x: valueAxis, y: categoryAxis };
      } else {
        options.scales = { x: categoryAxis, y: valueAxis };
      }
      options.interaction = { mode: "index", intersect: false };
      if (spec.percent) {
        options.plugins.tooltip = { callbacks: { label: function (item) {
          return item.dataset.label + ": " + (item.raw === null ? "—" : percentTicks(item.raw));
        } } };
      }
    }
    return { type: type, data: { labels: spec.labels, datasets: datasets }, options: merge(options, spec.options) };
  }

  function draw() {
    var source = document.getElementById("dashboard-charts");
    if (!source || typeof window.Chart === "undefined") return;
    JSON.parse(source.textContent).forEach(function (spec) {
      var canvas = document.querySelector('canvas[data-chart="' + spec.key + '"]');
      if (!canvas) return;
      new window.Chart(canvas, config(spec));
      canvas.setAttribute("data-rendered", "true");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
