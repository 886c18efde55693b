// The HTML report in a real browser (Debian's Chromium through playwright-core): rendered from
// tests/golden/records/fleet.json by `cisscan report`, opened from disk, and checked for console
// errors, network requests, filters, evidence, hostile text, accessibility (axe-core), printing
// to PDF (read back with pdftotext) and completeness without JavaScript.
//
// Run from anywhere after `npm ci` in tests/browser:
//   CISSCAN_BIN=build/scanner/cisscan CISSCAN_SOURCE_DIR=. node tests/browser/report.test.mjs
// CISSCAN_ARTIFACTS_DIR (optional) keeps the report, screenshot and PDF; else a temp folder.
// Prints "N passed, M failed" last and exits non-zero when a test failed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const HEADINGS = ['Executive summary', 'IG1 coverage', 'Controls', 'Heatmap', 'Findings', 'Hosts',
  'Checks', 'Risk register', 'Waivers', 'Attestations', 'Run metadata'];
const HOSTILE = '<script>alert(1)</script>';
const CHROMIUM = process.env.CISSCAN_CHROMIUM || '/usr/bin/chromium';

const bin = process.env.CISSCAN_BIN;
const sourceDir = path.resolve(process.env.CISSCAN_SOURCE_DIR || path.join(here, '..', '..'));
if (!bin) {
  console.error('CISSCAN_BIN must name the cisscan binary');
  process.exit(2);
}
for (const [tool, file] of [['chromium', CHROMIUM], ['pdftotext', '/usr/bin/pdftotext']]) {
  if (!fs.existsSync(file)) {
    console.error(`${tool} is missing (${file}): apt-get install -y chromium poppler-utils`);
    process.exit(1);
  }
}
const recordPath = path.join(sourceDir, 'tests', 'golden', 'records', 'fleet.json');
const record = JSON.parse(fs.readFileSync(recordPath, 'utf8'));
// Without CISSCAN_ARTIFACTS_DIR, a temporary folder: kept when a test fails, removed when all pass.
const ownArtifacts = !process.env.CISSCAN_ARTIFACTS_DIR;
const artifacts = ownArtifacts
  ? fs.mkdtempSync(path.join(os.tmpdir(), 'cisscan-browser-'))
  : path.resolve(process.env.CISSCAN_ARTIFACTS_DIR);
fs.mkdirSync(artifacts, { recursive: true });

// What the record says the page must show. A host that should have been scanned and ran no probe
// (unreachable, timed out) is one finding card, not one per check, and has no result cards.
const FINDING = new Set(['fail', 'error', 'waived']);
const unscanned = (h) => h.status !== 'ok' && h.status !== 'skipped' && (h.probes || []).length === 0;
const scanned = record.hosts.filter((h) => !unscanned(h));
const expected = {
  findings: scanned.reduce((n, h) => n + h.results.filter((r) => FINDING.has(r.status)).length, 0) +
    record.hosts.filter(unscanned).length,
  hosts: record.hosts.length,
  findingsOf: (host) => record.hosts.find((h) => h.name === host).results.filter((r) => FINDING.has(r.status)).length,
  findingsWith: (status) => scanned.reduce((n, h) => n + h.results.filter((r) => r.status === status).length, 0),
  hostsWith: (status) => scanned.filter((h) => h.results.some((r) => r.status === status)).length,
  findingsInControl: (control, status) => scanned.reduce((n, h) => n + h.results.filter(
    (r) => r.status === status && r.safeguards.some((s) => s.split('.')[0] === control)).length, 0),
};

// Render the report the way a user would: `cisscan report RECORD --format html --out DIR`.
const started = process.hrtime.bigint();
execFileSync(bin, ['report', recordPath, '--format', 'html', '--out', artifacts], { stdio: 'inherit' });
const renderMs = Number(process.hrtime.bigint() - started) / 1e6;
const reportPath = path.join(artifacts, 'report.html');
const reportUrl = pathToFileURL(reportPath).href;
console.log(`# report: ${reportPath} (${fs.statSync(reportPath).size} bytes, rendered in ${renderMs.toFixed(0)} ms)`);

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// A page on the report that records console errors, page errors, dialogs and every request.
async function open(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const log = { errors: [], requests: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') {
      log.errors.push(message.text());
    }
  });
  page.on('pageerror', (error) => log.errors.push(String(error)));
  page.on('dialog', async (dialog) => {
    log.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss();
  });
  context.on('request', (request) => log.requests.push(request.url()));
  await page.goto(reportUrl, { waitUntil: 'load' });
  return { context, page, log };
}

