/* Small behaviours of every page, without inline scripts (the Content-Security-Policy forbids them).
 *
 * By event delegation on the document, so parts swapped in by htmx work too:
 * - [data-menu-toggle]: opens and closes the main menu on phones (aria-expanded follows);
 * - select[data-autosubmit]: submits its form on change (the language switch, the year selectors);
 * - [data-print]: prints the page;
 * - one open menu section at a time; a click elsewhere closes it;
 * - [data-export-links] a[data-export]: keep the list's filters after htmx filtering;
 * - [data-formset]: "add a row" clones the formset's empty form (<template data-formset-empty>) with the next
 *   index and raises TOTAL_FORMS; "remove" takes out a row not yet saved (Django skips a missing, empty form);
 * - every table scrolls inside its own box on a phone (wrapped in .table-scroll when a template did not), and
 *   such a box can be reached and scrolled with the keyboard (tabindex, a region named by the table's caption
 *   or the heading above it), also in parts swapped in by htmx.
 */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var toggle = e.target.closest ? e.target.closest("[data-menu-toggle]") : null;
    if (toggle) {
      var nav = document.getElementById(toggle.getAttribute("aria-controls"));
      if (nav) { toggle.setAttribute("aria-expanded", String(nav.classList.toggle("open"))); }
    }
    if (e.target.closest && e.target.closest("[data-print]")) { window.print(); }
    var add = e.target.closest ? e.target.closest("[data-formset-add]") : null;
    if (add) { addRow(document.getElementById(add.getAttribute("data-formset-add"))); }
    var remove = e.target.closest ? e.target.closest("[data-formset-remove]") : null;
    if (remove) {
      var row = remove.closest("[data-formset-row]"), box = remove.closest("[data-formset]");
      if (row) { row.parentNode.removeChild(row); }
      var again = box && box.querySelector("[data-formset-add]");
      if (again) { again.focus(); }
    }
    document.querySelectorAll(".navsection[open]").forEach(function (d) {
      if (!d.contains(e.target)) { d.removeAttribute("open"); }
    });
  });
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) { el.form.requestSubmit(); } else { el.form.submit(); }
    }
  });
  function addRow(box) {
    if (!box) { return; }
    var prefix = box.getAttribute("data-prefix");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var tpl = box.querySelector("template[data-formset-empty]");
    if (!total || !tpl) { return; }
    var n = parseInt(total.value, 10);
    if (max && n >= parseInt(max.value, 10)) { return; }
    var holder = document.createElement("div");
    holder.innerHTML = tpl.innerHTML.replace(/__prefix__/g, String(n));
    var row = holder.firstElementChild;
    box.querySelector("[data-formset-rows]").appendChild(row);
    total.value = String(n + 1);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) { first.focus(); }
  }
  function showFormsetButtons(root) {
    // The buttons need JavaScript: without it the form keeps its fixed empty rows.
    (root || document).querySelectorAll("[data-formset-add][hidden]").forEach(function (b) { b.hidden = false; });
  }
  var english = (document.documentElement.lang || "es").slice(0, 2) === "en";
  function nameOf(box) {
    var cap = box.querySelector("caption");
    if (cap && cap.textContent.trim()) { return cap.textContent.trim(); }
    var el = box;
    while (el && el !== document.body) {
      var prev = el.previousElementSibling;
      while (prev) {
        if (/^H[1-6]$/.test(prev.tagName)) { return prev.textContent.trim(); }
        prev = prev.previousElementSibling;
      }
      el = el.parentElement;
    }
    return english ? "Table" : "Tabla";
  }
  function tidy(root) {
    (root || document).querySelectorAll("main table").forEach(function (t) {
      if (t.closest(".table-scroll")) { return; }
      var box = document.createElement("div");
      box.className = "table-scroll";
      t.parentNode.insertBefore(box, t);
      box.appendChild(t);
    });
    (root || document).querySelectorAll(".table-scroll").forEach(function (box) {
      if (!box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); }
      if (!box.hasAttribute("role")) { box.setAttribute("role", "region"); }
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        box.setAttribute("aria-label", nameOf(box));
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { tidy(document); showFormsetButtons(document); });
  } else {
    tidy(document);
    showFormsetButtons(document);
  }
  document.addEventListener("htmx:afterSettle", function (e) {
    var root = e.target.closest ? (e.target.closest("main") || document) : document;
    tidy(root);
    showFormsetButtons(root);
  });
  document.addEventListener("htmx:pushedIntoHistory", function () {
    document.querySelectorAll("[data-export-links] a[data-export]").forEach(function (a) {
      var params = new URLSearchParams(location.search); params.delete("page");
      var q = params.toString(); a.href = a.href.split("?")[0] + (q ? "?" + q : "");
    });
  });
})();
