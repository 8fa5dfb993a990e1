// mlcrystal: a table wider than the text column scrolls inside its own box
// (mlcrystal.css); this marks it for keyboard and screen-reader users (a
// focusable, named region) and puts a visible "scroll" hint above it; a
// formula that scrolls so becomes focusable.
// It also names the handle of each ipywidgets slider after the slider's
// visible label (ipywidgets 8 leaves the role="slider" handle unnamed), and
// makes every figure a link to its own image file: the page shrinks a figure
// to the text column (about 360 px on a phone), and a tap or click (or Enter
// on the focused link) opens it at full resolution.
(function () {
  "use strict";
  var SELECTOR = ".bd-article table.dataframe, .bd-article table.table, .bd-article table.docutils, " +
                 ".bd-article .output table, .bd-article .cell_output table";
  function mark() {
    var tables = Array.prototype.slice.call(document.querySelectorAll(SELECTOR));
    // every width is read before the page is changed: a read after a change costs a new layout of
    // the whole page (seconds on a phone for a page of many tables)
    var wide = tables.map(function (el) { return el.scrollWidth > el.clientWidth + 1; });
    // a formula wider than the column scrolls in its own box (mlcrystal.css): the keyboard can scroll it too
    var formulas = Array.prototype.slice.call(document.querySelectorAll(".bd-article mjx-container"));
    // (a formula 1 px too wide scrolls too: no tolerance, as for the accessibility check)
    var wideFormula = formulas.map(function (el) { return el.scrollWidth > el.clientWidth; });
    formulas.forEach(function (el, index) {
      if (wideFormula[index]) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-mlc-scrolls", "");
      } else if (el.hasAttribute("data-mlc-scrolls")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-mlc-scrolls");
      }
    });
    tables.forEach(function (el, index) {
      var scrolls = wide[index];
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
  // Each figure image (a file under _images/, not a data: URI drawn by a live widget)
  // becomes the content of a link to that file, so its name is the image's alt text
  // (plus the hint's words while the hint shows) and its title says what it does.
  // The visible hint "Open at full size" shows only while the image is drawn
  // smaller than its own pixels, as on a phone (mlcrystal.css).
  var FIGURE_IMAGES = ".bd-article figure img, .bd-article .cell_output img";
  function zoomable() {
    document.querySelectorAll(FIGURE_IMAGES).forEach(function (img) {
      var src = img.getAttribute("src") || "";
      if (!src || /^data:/i.test(src) || img.closest("a") || img.closest(".jupyter-widgets")) { return; }
      var link = document.createElement("a");
      link.className = "mlc-zoom";
      link.href = src;
      var fig = img.closest("figure");
      var num = fig && fig.querySelector(".caption-number");
      link.title = "Open " + (num ? num.textContent.trim().replace(/^Fig\.?/, "figure") : "the figure") +
                   " at full size";
      var hint = document.createElement("span");
      hint.className = "mlc-zoom-hint";
      hint.textContent = "Open at full size";
      img.parentNode.insertBefore(link, img);
      link.appendChild(img);
      link.appendChild(hint);
      if (img.complete) { shrunk(img); } else { img.addEventListener("load", function () { shrunk(img); }); }
    });
  }
  // marks a link whose image is drawn narrower than its own pixels (so enlarging shows more)
  function shrunk(img) {
    var link = img.parentNode;
    if (link && link.classList) {
      link.classList.toggle("mlc-shrunk", img.naturalWidth > 0 && img.clientWidth < img.naturalWidth - 1);
    }
  }
  function markShrunk() { document.querySelectorAll("a.mlc-zoom > img").forEach(shrunk); }
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
  function later() { clearTimeout(timer); timer = setTimeout(function () { mark(); markShrunk(); }, 150); }
  function start() {
    zoomable();
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
