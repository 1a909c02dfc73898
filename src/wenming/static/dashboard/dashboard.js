/* Draws the dashboard charts from the JSON embedded in the page (same data as /api/v1/dashboard/). */
(function () {
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    var period = document.getElementById("period");
    if (period) {
      var custom = document.querySelector(".dash-custom");
      var sync = function () { custom.style.display = period.value === "custom" ? "" : "none"; };
      period.addEventListener("change", sync); sync();
    }
    var el = document.getElementById("dash-data");
    if (!el || !window.echarts) return;
    var data = JSON.parse(el.textContent);
    // A tooltip formatter's string is HTML: names (stations, regions) are the districts' own
    // text and are escaped, like everything else ECharts shows by default.
    var esc = function (v) { return echarts.format.encodeHTML(String(v)); };
    var wall = document.body.classList.contains("wall");
    var theme = wall ? "dark" : null;
    var text = wall ? "#e6edf7" : "#333";
    var base = { backgroundColor: "transparent", textStyle: { fontSize: wall ? 16 : 12 }, animation: !wall };
    var charts = [];
    var narrow = window.innerWidth < 600;
    var axisFont = { fontSize: wall ? 15 : 12 };
    function chart(id, option) {
      var node = document.getElementById(id);
      if (!node) return;
      var c = echarts.init(node, theme);
      ["xAxis", "yAxis"].forEach(function (k) {
        if (option[k]) option[k].axisLabel = Object.assign({}, axisFont, option[k].axisLabel || {});
      });
      if (option.legend) option.legend.textStyle = Object.assign({ fontSize: wall ? 16 : 12 }, option.legend.textStyle);
      c.setOption(Object.assign({}, base, option));
      charts.push(c);
    }
    var t = data.trends, months = t.months.map(function (m) { return m.slice(2).replace("-", "/"); });
    if (data.department) {  // a department's view: one trend chart
      chart("chart-dept-trend", {
        tooltip: { trigger: "axis" }, legend: { top: 0, textStyle: { color: text } },
        grid: { left: 40, right: 16, top: narrow ? 58 : 40, bottom: 28, containLabel: wall },
        xAxis: { type: "category", data: months }, yAxis: { type: "value", minInterval: 1 },
        series: Object.keys(t.names).map(function (k) { return { name: t.names[k], type: "line", data: t.series[k] }; })
      });
      window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
      return;
    }
    var counts = ["orders_placed", "orders_solved", "demands_collected", "demands_resolved"];
    chart("chart-trend", {
      tooltip: { trigger: "axis" }, legend: { top: 0, textStyle: { color: text } },
      grid: { left: 40, right: 16, top: narrow ? 58 : 40, bottom: 28, containLabel: wall },
      xAxis: { type: "category", data: months }, yAxis: { type: "value", minInterval: 1 },
      series: counts.map(function (k) { return { name: t.names[k], type: "line", data: t.series[k] }; })
    });
    chart("chart-hours", {
      tooltip: { trigger: "axis" }, grid: { left: 48, right: 16, top: 16, bottom: 28 },
      xAxis: { type: "category", data: months }, yAxis: { type: "value" },
      series: [{ name: t.names.service_hours, type: "bar", data: t.series.service_hours, itemStyle: { color: "#c0392b" } }]
    });
    function bars(id, rows, color) {
      rows = rows.slice(0, 10).reverse();
      chart(id, {
        tooltip: {}, grid: { left: 8, right: 36, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
        series: [{ type: "bar", data: rows.map(function (r) { return r.count; }), itemStyle: { color: color },
                   label: { show: true, position: "right", color: text } }]
      });
    }
    bars("chart-order-cat", data.categories.orders, "#d35400");
    bars("chart-demand-cat", data.categories.demands, "#2e86c1");
    var pts = data.map.stations;
    var kinds = { station: "实践站", institute: "实践所", center: "实践中心" };  // centre drawn last, on top
    chart("chart-map", {
      tooltip: { formatter: function (p) { return esc(p.data.name) + "<br>在办订单 " + esc(p.data.value[2]); } },
      legend: { top: 0, right: 0, data: Object.keys(kinds).map(function (k) { return kinds[k]; }).concat(["在办诉求"]),
                textStyle: { color: text } },
      grid: { left: 48, right: 16, top: 32, bottom: 28 },
      xAxis: { type: "value", scale: true, name: "经度", axisLabel: { formatter: function (v) { return v.toFixed(2); } } },
      yAxis: { type: "value", scale: true, name: "纬度", axisLabel: { formatter: function (v) { return v.toFixed(2); } } },
      series: (data.map.outlines || []).map(function (o) {
        // each child region's outline, closed, under the stations; silent so tooltips stay on the points
        return { type: "line", silent: true, symbol: "none", z: 1, data: o.points.concat([o.points[0]]),
                 lineStyle: { width: 1, type: "dashed", color: "#8aa1b1" }, areaStyle: { opacity: 0.06 },
                 tooltip: { show: false },
                 endLabel: { show: false } };
      }).concat(Object.keys(kinds).map(function (k) {
        return { name: kinds[k], type: "scatter", z: 3,
                 symbolSize: function (v) { return (k === "center" ? 18 : k === "institute" ? 12 : 7) + Math.min(v[2], 20); },
                 data: pts.filter(function (p) { return p.kind === k; }).map(function (p) {
                   return { name: p.name, value: [p.lon, p.lat, p.open_orders] }; }) };
      })).concat([{ type: "scatter", silent: true, z: 2, symbolSize: 0, tooltip: { show: false },
                    // each region's name at the middle of its (first) outline
                    label: { show: true, formatter: "{b}", color: "#7b8a97", fontSize: 11 },
                    data: (data.map.outlines || []).filter(function (o, i, all) {
                      return all.findIndex(function (x) { return x.name === o.name; }) === i;
                    }).map(function (o) {
                      var ring = o.points.slice(0, o.points.length > 3 ? -1 : undefined), lon = 0, lat = 0;
                      ring.forEach(function (p) { lon += p[0]; lat += p[1]; });
                      return { name: o.name, value: [lon / ring.length, lat / ring.length, 0] };
                    }) },
                  { name: "在办诉求", type: "effectScatter", z: 4, rippleEffect: { scale: 2.5 },
                    itemStyle: { color: "#c0392b" },
                    symbolSize: function (v) { return 5 + Math.min(v[2], 15); },
                    tooltip: { formatter: function (p) { return esc(p.data.name) + "<br>在办诉求 " + esc(p.data.value[2]); } },
                    data: (data.map.demands || []).map(function (d) {
                      return { name: d.name, value: [d.lon, d.lat, d.open_demands] }; }) }])
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