const visible = (page, selector) => page.evaluate(
  (s) => [...document.querySelectorAll(s)].filter((e) => e.checkVisibility()).length, selector);

function pdfText(pdfPath) {
  return execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8', maxBuffer: 256 << 20 });
}

// Each section heading stands on a line of its own in the PDF's text.
function assertHeadings(text) {
  const lines = new Set(text.split(/\r?\n|\f/).map((line) => line.trim()));
  for (const heading of HEADINGS) {
    assert.ok(lines.has(heading), `PDF has the heading "${heading}"`);
  }
}

test('opens from disk with no console errors, no network requests and its script allowed by the CSP', async () => {
  const { context, page, log } = await open();
  await page.waitForTimeout(300);
  assert.deepEqual(log.errors, [], 'console errors');
  assert.deepEqual(log.requests, [reportUrl], 'the only request is the file itself');
  assert.deepEqual(log.dialogs, [], 'no dialog opened');
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(csp, /^default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-[A-Za-z0-9+/]{43}='/);
  assert.equal(await page.locator('#filters').count(), 1, 'the script ran: its hash matches the CSP');
  assert.equal(await page.locator('h1').count(), 1);
  assert.deepEqual(await page.locator('main h2').allTextContents(), HEADINGS);
  await context.close();
});

test('host-supplied markup is shown as text and never runs', async () => {
  const { context, page, log } = await open();
  const text = await page.evaluate(() => document.body.textContent);
  assert.ok(text.includes(HOSTILE), 'the <script> probe output is text');
  assert.ok(text.includes('</textarea>]]><!-- & "quoted"'), 'the rest of the hostile line is text');
  assert.ok(text.includes('\\x01\\x1B[31m'), 'control characters are visible \\xNN escapes');
  assert.ok(!/[\u0001\u001b]/.test(text), 'no raw control character reaches the page');
  assert.ok(text.includes('b2sg//4gYmFkIMCvCg=='), 'invalid UTF-8 is shown as base64');
  assert.equal(await page.locator('script').count(), 1, 'only the report\'s own script element');
  assert.equal(await page.locator('textarea').count(), 0);
  assert.equal(await page.evaluate(() => document.querySelectorAll('script:not(:last-of-type)').length), 0);
  assert.deepEqual(log.dialogs, [], 'alert() never fired');
  await context.close();
});

test('a finding\'s evidence opens and shows the probe output', async () => {
  const { context, page } = await open();
  const finding = page.locator('article.finding', { has: page.locator('h4 .mono', { hasText: /^test-hostile-html$/ }) }).first();
  const details = finding.locator('details.evidence');
  assert.equal(await details.getAttribute('open'), null, 'evidence is folded until opened');
  assert.equal(await finding.locator('pre.output').isVisible(), false);
  await details.locator('summary').click();
  assert.notEqual(await details.getAttribute('open'), null);
  const output = finding.locator('pre.output');
  assert.equal(await output.isVisible(), true);
  assert.ok((await output.innerText()).includes(HOSTILE));
  const evidence = await details.innerText();
  for (const label of ['Command', 'Exit code', 'Started', 'Output', 'sha256']) {
    assert.ok(evidence.includes(label), `evidence shows ${label}`);
  }
  assert.ok(evidence.includes('479bacc334842906018bd15a26414bd95f7244e9f46c72880a920b93913fb117'));
  // Following a link to a finding from a host's result list works.
  const result = page.locator('details.result', { has: page.locator('summary .mono', { hasText: /^test-hostile-html$/ }) }).first();
  await result.locator('summary').click();
  const link = result.locator('a');
  const target = (await link.getAttribute('href')).slice(1);
  await link.click();
  assert.equal(await page.evaluate(() => location.hash.slice(1)), target);
  // Revealed on the hashchange event after the click: wait for it (ctest's timeout bounds it).
  await page.locator(`[id="${target}"]`).waitFor({ state: 'visible', timeout: 0 });
  assert.equal(await page.locator(`[id="${target}"]`).isVisible(), true);
  await context.close();
});

test('the filters hide other hosts, statuses and controls', async () => {
  const { context, page } = await open();
  const all = expected.findings;
  assert.equal(await visible(page, 'article.finding'), all);
  assert.equal(await visible(page, 'section.host'), expected.hosts);

  await page.selectOption('#filter-host', 'hardened');
  assert.equal(await visible(page, 'details.result'), record.hosts[0].results.length);
  assert.equal(await visible(page, 'article.finding'), expected.findingsOf('hardened'));
  assert.equal(await visible(page, 'section.host'), 1);
  assert.equal(await visible(page, 'section.host[data-host="hardened"]'), 1);
  assert.equal(await visible(page, '.heatmap tbody tr'), 1);
  assert.match(await page.locator('#filter-count').innerText(), new RegExp(`Showing ${expected.findingsOf('hardened')} of ${all} findings`));

  await page.selectOption('#filter-host', '');
  await page.selectOption('#filter-status', 'waived');
  assert.equal(await visible(page, 'article.finding'), expected.findingsWith('waived'));
  assert.equal(await visible(page, 'article.finding:not([data-status="waived"])'), 0);
  assert.equal(await visible(page, 'section.host'), expected.hostsWith('waived'));
  assert.equal(await visible(page, 'details.result'), expected.findingsWith('waived'));

  await page.selectOption('#filter-status', 'fail');
  await page.selectOption('#filter-control', '5');
  assert.equal(await visible(page, 'article.finding'), expected.findingsInControl('5', 'fail'));

  await page.click('#filter-reset');
  assert.equal(await visible(page, 'article.finding'), all);
  assert.equal(await visible(page, 'section.host'), expected.hosts);
  await context.close();
});

test('a host name full of markup and quotes is filtered like any other', async () => {
  // The same record with its first host renamed: the name reaches data attributes, the filter's
  // options and the CSS selectors the filter writes.
  const name = `hard"ened' <b>&amp; \\ ]]>`;
  const hostile = JSON.parse(JSON.stringify(record));
  const old = hostile.hosts[0].name;
  hostile.hosts[0].name = name;
  hostile.scores.hosts[name] = hostile.scores.hosts[old];
  delete hostile.scores.hosts[old];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cisscan-browser-host-'));
  const input = path.join(dir, 'record.json');
  fs.writeFileSync(input, JSON.stringify(hostile));
  execFileSync(bin, ['report', input, '--format', 'html', '--out', dir], { stdio: 'ignore' });
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(path.join(dir, 'report.html')).href);
  assert.equal(await page.locator('section.host h3').first().evaluate((h) => h.firstChild.textContent.trim()), name);
  await page.selectOption('#filter-host', name);
  assert.equal(await visible(page, 'article.finding'), expected.findingsOf(old));
  assert.equal(await visible(page, 'section.host'), 1);
  assert.match(await page.locator('#filter-count').innerText(), new RegExp(`Showing ${expected.findingsOf(old)} of`));
  assert.deepEqual(errors, []);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('axe-core finds no serious or critical accessibility violation', async () => {
  // The report's CSP admits only its own script: this context bypasses it to inject axe.
  const { context, page } = await open({ bypassCSP: true });
  // Off-screen sections skip rendering (content-visibility: auto), which hides them from axe's
  // colour-contrast check: render everything so that every text is checked.
  await page.addStyleTag({ content: 'section.fgroup, section.host, details.check { content-visibility: visible !important; }' });
  const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: axeSource });
  const serious = [];
  const unchecked = [];
  for (const state of ['as opened', 'with every <details> open', 'by check']) {
    if (state === 'by check') {
      await page.selectOption('#filter-view', 'check');
    } else if (state !== 'as opened') {
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    }
    const results = await page.evaluate(() => window.axe.run(document));
    for (const v of results.incomplete.filter((i) => i.id === 'color-contrast')) {
      // axe cannot tell the background of SVG text; everything else must have been checked.
      unchecked.push(...v.nodes.filter((n) => !n.html.startsWith('<text')).map((n) => `${state}: ${n.target.join(' ')}: ${n.any[0] && n.any[0].message}`));
    }
    for (const v of results.violations) {
      const line = `${state}: ${v.impact} ${v.id} (${v.nodes.length} nodes): ${v.help}; e.g. ${v.nodes[0].target.join(' ')}`;
      if (v.impact === 'serious' || v.impact === 'critical') {
        serious.push(line);
      } else {
        console.log(`# axe ${line}`);
      }
    }
  }
  assert.deepEqual(serious, []);
  assert.deepEqual(unchecked, [], 'colour contrast could be checked everywhere');
  await context.close();
});

