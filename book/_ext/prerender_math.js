// Typesets TeX to SVG with MathJax in Node, for the site's build (book/_ext/mlcrystal_site.py):
// the pages then carry their formulas drawn, and no page loads MathJax (1.1 MB) or typesets
// in the reader's browser.
//
//   node prerender_math.js MATHJAX_PACKAGE < [[tex, display], ...] > {"css": ..., "html": [...]}
//
// MATHJAX_PACKAGE is the unpacked npm package mathjax@3 (make site-assets). Each formula
// becomes <mjx-container> with the SVG (hidden from screen readers) and its MathML (read by
// them, visually hidden: a11y/assistive-mml), as MathJax writes them in the browser.
"use strict";
const pkg = process.argv[2];
if (!pkg) {
  console.error("usage: node prerender_math.js MATHJAX_PACKAGE < formulas.json");
  process.exit(2);
}
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => { input += d; });
process.stdin.on("end", () => {
  const items = JSON.parse(input);
  require(pkg + "/es5/node-main.js").init({
    loader: {paths: {mathjax: pkg + "/es5"},
             load: ["input/tex-full", "output/svg", "adaptors/liteDOM", "a11y/assistive-mml"]},
    // each formula carries the glyphs it draws (ids numbered across the whole run: unique on a page)
    svg: {fontCache: "local"},
    startup: {typeset: false},
  }).then((MathJax) => {
    const adaptor = MathJax.startup.adaptor;
    const html = items.map(([tex, display]) => adaptor.outerHTML(MathJax.tex2svg(tex, {display: !!display})));
    const css = adaptor.textContent(MathJax.svgStylesheet());
    process.stdout.write(JSON.stringify({css, html}));
  }).catch((err) => {
    console.error(err && err.message ? err.message : String(err));
    process.exit(1);
  });
});
