/* Render the Vega-Lite specs of the economics pages with the vendored vega-embed.
 *
 * A chart is a <div data-vega-spec="ID"> whose spec is in <script id="ID" type="application/json">
 * (Django's json_script). The vega libraries are loaded once, in order, when the first chart comes near the
 * screen; panels swapped in by htmx (hx-get ...?partial=1) are rendered on htmx:afterSettle; a chart whose box
 * has no width yet waits for one. Without JavaScript the <noscript> tables show.
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
  var english = (document.documentElement.lang || "es").slice(0, 2) === "en";
  var i18n = english ? {
    CLICK_TO_VIEW_ACTIONS: "Chart menu: save as image", PNG_ACTION: "Save as PNG", SVG_ACTION: "Save as SVG",
    COMPILED_ACTION: "View compiled Vega", EDITOR_ACTION: "Open in the Vega editor", SOURCE_ACTION: "View source"
  } : {
    CLICK_TO_VIEW_ACTIONS: "Menú del gráfico: guardar como imagen", PNG_ACTION: "Guardar como PNG",
    SVG_ACTION: "Guardar como SVG", COMPILED_ACTION: "Ver Vega compilado", EDITOR_ACTION: "Abrir en el editor de Vega",
    SOURCE_ACTION: "Ver la especificación"
  };
  // A chart's box may have no width yet (a panel swapped in by htmx, a closed <details>, a hidden tab):
  // Vega-Lite's width "container" would then draw it 0 px wide. Such charts wait until their box has a
  // width; drawn charts follow their box when it changes (phone rotation, a sidebar opening).
  var waiting = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.contentRect.width > 0) { waiting.unobserve(entry.target); draw(entry.target); }
    });
  }) : null;
  var resizeQueued = false;
  var drawn = window.ResizeObserver ? new ResizeObserver(function () {
    if (resizeQueued) { return; }
    resizeQueued = true;
    window.requestAnimationFrame(function () { resizeQueued = false; window.dispatchEvent(new Event("resize")); });
  }) : null;

  function accessible(el) {
    // The chart box is a figure named by its aria-label (a role="img" box may not hold the actions menu).
    if (el.getAttribute("role") === "img") { el.setAttribute("role", "figure"); }
    el.querySelectorAll("details > summary").forEach(function (s) {
      s.setAttribute("aria-label", i18n.CLICK_TO_VIEW_ACTIONS);
      s.parentNode.setAttribute("title", i18n.CLICK_TO_VIEW_ACTIONS);
    });
  }
  function draw(el) {
    var holder = document.getElementById(el.getAttribute("data-vega-spec"));
    if (!holder) { return; }
    var spec = JSON.parse(holder.textContent);
    // The whole chart (axes and legend included) fits its box; on a phone the legend goes below the plot.
    if (!spec.autosize) { spec.autosize = { type: "fit", contains: "padding" }; }
    // Marks and axes stay out of the accessibility tree: the chart box is a figure named by its aria-label
    // (and the tables beside or under each chart hold the numbers).
    spec.config = spec.config || {};
    if (spec.config.aria === undefined) { spec.config.aria = false; }
    spec.config.mark = Object.assign({ aria: false }, spec.config.mark || {});
    if (el.getBoundingClientRect().width < 560) {
      spec.config = spec.config || {};
      spec.config.legend = Object.assign({ orient: "bottom", direction: "horizontal", columns: 2 }, spec.config.legend || {});
    }
    window.vegaEmbed(el, spec, {
      renderer: "svg", formatLocale: numberLocale, i18n: i18n,
      actions: { export: true, source: false, compiled: false, editor: false }
    }).then(function () {
      el.setAttribute("data-rendered", "1");
      accessible(el);
      if (drawn) { drawn.observe(el); }
    }).catch(function (err) { el.textContent = String(err); });
  }
  function start(el) {
    // The Vega libraries (about 240 KB compressed) are fetched only when a chart is about to be seen, so a page
    // is usable on a slow connection before they arrive.
    load().then(function () {
      if (waiting && el.getBoundingClientRect().width === 0) { waiting.observe(el); } else { draw(el); }
    }).catch(function (err) { el.textContent = String(err); });
  }
  var nearby = window.IntersectionObserver ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { nearby.unobserve(entry.target); start(entry.target); }
    });
  }, { rootMargin: "300px 0px" }) : null;
  function render(root) {
    var nodes = Array.prototype.slice.call((root || document).querySelectorAll("[data-vega-spec]:not([data-rendered])"));
    nodes.forEach(function (el) {
      el.setAttribute("data-rendered", "pending");
      if (nearby) { nearby.observe(el); } else { start(el); }
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
