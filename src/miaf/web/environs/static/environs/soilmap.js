/* Soil-loss map of a plot: the per-cell PNG as a Leaflet imageOverlay with the plot boundary.
 *
 * Markup: <div data-soil-map="URL of perdida.json" data-boundary-id="ID of a json_script with the GeoJSON">.
 * Needs Leaflet (loaded by the plot page); panels swapped in by htmx are drawn on htmx:afterSettle.
 */
(function () {
  "use strict";
  function draw(el) {
    if (el.dataset.drawn || !window.L) { return; }
    el.dataset.drawn = "1";
    el.style.height = el.style.height || "320px";
    fetch(el.dataset.soilMap, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (info) {
        var map = L.map(el, { zoomSnap: 0.5 });
        L.imageOverlay(info.png, info.bounds, { opacity: 0.85 }).addTo(map);
        var holder = document.getElementById(el.dataset.boundaryId);
        if (holder) {
          L.geoJSON(JSON.parse(holder.textContent), { style: { color: "#2f6b3a", weight: 2, fill: false } }).addTo(map);
        }
        map.fitBounds(info.bounds);
        var legend = document.createElement("p");
        legend.className = "help";
        legend.textContent = "0 – " + Math.round(info.vmax) + " " + info.unit + " (" + info.method + ")";
        el.parentNode.insertBefore(legend, el.nextSibling);
      })
      .catch(function () { el.textContent = el.dataset.labelError || ""; el.style.height = "auto"; });
  }
  function drawAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("[data-soil-map]"), draw);
  }
  if (!window.miafSoilMap) {
    window.miafSoilMap = drawAll;
    document.addEventListener("htmx:afterSettle", function (ev) { drawAll(ev.target); });
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  }
  drawAll(document);
})();
