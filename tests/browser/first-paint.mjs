// Benchmark helper, not a test: opens a (large) rendered report in Debian's Chromium and prints
// its size, time to first paint, load time, DOM size and the time a status filter change, the
// switch to the view by check and two text filters take (each from the change, made inside the
// page, until the second frame after it).
//   node tests/browser/first-paint.mjs path/to/report.html
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const file = process.argv[2];
if (!file) {
  console.error('usage: node first-paint.mjs REPORT.html');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CISSCAN_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
let start = Date.now();
await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 600000 });
const loadMs = Date.now() - start;
const paint = await page.evaluate(() => Object.fromEntries(
  performance.getEntriesByType('paint').map((p) => [p.name, Math.round(p.startTime)])));
const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
// Each change is made inside the page (the control's value set and its event sent) and timed
// from there to the second frame after it: what a reader waits for, without the automation's
// own round trips and actionability checks, which on half a million elements take seconds.
const timed = (selector, value, type) => page.evaluate(([selector, value, type]) =>
  new Promise((resolve) => {
    const control = document.querySelector(selector);
    const t = performance.now();
    control.value = value;
    control.dispatchEvent(new Event(type, { bubbles: true }));
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(Math.round(performance.now() - t))));
  }), [selector, value, type]);
// The filter's lists are gathered when the page is idle after loading: let that happen first.
await page.evaluate(() => new Promise((r) => (window.requestIdleCallback || setTimeout)(r)));
const filterMs = await timed('#filter-status', 'fail', 'change');
await timed('#filter-status', '', 'change');
const hasChecks = (await page.locator('#filter-view').count()) > 0;
const byCheckMs = hasChecks ? await timed('#filter-view', 'check', 'change') : null;
const textMs = await timed('#filter-text', 'host0007', 'input');
const textCheckMs = await timed('#filter-text', 'check-012', 'input');
console.log(JSON.stringify({
  bytes: fs.statSync(file).size,
  first_paint_ms: paint['first-paint'],
  first_contentful_paint_ms: paint['first-contentful-paint'],
  load_ms: loadMs,
  elements,
  status_filter_ms: filterMs,
  by_check_view_ms: byCheckMs,
  text_filter_host_ms: textMs,
  text_filter_check_ms: textCheckMs,
}));
await browser.close();
