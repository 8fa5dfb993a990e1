// Loaded on pages with saved ipywidgets state, after require.js and before
// html-manager's embed-amd.js (see nb_ipywidgets_js in _config.yml).
// It keeps the widgets self-contained and working with MathJax 3.
(function () {
  "use strict";
  // This script's own folder is the site's _static/, wherever the site is
  // published and whatever the depth of the page.
  var here = document.currentScript.src.split("?")[0];
  var staticBase = here.slice(0, here.lastIndexOf("/") + 1);

  // 1. Each module bundled in embed-amd.js (@jupyter-widgets/base, controls,
  //    html-manager, ...) finds its fonts (Font Awesome, for widget icons)
  //    beside the URL that RequireJS gives its module name. Map those names
  //    so that the URLs fall in the folder that holds the fonts.
  var fonts = staticBase + "npm/html-manager";
  window.require.config({
    paths: {
      "@jupyter-widgets": fonts,                    // @jupyter-widgets/controls -> fonts/controls
      "@jupyter-widgets/html-manager/dist": fonts,  // .../dist/libembed-amd -> fonts/libembed-amd
    },
  });

  // 2. A widget module that is not built into embed-amd.js would be fetched
  //    from data-jupyter-widgets-cdn (jsdelivr by default). Point it at a
  //    local folder instead: the site never contacts a CDN, and a missing
  //    module shows up as a 404 in `make site-check`.
  document.currentScript.setAttribute("data-jupyter-widgets-cdn", staticBase + "npm/widget-modules/");

  // 3. ipywidgets typesets descriptions with the MathJax 2 call
  //    MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); this site runs
  //    MathJax 3, which has no Hub. Provide one that calls typesetPromise.
  var hub = {
    Queue: function (job) {
      var mj = window.MathJax;
      var element = Array.isArray(job) ? job[2] : undefined;
      if (!mj || typeof mj.typesetPromise !== "function") {
        return; // MathJax not loaded yet: it typesets the page when it starts
      }
      var ready = (mj.startup && mj.startup.promise) || Promise.resolve();
      ready.then(function () {
        return mj.typesetPromise(element ? [element] : undefined);
      }).catch(function (err) {
        console.warn("MathJax could not typeset a widget label:", err);
      });
    },
  };
  function addHub(obj) {
    if (obj && typeof obj === "object" && !("Hub" in obj)) {
      // not enumerable, so MathJax 3 does not read it as a configuration key
      Object.defineProperty(obj, "Hub", { value: hub, enumerable: false, configurable: true });
    }
  }
  var current = window.MathJax;
  addHub(current);
  // MathJax 3 replaces window.MathJax (the configuration object) by itself
  // when it loads; attach the Hub to whatever object ends up there.
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    enumerable: true,
    get: function () { return current; },
    set: function (value) { current = value; addHub(value); },
  });
})();
