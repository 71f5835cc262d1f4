/* Dashboard map: plots (coloured polygons, or centroids at programme scale) or a municipality choropleth.
 *
 * Markup: <div data-dashboard-map="ID"> with the layer in <script id="ID" type="application/json">:
 * {mode: "plots"|"municipalities", features: FeatureCollection whose properties carry `color`, `name`,
 *  `value`, `unit` (plots also `system`, `lat`, `lon`, `url`; grid cells `count` instead of `url`),
 *  polygons: bool, grid: cell size in degrees or null}. Plain background (works
 * offline). The panel is swapped by htmx when a filter changes: maps are drawn again on htmx:afterSettle.
 */
(function () {
  "use strict";
  var POLYGON_ZOOM = 14;  // below it plots are drawn as dots (a 1-ha polygon is a few pixels wide)
  var FALLBACK = [[14.5, -94.2], [17.9, -90.3]];  // Chiapas

  function esc(text) {
    var d = document.createElement("div");
    d.textContent = text == null ? "" : String(text);
    return d.innerHTML;
  }
  function label(p) {
    var parts = ["<strong>" + esc(p.name) + "</strong>"];
    if (p.system) { parts.push(esc(p.system)); }
    if (p.value != null) { parts.push(esc(p.display || p.value) + " " + esc(p.unit || "")); }
    if (p.url) { parts.push('<a href="' + encodeURI(p.url) + '">' + esc(document.documentElement.lang === "en" ? "Open" : "Abrir") + "</a>"); }
    return parts.join("<br>");
  }
  function draw(el) {
    if (typeof L === "undefined" || el.getAttribute("data-drawn")) { return; }
    var holder = document.getElementById(el.getAttribute("data-dashboard-map"));
    if (!holder) { return; }
    var data = JSON.parse(holder.textContent);
    el.setAttribute("data-drawn", "1");
    var map = L.map(el, { zoomSnap: 0.5, preferCanvas: true });
    L.control.scale({ imperial: false }).addTo(map);
    var fc = data.features || { type: "FeatureCollection", features: [] };
    var bounds = null;
    if (data.mode === "municipalities") {
      var munis = L.geoJSON(fc, {
        style: function (f) { return { color: "#555", weight: 1, fillColor: f.properties.color, fillOpacity: 0.75 }; },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          layer.bindTooltip("<strong>" + esc(p.name) + "</strong><br>" + esc(p.display) + " " + esc(p.unit));
        }
      }).addTo(map);
      if (munis.getLayers().length) { bounds = munis.getBounds(); }
    } else {
      var shapes = L.geoJSON(fc, {
        filter: function (f) { return f.geometry && f.geometry.type !== "Point"; },
        style: function (f) { return { color: "#333", weight: 1, fillColor: f.properties.color, fillOpacity: 0.8 }; },
        onEachFeature: function (f, layer) { layer.bindPopup(label(f.properties)); }
      });
      var dots = L.layerGroup();
      fc.features.forEach(function (f) {
        var p = f.properties;
        if (p.lat == null || p.lon == null) { return; }
        var radius = p.count ? Math.min(16, 4 + 2 * Math.log(p.count) / Math.LN2) : 5;  // grid cells: by count
        L.circleMarker([p.lat, p.lon], { radius: radius, color: "#333", weight: 1, fillColor: p.color, fillOpacity: 0.9 })
          .bindPopup(label(p)).addTo(dots);
      });
      var sync = function () {
        var near = map.getZoom() >= POLYGON_ZOOM && shapes.getLayers().length;
        if (near) { map.removeLayer(dots); shapes.addTo(map); } else { map.removeLayer(shapes); dots.addTo(map); }
      };
      map.on("zoomend", sync);
      var all = L.featureGroup(dots.getLayers());
      if (all.getLayers().length) { bounds = all.getBounds(); }
      if (bounds) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 }); } else { map.fitBounds(FALLBACK); }
      sync();
      return;
    }
    if (bounds) { map.fitBounds(bounds, { padding: [10, 10] }); } else { map.fitBounds(FALLBACK); }
  }
  function drawAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("[data-dashboard-map]"), draw);
  }
  document.addEventListener("htmx:afterSettle", function (e) { drawAll(e.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
})();
