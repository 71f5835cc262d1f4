/* Render the Vega-Lite specs of the economics pages with the vendored vega-embed.
 *
 * A chart is a <div data-vega-spec="ID"> whose spec is in <script id="ID" type="application/json">
 * (Django's json_script). The vega libraries are loaded once, in order, on first use; panels swapped in by
 * htmx (hx-get ...?partial=1) are rendered on htmx:afterSettle. Without JavaScript the <noscript> tables show.
 */
(function () {
  "use strict";
  if (window.miafCharts) { window.miafCharts.render(document); return; }
  var me = document.currentScript;
  var libs = me && me.dataset.libs ? JSON.parse(me.dataset.libs) : [];
  var loading = null;
  var numberLocale = { decimal: ".", thousands: ",", grouping: [3], currency: ["$", ""] };

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src; s.async = false; s.onload = resolve;
      s.onerror = function () { reject(new Error("no se pudo cargar " + src)); };
      document.head.appendChild(s);
    });
  }
  function load() {
    if (window.vegaEmbed) { return Promise.resolve(); }
    if (!loading) {
      loading = libs.reduce(function (p, src) { return p.then(function () { return loadScript(src); }); },
                            Promise.resolve());
    }
    return loading;
  }
  function render(root) {
    var nodes = Array.prototype.slice.call((root || document).querySelectorAll("[data-vega-spec]:not([data-rendered])"));
    if (!nodes.length) { return; }
    nodes.forEach(function (el) { el.setAttribute("data-rendered", "pending"); });
    load().then(function () {
      nodes.forEach(function (el) {
        var holder = document.getElementById(el.getAttribute("data-vega-spec"));
        if (!holder) { return; }
        var spec = JSON.parse(holder.textContent);
        window.vegaEmbed(el, spec, {
          renderer: "svg", formatLocale: numberLocale,
          actions: { export: true, source: false, compiled: false, editor: false }
        }).then(function () { el.setAttribute("data-rendered", "1"); })
          .catch(function (err) { el.textContent = String(err); });
      });
    }).catch(function (err) {
      nodes.forEach(function (el) { el.textContent = String(err); });
    });
  }
  window.miafCharts = { render: render };
  document.addEventListener("htmx:afterSettle", function (e) { render(e.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { render(document); });
  } else {
    render(document);
  }
})();
