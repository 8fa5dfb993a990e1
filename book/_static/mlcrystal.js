// mlcrystal: a table wider than the text column scrolls inside its own box
// (mlcrystal.css); this marks it for keyboard and screen-reader users (a
// focusable, named region) and puts a visible "scroll" hint above it.
(function () {
  "use strict";
  var SELECTOR = ".bd-article table.dataframe, .bd-article table.table, .bd-article table.docutils, " +
                 ".bd-article .output table, .bd-article .cell_output table";
  function mark() {
    document.querySelectorAll(SELECTOR).forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1;
      var hint = el.previousElementSibling;
      var hasHint = hint && hint.classList.contains("mlc-scroll-hint");
      el.classList.toggle("mlc-scrolls", scrolls);
      if (scrolls) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("role", "region");
        if (!el.hasAttribute("aria-label")) {
          var cap = el.querySelector("caption");
          el.setAttribute("aria-label", (cap ? cap.textContent.trim() + ": " : "") + "wide table, scrolls sideways");
        }
        if (!hasHint) {
          var p = document.createElement("div");
          p.className = "mlc-scroll-hint";
          p.setAttribute("aria-hidden", "true");
          p.textContent = "Wide table: scroll sideways \u2192";
          el.parentNode.insertBefore(p, el);
        }
      } else {
        if (el.getAttribute("role") === "region") {
          el.removeAttribute("tabindex");
          el.removeAttribute("role");
          el.removeAttribute("aria-label");
        }
        if (hasHint) { hint.remove(); }
      }
    });
  }
  var timer;
  function later() { clearTimeout(timer); timer = setTimeout(mark, 150); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", later);
})();
