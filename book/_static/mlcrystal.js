// mlcrystal: a table wider than the text column scrolls inside its own box
// (mlcrystal.css); this marks it for keyboard and screen-reader users (a
// focusable, named region) and puts a visible "scroll" hint above it.
// It also names the handle of each ipywidgets slider after the slider's
// visible label (ipywidgets 8 leaves the role="slider" handle unnamed).
(function () {
  "use strict";
  var SELECTOR = ".bd-article table.dataframe, .bd-article table.table, .bd-article table.docutils, " +
                 ".bd-article .output table, .bd-article .cell_output table";
  function mark() {
    document.querySelectorAll(SELECTOR).forEach(function (el, index) {
      var scrolls = el.scrollWidth > el.clientWidth + 1;
      var hint = el.previousElementSibling;
      var hasHint = hint && hint.classList.contains("mlc-scroll-hint");
      el.classList.toggle("mlc-scrolls", scrolls);
      if (scrolls) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("role", "region");
        if (!el.hasAttribute("aria-label")) {
          // each region's name is unique on the page (the table's number among the page's tables)
          var cap = el.querySelector("caption");
          el.setAttribute("aria-label", (cap ? cap.textContent.trim() + ", " : "") + "table " + (index + 1) +
                          " (wide, scrolls sideways)");
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
  var labelled = 0;
  function nameSliders() {
    document.querySelectorAll('[role="slider"]:not([aria-label]):not([aria-labelledby])').forEach(function (h) {
      var box = h.closest(".widget-slider, .widget-inline-hbox");
      var label = box && box.querySelector(".widget-label");
      var text = label ? label.textContent.trim() : "";
      if (!text) { return; } // no description in the notebook: left for the accessibility check to report
      if (!label.id) { label.id = "mlc-slider-label-" + (++labelled); }
      h.setAttribute("aria-labelledby", label.id);
    });
  }
  var timer;
  function later() { clearTimeout(timer); timer = setTimeout(mark, 150); }
  function start() {
    mark();
    nameSliders();
    // widgets render after the page loads (deferred scripts): name sliders as they appear
    if (window.MutationObserver && document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]')) {
      new MutationObserver(function () { nameSliders(); later(); })
        .observe(document.body, {childList: true, subtree: true});
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.addEventListener("resize", later);
})();
