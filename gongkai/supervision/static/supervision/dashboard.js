// Charts of the supervision dashboard. Data comes from the json_script element "sv-data";
// every chart has a table view and a text summary in the page, so nothing depends on this.
(function () {
  "use strict";
  function start() {
    var source = document.getElementById("sv-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var heat = document.getElementById("sv-heatmap");
    if (heat && data.rows.length) {
      heat.style.height = Math.max(240, 28 * data.rows.length + 120) + "px";
      var chart = echarts.init(heat);
      chart.setOption({
        aria: { enabled: true },
        tooltip: {
          formatter: function (p) {
            return data.rows[p.value[1]] + "<br>" + data.columnNames[p.value[0]] + "：" +
              p.value[2].toFixed(1) + " 分";
          }
        },
        grid: { left: 110, right: 20, top: 10, bottom: 70 },
        xAxis: { type: "category", data: data.columns, axisLabel: { rotate: 60 } },
        yAxis: { type: "category", data: data.rows, inverse: true },
        visualMap: { min: 0, max: 100, orient: "horizontal", left: "center", bottom: 0,
                     calculable: true, inRange: { color: ["#b3261e", "#f2c744", "#2e7d32"] } },
        series: [{ type: "heatmap", data: data.values, progressive: 5000 }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    }
    var trend = document.getElementById("sv-trend");
    if (trend && data.trend.length) {
      var line = echarts.init(trend);
      line.setOption({
        aria: { enabled: true },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: data.trend.map(function (t) { return t.month + "月"; }) },
        yAxis: { type: "value", min: 0, max: 100, name: "按时率 %" },
        series: [{ type: "line", data: data.trend.map(function (t) { return t.rate; }) }]
      });
      window.addEventListener("resize", function () { line.resize(); });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();
