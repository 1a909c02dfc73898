/* The pages' small behaviours, declared in the markup with data- attributes, so that no page
   needs an inline script or event handler (the Content-Security-Policy allows scripts from
   /static/ only).

   data-confirm="…"           on a form or a button: ask before submitting
   data-autosubmit            on a select: submit its form when changed
   data-query-param="org"     on a select: reload the page with ?org=<value>
   data-print                 on a button: print the page
   data-file-count="张"       on a file input: "已选 N 张" in the element after it
   data-fill-all="#src" data-fill-targets=".hours-table input"
                              on a button: copy the source's value into every target
   data-hint="#unit-hint" data-hint-prefix="建议责任单位："
                              on a select: show the chosen option's data-unit after the prefix
   data-scroll-into-view      scroll the element into view on load
   data-nearest="#select" data-msg="#msg"
                              on a button: select the option (with data-lat/data-lng) nearest the device
   data-locate="auto|button|submit" data-lat="#lat" data-lng="#lng" data-msg="#loc"
                              fill latitude/longitude from the device: on load, on a click of
                              this button, or before this form submits
*/
(function () {
  function $(sel) { return sel ? document.querySelector(sel) : null; }
  function each(sel, fn) { Array.prototype.forEach.call(document.querySelectorAll(sel), fn); }
  function say(el, text) { if (el && text) el.textContent = text; }

  function locate(el, done) {
    var lat = $(el.dataset.lat), lng = $(el.dataset.lng), msg = $(el.dataset.msg);
    if (!navigator.geolocation) { say(msg, el.dataset.none || "此设备无法定位"); if (done) done(); return; }
    say(msg, el.dataset.busy);
    navigator.geolocation.getCurrentPosition(function (p) {
      if (lat) lat.value = p.coords.latitude.toFixed(6);
      if (lng) lng.value = p.coords.longitude.toFixed(6);
      say(msg, (el.dataset.ok || "已定位").replace("{lat}", p.coords.latitude.toFixed(5))
        .replace("{lng}", p.coords.longitude.toFixed(5)));
      if (done) done();
    }, function () { say(msg, el.dataset.fail); if (done) done(); }, { timeout: 8000 });
  }

  function nearest(button) {
    var select = $(button.dataset.nearest), msg = $(button.dataset.msg);
    if (!select || !navigator.geolocation) { say(msg, "此设备无法定位，请在列表中选择"); return; }
    say(msg, "正在定位…");
    navigator.geolocation.getCurrentPosition(function (p) {
      var best = null, bestD = Infinity, lat = p.coords.latitude, lng = p.coords.longitude;
      Array.prototype.forEach.call(select.options, function (o) {
        if (!o.dataset.lat) return;
        var dy = parseFloat(o.dataset.lat) - lat, dx = (parseFloat(o.dataset.lng) - lng) * Math.cos(lat * Math.PI / 180);
        var d = dx * dx + dy * dy;
        if (d < bestD) { bestD = d; best = o; }
      });
      if (!best) { say(msg, "没有可比较的站点位置，请在列表中选择"); return; }
      select.value = best.value;
      say(msg, "已选最近的站：" + best.textContent + "（约 " + (Math.sqrt(bestD) * 111).toFixed(1) + " 公里）");
    }, function () { say(msg, "定位失败，请在列表中选择"); }, { timeout: 8000 });
  }

  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-nearest]");
    if (b) { e.preventDefault(); nearest(b); }
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { e.preventDefault(); return; }
    if (form.dataset.locate === "submit" && !form.dataset.located) {
      e.preventDefault();
      locate(form, function () { form.dataset.located = "1"; form.submit(); });
    }
  });

  document.addEventListener("click", function (e) {
    var el = e.target.closest ? e.target.closest("[data-confirm],[data-print],[data-fill-all],[data-locate=button]") : null;
    if (!el || el.tagName === "FORM") return;
    if (el.dataset.confirm && !window.confirm(el.dataset.confirm)) { e.preventDefault(); return; }
    if (el.hasAttribute("data-print")) window.print();
    if (el.dataset.fillAll) {
      var value = ($(el.dataset.fillAll) || {}).value;
      each(el.dataset.fillTargets, function (input) { input.value = value; });
    }
    if (el.dataset.locate === "button") locate(el);
  });

  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
    if (el.dataset.queryParam) {
      location.search = el.value ? "?" + el.dataset.queryParam + "=" + encodeURIComponent(el.value) : "";
    }
    if (el.dataset.fileCount !== undefined) {
      var label = el.nextElementSibling;
      if (label) {
        if (label.dataset.empty === undefined) label.dataset.empty = label.textContent;
        label.textContent = el.files.length ? "已选 " + el.files.length + " " + el.dataset.fileCount : label.dataset.empty;
      }
    }
    if (el.dataset.hint) {
      var option = el.selectedOptions && el.selectedOptions[0];
      say($(el.dataset.hint), option && option.dataset.unit ? (el.dataset.hintPrefix || "") + option.dataset.unit : " ");
    }
  });

  function ready() {
    each("[data-scroll-into-view]", function (el) { el.scrollIntoView({ block: "nearest", inline: "end" }); });
    each("[data-locate=auto]", function (el) { locate(el); });
  }
  if (document.readyState !== "loading") ready(); else document.addEventListener("DOMContentLoaded", ready);
})();
