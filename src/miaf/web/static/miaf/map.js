/* miaf maps: plot polygons on a plain background (works offline), an optional OpenStreetMap layer,
 * the municipality boundary for context, and (on plot forms) a Geoman polygon editor that writes the
 * drawn boundary as GeoJSON into a form field.
 *
 * Markup: <div data-miaf-map="ID-of-json_script" [data-miaf-editor="ID-of-field"] data-label-*="…">
 * JSON: {"plots": FeatureCollection, "neighbours": FeatureCollection (other plots of the family, read-only),
 *        "context": municipality GeoJSON geometry or null, "center": [lat, lon] of the locality or null,
 *        "fallback": [[lat, lon], [lat, lon]] (Mexico)}
 */
(function () {
  "use strict";

  var PLOT_STYLE = { color: "#2f6b3a", weight: 2, fillColor: "#6fae5a", fillOpacity: 0.35 };
  var CONTEXT_STYLE = { color: "#777", weight: 1, dashArray: "4 4", fill: false, interactive: false };
  var NEIGHBOUR_STYLE = { color: "#8a6d3b", weight: 1, fillColor: "#d9c9a3", fillOpacity: 0.3 };
  // Zoom at which a locality's point shows a few hectares around it (when nothing else can frame the map).
  var LOCALITY_ZOOM = 15;
  var OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function hasFeatures(fc) {
    return fc && fc.features && fc.features.length > 0;
  }

  function escapeHTML(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function notice(el, text) {
    if (!text || el.parentNode.querySelector(".map-notice")) { return; }
    var p = document.createElement("p");
    p.className = "map-notice";
    p.textContent = text;
    el.parentNode.insertBefore(p, el.nextSibling);
  }

  function baseMap(el, data) {
    var map = L.map(el, { zoomSnap: 0.5 });
    var plain = L.layerGroup().addTo(map);
    var osm = L.tileLayer(OSM_URL, {
      maxZoom: 19,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    });
    // Tiles are optional: without a network the map keeps its plain background and says so once.
    osm.on("tileerror", function () { notice(el, el.dataset.labelOffline); });
    var bases = {};
    bases[el.dataset.labelPlain || "—"] = plain;
    bases[el.dataset.labelOsm || "OpenStreetMap"] = osm;
    L.control.layers(bases, null, { collapsed: true }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);

    var context = null;
    if (data.context) {
      context = L.geoJSON(data.context, { style: CONTEXT_STYLE }).addTo(map);
    }
    var neighbours = null;
    if (hasFeatures(data.neighbours)) {
      neighbours = L.geoJSON(data.neighbours, {
        style: NEIGHBOUR_STYLE,
        pmIgnore: true,
        onEachFeature: function (feature, layer) {
          var p = feature.properties || {};
          if (p.name) { layer.bindTooltip(escapeHTML(p.name)); }
        }
      }).addTo(map);
    }
    return { map: map, context: context, neighbours: neighbours, data: data };
  }

  function fit(base, layer) {
    var map = base.map, data = base.data;
    var candidates = [layer, base.neighbours];
    for (var i = 0; i < candidates.length; i++) {
      if (candidates[i] && candidates[i].getLayers().length) {
        map.fitBounds(candidates[i].getBounds(), { padding: [20, 20], maxZoom: 18 });
        return;
      }
    }
    if (data.center) {
      map.setView(data.center, LOCALITY_ZOOM);
    } else if (base.context && base.context.getLayers().length) {
      map.fitBounds(base.context.getBounds());
    } else if (data.fallback) {
      map.fitBounds(data.fallback);
    } else {
      map.fitWorld();
    }
  }

  function viewer(el, data) {
    var base = baseMap(el, data);
    var plots = L.geoJSON(data.plots || null, {
      style: PLOT_STYLE,
      onEachFeature: function (feature, layer) {
        var p = feature.properties || {};
        if (p.url) {
          layer.bindPopup('<a href="' + encodeURI(p.url) + '">' + escapeHTML(p.name) + "</a>");
        } else if (p.name) {
          layer.bindTooltip(escapeHTML(p.name));
        }
      }
    }).addTo(base.map);
    fit(base, plots);
  }

  function editor(el, data, field) {
    var base = baseMap(el, data);
    var map = base.map;
    var current = null;
    var drawn = L.featureGroup().addTo(map);

    function write() {
      field.value = current ? JSON.stringify(current.toGeoJSON().geometry) : "";
    }
    function adopt(layer) {
      if (current && current !== layer) { drawn.removeLayer(current); }
      current = layer;
      current.setStyle && current.setStyle(PLOT_STYLE);
      drawn.addLayer(current);
      current.on("pm:edit pm:dragend pm:rotateend", write);
      write();
    }
    function loadFromField() {
      var geometry = null;
      try { geometry = JSON.parse(field.value); } catch (e) { return false; }
      var layers = L.geoJSON(geometry).getLayers();
      if (!layers.length) { return false; }
      if (current) { drawn.removeLayer(current); current = null; }
      current = layers[0];
      current.setStyle(PLOT_STYLE);
      drawn.addLayer(current);
      current.on("pm:edit pm:dragend pm:rotateend", write);
      return true;
    }

    if (!(field.value && loadFromField()) && hasFeatures(data.plots)) {
      adopt(L.geoJSON(data.plots).getLayers()[0]);
    }
    if (map.pm) {
      map.pm.setLang(el.dataset.lang === "en" ? "en" : "es");
      map.pm.addControls({
        position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false,
        drawCircle: false, drawText: false, cutPolygon: false, rotateMode: false,
        drawRectangle: true, drawPolygon: true, editMode: true, dragMode: true, removalMode: true
      });
      map.pm.setPathOptions(PLOT_STYLE);
      // Geoman's toolbar buttons are links with only an icon: name each after its (translated) title so
      // screen readers and voice control can find them.
      el.querySelectorAll(".leaflet-pm-toolbar .button-container").forEach(function (box) {
        var button = box.querySelector(".leaflet-buttons-control-button");
        if (button && box.title) { button.setAttribute("aria-label", box.title); }
      });
      map.on("pm:create", function (e) { adopt(e.layer); });
      map.on("pm:remove", function (e) {
        if (e.layer === current) { current = null; write(); }
      });
    }
    // Pasted GeoJSON shows up on the map as soon as the field loses focus.
    field.addEventListener("change", function () {
      if (loadFromField()) { fit(base, drawn); }
    });
    fit(base, drawn);
  }

  function setUp(el) {
    var data = readJSON(el.dataset.miafMap) || {};
    var fieldId = el.dataset.miafEditor;
    var field = fieldId ? document.getElementById(fieldId) : null;
    if (field) { editor(el, data, field); } else { viewer(el, data); }
  }

  // A page whose map is not what it opens with (the family page) names Leaflet's files in data-leaflet instead
  // of loading them with the page (registry/_map_scripts.html with lazy=True). They are fetched after the page
  // has loaded, once the map comes near the screen, so that the rest of the page is usable first on a slow
  // connection (docs/benchmarks/page-weight.md); a map already on the first screen has them fetched at once.
  // The plot page (its map at the top) and the plot editor load Leaflet with the page: fetched with the page's
  // own files it arrives sooner than any script could ask for it.
  var me = document.currentScript;
  var lazy = me && me.dataset.leaflet ? JSON.parse(me.dataset.leaflet) : null;
  var loading = null;
  var NEAR = 300;  // px below the screen that count as near

  function loadFile(tag, url) {
    return new Promise(function (resolve, reject) {
      var node = document.createElement(tag);
      if (tag === "link") { node.rel = "stylesheet"; node.href = url; } else { node.src = url; node.async = false; }
      node.onload = resolve;
      node.onerror = function () { reject(new Error("no se pudo cargar " + url)); };
      document.head.appendChild(node);
    });
  }
  function pageLoaded() {
    if (document.readyState === "complete") { return Promise.resolve(); }
    return new Promise(function (resolve) { window.addEventListener("load", resolve, { once: true }); });
  }
  function leaflet(now) {
    if (window.L) { return Promise.resolve(); }
    if (!loading) {
      loading = (now ? Promise.resolve() : pageLoaded()).then(function () {
        return Promise.all((lazy.css || []).map(function (url) { return loadFile("link", url); })
          .concat((lazy.js || []).map(function (url) { return loadFile("script", url); })));
      });
    }
    return loading;
  }
  function lazySetUp(el, now) {
    leaflet(now).then(function () { setUp(el); }).catch(function (err) { notice(el, String(err)); });
  }

  function init() {
    var nodes = Array.prototype.slice.call(document.querySelectorAll("[data-miaf-map]"));
    if (!lazy) {
      if (typeof L === "undefined") { return; }
      nodes.forEach(setUp);
      return;
    }
    var later = nodes.filter(function (el) {
      if (el.getBoundingClientRect().top < window.innerHeight + NEAR) { lazySetUp(el, true); return false; }
      return true;
    });
    if (!window.IntersectionObserver) { later.forEach(function (el) { lazySetUp(el, false); }); return; }
    var near = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { near.unobserve(entry.target); lazySetUp(entry.target, false); }
      });
    }, { rootMargin: NEAR + "px 0px" });
    later.forEach(function (el) { near.observe(el); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
