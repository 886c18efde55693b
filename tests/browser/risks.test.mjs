// The risk register of the HTML report (issue 12, section 2), run by report.test.mjs with its
// browser and helpers: one compact row per entry that unfolds to its detail, sorting by a column,
// and entries unacceptable on evidence told apart from entries without evidence.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export function addRiskTests({ test, browser, bin, recordPath, artifacts, sourceDir }) {
  // The fleet record assessed again with the shipped register: the record says each entry's state.
  const dir = path.join(artifacts, 'risks');
  fs.mkdirSync(dir, { recursive: true });
  execFileSync(bin, ['report', recordPath, '--format', 'json,html', '--out', dir, '--risk',
    path.join(sourceDir, 'checks', 'risk', 'register.yaml')], { stdio: 'ignore' });
  const record = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
  const entries = record.risk.entries;
  const url = pathToFileURL(path.join(dir, 'report.html')).href;
  const withState = (state) => entries.filter((e) => e.state === state);

  async function open(options = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url, { waitUntil: 'load' });
    return { context, page, errors };
  }
  const column = (page, selector) => page.$$eval(`#risk-table tbody.risk-entry ${selector}`,
    (cells) => cells.map((c) => c.textContent.trim()));

  test('risk register: evidenced gaps and entries without evidence are counted and shown apart', async () => {
    assert.ok(withState('unacceptable').length > 0, 'the fleet has an evidenced gap');
    assert.ok(withState('no_evidence').length > 0, 'and entries without evidence');
    assert.equal(record.risk.unacceptable, withState('unacceptable').length);
    assert.equal(record.risk.no_evidence, withState('no_evidence').length);
    const { context, page, errors } = await open();
    assert.equal(await page.locator('#risk-table tbody.risk-entry').count(), entries.length);
    const badges = await column(page, 'tr.risk-row td:nth-child(3)');
    assert.equal(badges.filter((b) => b === 'unacceptable').length, withState('unacceptable').length);
    assert.equal(badges.filter((b) => b === 'no evidence').length, withState('no_evidence').length);
    assert.equal(badges.filter((b) => b === 'acceptable').length, withState('acceptable').length);
    const shown = Object.fromEntries(await page.$$eval('#risk-table tbody.risk-entry', (b) => b.map(
      (e) => [e.querySelector('th .mono').textContent.trim(), e.dataset.state])));
    assert.deepEqual(shown, Object.fromEntries(entries.map((e) => [e.id, e.state])));
    // The headline counts evidenced gaps only, the entries without evidence beside them.
    const card = await page.locator('#risk-card').innerText();
    assert.match(card, new RegExp(`^${withState('unacceptable').length} of ${entries.length}\\b`));
    assert.match(card, new RegExp(`${withState('no_evidence').length} more without evidence`));
    // Listed: unacceptable on evidence first, then without evidence, then acceptable.
    const states = await page.$$eval('#risk-table tbody.risk-entry', (b) => b.map((e) => e.dataset.state));
    const rank = { unacceptable: 0, no_evidence: 1, acceptable: 2 };
    assert.deepEqual(states, [...states].sort((a, b) => rank[a] - rank[b]));
    // The worst risks of the summary are the evidenced ones only.
    const worst = await page.$$eval('#worst-risks tbody th a', (a) => a.map((x) => x.textContent));
    assert.ok(worst.length > 0 && worst.every((id) => entries.find((e) => e.id === id).state === 'unacceptable'));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('risk register: a header sorts the entries by score, and again the other way', async () => {
    const { context, page } = await open();
    const scores = async () => (await column(page, 'tr.risk-row td:nth-child(2)')).map(Number);
    await page.click('#risk-table thead th[data-sort="score"] button');
    let got = await scores();
    assert.deepEqual(got, [...got].sort((a, b) => b - a), 'highest score first');
    assert.equal(await page.getAttribute('#risk-table thead th[data-sort="score"]', 'aria-sort'), 'descending');
    assert.ok(got[0] > got[got.length - 1], 'the fleet has different scores');
    await page.click('#risk-table thead th[data-sort="score"] button');
    got = await scores();
    assert.deepEqual(got, [...got].sort((a, b) => a - b), 'lowest score first');
    await page.click('#risk-table thead th[data-sort="entry"] button');
    const ids = await column(page, 'tr.risk-row th .mono');
    assert.equal(ids.indexOf('R-4.1-1') < ids.indexOf('R-11.1-1'), true, 'ids sort by their numbers');
    assert.equal(ids.length, entries.length);
    await context.close();
  });

  test('risk register: an entry unfolds to its detail, and a link to it opens it', async () => {
    const { context, page } = await open();
    const entry = page.locator('#risk-table tbody.risk-entry').first();
    const detail = entry.locator('tr.risk-detail');
    assert.equal(await detail.isVisible(), false, 'folded by default');
    const toggle = entry.locator('button.risk-toggle');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    assert.equal(await detail.isVisible(), true);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const id = await toggle.innerText();
    const e = entries.find((x) => x.id === id);
    const text = await detail.innerText();
    assert.ok(text.includes(e.threat), 'the threat is in the detail');
    assert.match(text, e.state === 'unacceptable' ? /an evidenced gap/ : /no evidence|within/);
    await entry.locator('tr.risk-row td').first().click();
    assert.equal(await detail.isVisible(), false, 'a second click folds it again');
    // A finding's link to its risk entry unfolds that entry.
    const link = page.locator('article.finding dd a[href^="#risk-"]').first();
    const target = (await link.getAttribute('href')).slice(1);
    await link.click();
    // The entry unfolds on the hashchange event, which comes after the click: wait for it (no
    // time limit of its own; ctest's timeout ends a test that never sees it).
    await page.locator(`[id="${target}"] tr.risk-detail`).waitFor({ state: 'visible', timeout: 0 });
    assert.equal(await page.locator(`[id="${target}"] tr.risk-detail`).isVisible(), true);
    // Folded entries do not print; the table does.
    const pdf = path.join(dir, 'report.pdf');
    await page.pdf({ path: pdf, format: 'A4' });
    const printed = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 256 << 20 });
    assert.ok(printed.includes('no evidence'));
    const folded = entries.find((x) => x.state === 'no_evidence' && `risk-${entries.indexOf(x)}` !== target);
    assert.ok(!printed.includes(folded.vulnerability.slice(0, 40)), 'a folded entry prints one row');
    await context.close();
  });

  test('risk register: without JavaScript every entry shows its detail', async () => {
    const { context, page } = await open({ javaScriptEnabled: false });
    assert.equal(await page.locator('#risk-table tr.risk-detail').count(), entries.length);
    const shown = await page.$$eval('#risk-table tr.risk-detail', (rows) => rows.filter((r) => r.checkVisibility()).length);
    assert.equal(shown, entries.length);
    await context.close();
  });
}
