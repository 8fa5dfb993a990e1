// Lighthouse (mobile preset, performance only) on several pages with one Chromium, one page after
// another: `node tools/lighthouse/run.mjs NODE_MODULES OUT_DIR NAME=URL...` writes OUT_DIR/NAME.json
// for each page (or OUT_DIR/NAME.err with the error). The same settings as the command line's
// `--only-categories=performance --form-factor=mobile --disable-full-page-screenshot`; the browser
// is started once instead of once per page. tools/sitecheck.py runs a few of these side by side.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, outDir, ...pages] = process.argv.slice(2);
const load = (name, file) => import(pathToFileURL(join(modules, name, file)).href);
const { default: lighthouse } = await load('lighthouse', 'core/index.js');
const chromeLauncher = await load('chrome-launcher', 'dist/index.js');

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
});
try {
  for (const page of pages) {
    const at = page.indexOf('=');
    const [name, url] = [page.slice(0, at), page.slice(at + 1)];
    try {
      const result = await lighthouse(url, {
        port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'],
        formFactor: 'mobile', disableFullPageScreenshot: true,
      });
      writeFileSync(join(outDir, `${name}.json`), result.report);
    } catch (err) {
      writeFileSync(join(outDir, `${name}.err`), String(err && err.message ? err.message : err));
    }
  }
} finally {
  await chrome.kill();
}
