/* MIAF-D designer map: the plot, crop strips (maize / bean this year), tree rows with their numbers and
 * trees as small circles, from the design's GeoJSON layout (every feature has properties.kind = plot,
 * tree_row, tree or crop_strip). Works offline (plain background) and re-runs after each htmx preview.
 *
 * Markup: <div data-miaf-design-map="ID-of-json_script" data-label-row="Hilera" …>
 * JSON: {"plots": FeatureCollection of the plot, "layout": FeatureCollection of the design}
 */
(function () {
  "use strict";

  var STRIP_COLOUR = { maiz: "#f3d76b", frijol: "#c9a27e" };
  var PLOT_STYLE = { color: "#222", weight: 2, fill: false };
  var ROW_STYLE = { color: "#2e7d32", weight: 2.5 };
  var TREE_STYLE = { radius: 2, color: "#1b5e20", weight: 0, fillColor: "#1b5e20", fillOpacity: 0.9 };

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function text(value) {
    var div = document.createElement("div");
    div.textContent = value == null ? "" : String(value);
    return div.innerHTML;
  }

  function ofKind(fc, kind) {
    var feats = (fc && fc.features) || [];
    return { type: "FeatureCollection", features: feats.filter(function (f) {
      return f.properties && f.properties.kind === kind;
    }) };
  }

  function draw(el) {
    if (el._miafMap) { el._miafMap.remove(); }
    var data = readJSON(el.dataset.miafDesignMap) || {};
    var layout = data.layout || { features: [] };
    var renderer = L.canvas({ padding: 0.2 });
    var map = L.map(el, { zoomSnap: 0.5, preferCanvas: true });
    el._miafMap = map;
    L.control.scale({ imperial: false }).addTo(map);
    var crop = { maiz: el.dataset.labelMaize || "maíz", frijol: el.dataset.labelBean || "frijol" };

    L.geoJSON(ofKind(layout, "crop_strip"), {
      style: function (f) {
        var c = STRIP_COLOUR[f.properties.crop_this_year] || "#ddd";
        return { color: c, weight: 0, fillColor: c, fillOpacity: 0.75 };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip(text(crop[p.crop_this_year] || p.crop_this_year) + " · " +
                          text(Math.round(p.area_m2)) + " m²");
      }
    }).addTo(map);
    var outline = L.geoJSON(ofKind(layout, "plot").features.length ? ofKind(layout, "plot") : data.plots,
                            { style: PLOT_STYLE, interactive: false }).addTo(map);
    L.geoJSON(ofKind(layout, "tree_row"), {
      style: function (f) { return f.properties.partial ? L.extend({ dashArray: "6 4" }, ROW_STYLE) : ROW_STYLE; },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        var label = (el.dataset.labelRow || "Hilera") + " " + p.row_number;
        layer.bindTooltip(text(label) + " · " + text(p.n_trees) + " · " + text(p.species));
        var coords = f.geometry.type === "MultiLineString" ? f.geometry.coordinates[0] : f.geometry.coordinates;
        var west = coords.reduce(function (a, b) { return b[0] < a[0] ? b : a; }, coords[0]);
        L.tooltip({ permanent: true, direction: "left", className: "row-label", interactive: false })
          .setLatLng([west[1], west[0]]).setContent(text(p.row_number)).addTo(map);
      }
    }).addTo(map);
    L.geoJSON(ofKind(layout, "tree"), {
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, L.extend({ renderer: renderer }, TREE_STYLE));
      },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(text(f.properties.label) + " · " + text(f.properties.species));
      }
    }).addTo(map);
    if (outline.getLayers().length) {
      map.fitBounds(outline.getBounds(), { padding: [20, 20], maxZoom: 19 });
    } else {
      map.fitWorld();
    }
  }

  function init(root) {
    if (typeof L === "undefined") { return; }
    var scope = root && root.querySelectorAll ? root : document;
    var nodes = scope.querySelectorAll("[data-miaf-design-map]");
    if (scope.matches && scope.matches("[data-miaf-design-map]")) { nodes = [scope]; }
    Array.prototype.forEach.call(nodes, draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  // htmx swaps in a new preview: draw its map.
  document.addEventListener("htmx:afterSwap", function (e) { init(e.detail && e.detail.target); });
})();
