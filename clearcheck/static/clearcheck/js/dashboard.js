/* Dashboard charts: each [data-chart] element names a json_script holding its chart spec (built by
   clearcheck/supervision/dashboards); ECharts is vendored. The table under each chart holds the same data. */
(function () {
  "use strict";
  function option(spec) {
    var base = { tooltip: { trigger: "axis" }, grid: { left: 48, right: 16, top: 40, bottom: 40, containLabel: true },
                 legend: { type: "scroll", top: 0 } };
    if (spec.type === "stacked") {
      base.xAxis = { type: "category", data: spec.x };
      base.yAxis = { type: "value", minInterval: 1 };
      base.series = spec.series.map(function (s) { return { name: s.name, type: "bar", stack: "total", data: s.data }; });
    } else if (spec.type === "bars") {
      base.xAxis = { type: "category", data: spec.x };
      base.yAxis = { type: "value", axisLabel: { formatter: "{value}" + (spec.unit || "") } };
      base.series = [{ type: "bar", data: spec.data, label: { show: true, position: "top" } }];
      delete base.legend;
    } else if (spec.type === "hbars") {
      base.yAxis = { type: "category", data: spec.y.slice().reverse(), axisLabel: { width: 110, overflow: "truncate" } };
      base.xAxis = { type: "value", minInterval: 1 };
      base.series = spec.series.map(function (s) { return { name: s.name, type: "bar", data: s.data.slice().reverse() }; });
    } else if (spec.type === "lines") {
      base.xAxis = { type: "category", data: spec.x };
      base.yAxis = { type: "value" };
      base.series = spec.series.map(function (s) { return { name: s.name, type: "line", smooth: true, data: s.data }; });
    } else if (spec.type === "pie") {
      base = { tooltip: { trigger: "item" }, legend: { type: "scroll", bottom: 0 },
               series: [{ type: "pie", radius: ["35%", "65%"], data: spec.data }] };
    } else if (spec.type === "gauge") {
      base = { series: [{ type: "gauge", min: 0, max: 100, detail: { formatter: "{value}%" },
                          data: [{ value: spec.value, name: spec.name }] }] };
    }
    return base;
  }
  function draw() {
    if (!window.echarts) { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(JSON.parse(source.textContent)));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
