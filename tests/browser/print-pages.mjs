// Benchmark helper, not a test: prints a rendered report to PDF in Debian's Chromium (A4, as the
// browser tests do) and prints the page count (pdfinfo) and how long printing took.
//   node tests/browser/print-pages.mjs path/to/report.html [out.pdf]
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [file, pdf = `${process.argv[2]}.pdf`] = process.argv.slice(2);
if (!file) {
  console.error('usage: node print-pages.mjs REPORT.html [OUT.pdf]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CISSCAN_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});
const page = await browser.newPage();
await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 600000 });
const start = Date.now();
await page.pdf({ path: pdf, format: 'A4', printBackground: true, timeout: 0 });
const printMs = Date.now() - start;
await browser.close();
const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
const pages = Number(/^Pages:\s+(\d+)/m.exec(info)[1]);
console.log(JSON.stringify({ pdf, pages, print_ms: printMs }));
