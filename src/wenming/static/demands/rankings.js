/* The rankings page's trend chart: each unit's monthly score, drawn with the locally served ECharts. */
(function () {
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    var el = document.getElementById("trend-data"), node = document.getElementById("trend-chart");
    if (!el || !node || !window.echarts) return;
    var data = JSON.parse(el.textContent);
    var narrow = window.innerWidth < 640;
    var selected = {};
    data.series.forEach(function (s) { selected[s.name] = data.shown.indexOf(s.unit_id) >= 0; });
    var chart = echarts.init(node);
    chart.setOption({
      color: ["#c8161d", "#1d4ed8", "#15803d", "#d89b2b", "#7c3aed", "#0891b2", "#be185d", "#4b5563"],
      tooltip: {
        trigger: "axis", confine: true,
        valueFormatter: function (v) { return v == null ? "—" : v.toFixed(1) + " 分"; }
      },
      legend: { type: "scroll", bottom: 0, selected: selected, textStyle: { fontSize: 12 } },
      grid: { left: 8, right: 16, top: 16, bottom: narrow ? 44 : 36, containLabel: true },
      xAxis: { type: "category", boundaryGap: false,
               data: data.months.map(function (m) { return m.slice(2).replace("-", "/"); }) },
      yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min / 10) * 10 - 10); }, max: 100,
               axisLabel: { formatter: "{value}" } },
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", data: s.scores, connectNulls: false, symbolSize: 6 };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
