// Benchmark helper, not a test: opens a (large) rendered report in Debian's Chromium and prints
// its size, time to first paint, load time, DOM size and the time a status filter change, the
// switch to the view by check and two text filters take (each until the second frame after it).
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
const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
let start = Date.now();
await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 600000 });
const loadMs = Date.now() - start;
const paint = await page.evaluate(() => Object.fromEntries(
  performance.getEntriesByType('paint').map((p) => [p.name, Math.round(p.startTime)])));
const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
start = Date.now();
await page.selectOption('#filter-status', 'fail');
await frame();
const filterMs = Date.now() - start;
await page.selectOption('#filter-status', '');
await frame();
const timed = async (action) => {
  const t = Date.now();
  await action();
  await frame();
  return Date.now() - t;
};
const hasChecks = (await page.locator('#filter-view').count()) > 0;
const byCheckMs = hasChecks ? await timed(() => page.selectOption('#filter-view', 'check')) : null;
const textMs = await timed(() => page.fill('#filter-text', 'host0007'));
const textCheckMs = await timed(() => page.fill('#filter-text', 'check-012'));
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