test('a screenshot is saved', async () => {
  const { context, page } = await open();
  const shot = path.join(artifacts, 'report.png');
  await page.screenshot({ path: shot });
  await page.locator('#findings').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, 'report-findings.png') });
  assert.ok(fs.statSync(shot).size > 10000);
  console.log(`# screenshot: ${shot}`);
  await context.close();
});

test('printed to PDF it has every section heading, the evidence, and no filter controls', async () => {
  const { context, page } = await open();
  const pdf = path.join(artifacts, 'report.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  const text = pdfText(pdf);
  assertHeadings(text);
  assert.ok(text.includes(HOSTILE), 'evidence is printed opened');
  assert.ok(!text.includes('All statuses'), 'no filter controls in print');
  console.log(`# pdf: ${pdf}`);
  await context.close();
});

test('the report is complete without JavaScript', async () => {
  const { context, page, log } = await open({ javaScriptEnabled: false });
  assert.equal(await page.locator('#filters, select, #filter-count').count(), 0, 'no filter controls');
  assert.deepEqual(await page.locator('main h2').allTextContents(), HEADINGS);
  assert.equal(await page.locator('article.finding').count(), expected.findings);
  assert.equal(await page.locator('section.host').count(), expected.hosts);
  assert.equal(await page.locator('svg.chart g.bar').count(), 18);
  assert.equal(await page.locator('.heatmap tbody tr').count(), expected.hosts);
  assert.equal(await page.locator('#risk-table tbody.risk-entry').count(), record.risk.entries.length);
  assert.equal(await page.locator('details.result').count(), scanned.reduce((n, h) => n + h.results.length, 0));
  assert.equal(await visible(page, 'details.check'), new Set(record.hosts.flatMap((h) => h.results.map((r) => r.check_id))).size);
  assert.equal(await page.locator('#waivers article').count(), record.waivers.entries.length);
  assert.equal(await page.locator('#attestations article').count(), record.attestations.entries.length);
  assert.ok((await page.evaluate(() => document.body.textContent)).includes(HOSTILE));
  assert.deepEqual(log.requests, [reportUrl]);
  // Printing without the script still shows the evidence (print CSS alone).
  const pdf = path.join(artifacts, 'report-nojs.pdf');
  await page.pdf({ path: pdf, format: 'A4' });
  const text = pdfText(pdf);
  assertHeadings(text);
  assert.ok(text.includes(HOSTILE), 'evidence is printed opened without the script');
  await context.close();
});

const { addViewTests } = await import('./views.test.mjs');
addViewTests({ test, open, visible, pdfText, browser, bin, record, recordPath, artifacts, sourceDir, scanned, unscanned });
const { addRiskTests } = await import('./risks.test.mjs');
addRiskTests({ test, browser, bin, recordPath, artifacts, sourceDir });

let passed = 0;
let failed = 0;
for (const { name, fn } of tests) {
  try {
    await fn();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`not ok - ${name}`);
    console.log(String(error && error.stack ? error.stack : error).split('\n').map((l) => `#   ${l}`).join('\n'));
  }
}
await browser.close();
if (failed === 0 && ownArtifacts) {
  fs.rmSync(artifacts, { recursive: true, force: true });
  console.log('# artifacts: removed (every test passed; CISSCAN_ARTIFACTS_DIR=DIR keeps them)');
} else {
  console.log(`# artifacts: ${artifacts}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
