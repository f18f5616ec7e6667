// Draws each chart of the page with plotly.js from the numbers the page carries beside it
// (<script type="application/json"> in the chart's <figure>). Without JavaScript the tables
// beside the charts still give every number.
(function () {
  "use strict";
  function draw() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (box) {
      var source = document.getElementById(box.getAttribute("data-chart"));
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      Plotly.newPlot(box, figure.data, figure.layout, {
        responsive: true, displaylogo: false, displayModeBar: false
      }).then(function () { box.setAttribute("data-drawn", "true"); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
