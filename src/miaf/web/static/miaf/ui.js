/* Small behaviours of every page, without inline scripts (the Content-Security-Policy forbids them).
 *
 * By event delegation on the document, so parts swapped in by htmx work too:
 * - [data-menu-toggle]: opens and closes the main menu on phones (aria-expanded follows);
 * - select[data-autosubmit]: submits its form on change (the language switch, the year selectors);
 * - [data-print]: prints the page;
 * - one open menu section at a time; a click elsewhere closes it;
 * - [data-export-links] a[data-export]: keep the list's filters after htmx filtering.
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
  document.addEventListener("htmx:pushedIntoHistory", function () {
    document.querySelectorAll("[data-export-links] a[data-export]").forEach(function (a) {
      var params = new URLSearchParams(location.search); params.delete("page");
      var q = params.toString(); a.href = a.href.split("?")[0] + (q ? "?" + q : "");
    });
  });
})();
