/* The rankings page's trend chart: each unit's monthly score, drawn with the locally served ECharts.
   The legend lists the units drawn (red list solid, black list dashed); the select adds others. */
(function () {
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    var el = document.getElementById("trend-data"), node = document.getElementById("trend-chart");
    if (!el || !node || !window.echarts) return;
    var data = JSON.parse(el.textContent);
    var narrow = window.innerWidth < 640;
    var palette = ["#c8161d", "#1d4ed8", "#15803d", "#d89b2b", "#7c3aed", "#0891b2", "#be185d", "#4b5563",
                   "#ea580c", "#0d9488", "#65a30d", "#9333ea", "#db2777", "#2563eb", "#a16207"];
    var black = data.black || [];
    var byId = {};
    data.series.forEach(function (s) { byId[s.unit_id] = s; });
    var drawn = data.shown.filter(function (id) { return byId[id]; });
    var chart = echarts.init(node);

    function option() {
      var names = drawn.map(function (id) { return byId[id].name; });
      return {
        tooltip: { trigger: "axis", confine: true,
                   valueFormatter: function (v) { return v == null ? "—" : v.toFixed(1) + " 分"; } },
        legend: { type: "plain", bottom: 0, data: names, textStyle: { fontSize: 12 }, itemGap: 12 },
        grid: { left: 8, right: 16, top: 16, bottom: (narrow ? 26 : 22) * Math.ceil(names.length / (narrow ? 2 : 6)) + 14,
                containLabel: true },
        xAxis: { type: "category", boundaryGap: false,
                 data: data.months.map(function (m) { return m.slice(2).replace("-", "/"); }) },
        yAxis: { type: "value", max: 100 },
        series: drawn.map(function (id, i) {
          var s = byId[id], c = palette[i % palette.length];
          return { name: s.name, type: "line", data: s.scores, connectNulls: false, symbolSize: 6,
                   itemStyle: { color: c }, lineStyle: { color: c, type: black.indexOf(id) >= 0 ? "dashed" : "solid" } };
        })
      };
    }
    function draw() {
      var rows = Math.ceil(drawn.length / (narrow ? 2 : 6));
      node.style.height = (narrow ? 240 : 300) + rows * (narrow ? 26 : 22) + "px";
      chart.resize();
      chart.setOption(option(), true);
    }
    var pick = document.getElementById("trend-add");
    if (pick) {
      data.series.forEach(function (s) {
        var o = document.createElement("option");
        o.value = s.unit_id; o.textContent = s.name;
        pick.appendChild(o);
      });
      pick.addEventListener("change", function () {
        var id = parseInt(pick.value, 10);
        if (!id) return;
        var at = drawn.indexOf(id);
        if (at >= 0) drawn.splice(at, 1); else drawn.push(id);
        pick.value = "";
        draw();
      });
    }
    draw();
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
