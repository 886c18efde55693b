// The auditor's views of the HTML report (issue 12, section 1), run by report.test.mjs with its
// browser and helpers: IG1 coverage, evidence for passing results, the by-check view, the text
// filter, one card per unreachable host, and the summary detail that prints in few pages.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// The page count of a PDF, from pdfinfo.
function pdfPages(pdf) {
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)/m.exec(info)[1]);
}

export function addViewTests({ test, open, visible, pdfText, browser, bin, record, recordPath, artifacts, sourceDir, scanned, unscanned }) {
  const catalog = record.catalog.safeguards;
  const ig1 = Object.keys(catalog).filter((id) => catalog[id].ig1);
  const mark = (id) => (catalog[id] && !catalog[id].ig1 ? ` (${catalog[id].ig2 ? 'IG2' : 'IG3'})` : '');
  const checkIds = [...new Set(record.hosts.flatMap((h) => h.results.map((r) => r.check_id)))];

  async function renderTo(dir, input, extra = []) {
    fs.mkdirSync(dir, { recursive: true });
    execFileSync(bin, ['report', input, '--format', 'html', '--out', dir, ...extra], { stdio: 'ignore' });
    return path.join(dir, 'report.html');
  }

  test('IG1 coverage lists all IG1 safeguards with their state, linked to their checks', async () => {
    const { context, page } = await open();
    assert.equal(ig1.length, 56, 'the record\'s catalog has 56 IG1 safeguards');
    const rows = page.locator('#coverage table.coverage tbody tr');
    assert.equal(await rows.count(), 56);
    const ids = await page.locator('#coverage tbody th').allTextContents();
    assert.deepEqual(new Set(ids), new Set(ig1));
    for (const id of ids) {
      const tally = record.scores.safeguards[id];
      const state = await page.locator('#coverage tbody tr', { has: page.locator('th', { hasText: new RegExp(`^${id.replace('.', '\\.')}$`) }) })
        .getAttribute('data-state');
      const want = !tally ? 'not_assessed'
        : typeof tally.score === 'number' ? 'automated'
          : tally.attested ? 'attested'
            : tally.counts.manual > 0 ? 'manual'
              : tally.state === 'not_applicable' ? 'not_applicable' : 'not_assessed';
      assert.equal(state, want, `state of ${id}`);
    }
    // 5.2 has automated results: its row shows the fleet score and links to each of its checks.
    const row = page.locator('#coverage tbody tr', { has: page.locator('th', { hasText: /^5\.2$/ }) });
    assert.match(await row.innerText(), new RegExp(`automated: ${record.scores.safeguards['5.2'].score}`));
    const links = row.locator('a');
    const want = checkIds.filter((c) => record.hosts[0].results.find((r) => r.check_id === c).safeguards.includes('5.2'));
    assert.deepEqual(await links.allTextContents(), want);
    await links.first().click();
    const target = (await links.first().getAttribute('href')).slice(1);
    // Revealed on the hashchange event after the click: wait for it (ctest's timeout bounds it).
    await page.locator(`[id="${target}"]`).waitFor({ state: 'visible', timeout: 0 });
    assert.equal(await page.locator(`[id="${target}"]`).isVisible(), true, 'the link opens the by-check view');
    assert.equal(await page.locator(`[id="${target}"]`).getAttribute('open'), '');
    // Safeguards outside IG1 are marked as such: in the heatmap under their own heading, and on cards.
    const others = await page.locator('table.heatmap thead th.ig-other[scope="col"]').allTextContents();
    assert.ok(others.length > 0);
    for (const id of ['3.10', '3.11', '4.8', '8.5'].filter((s) => record.scores.safeguards[s])) {
      assert.ok(others.some((t) => t.startsWith(id) && t.includes('IG2')), `${id} is under the IG2/IG3 heading`);
    }
    assert.equal(await page.locator('table.heatmap thead th[scope="colgroup"].ig-other').innerText(), 'IG2/IG3 only, outside IG1');
    const cardText = await page.locator('#findings').innerText();
    assert.ok(cardText.includes('3.10 (IG2)'), 'a finding names 3.10 as IG2');
    await context.close();
  });

  test('every passing result has its evidence, folded, with the deciding line marked and its rationale', async () => {
    const { context, page } = await open();
    const passes = scanned.reduce((n, h) => n + h.results.filter((r) => r.status === 'pass').length, 0);
    assert.equal(await page.locator('details.result[data-status="pass"]').count(), passes);
    assert.equal(await page.locator('details.result[open]').count(), 0, 'folded by default');
    const host = record.hosts.find((h) => h.name === 'hardened');
    const result = host.results.find((r) => r.check_id === 'deb12-login-defs-pass-max-days');
    const card = page.locator('section.host[data-host="hardened"] details.result', { has: page.locator('summary .mono', { hasText: /^deb12-login-defs-pass-max-days$/ }) });
    assert.equal(await card.locator('pre.output').isVisible(), false);
    await card.locator('summary').click();
    const text = await card.innerText();
    assert.ok(text.includes(result.rationale), 'the rationale is on the card');
    assert.ok(text.includes(result.title) && text.includes(result.expected), 'the expectation in words beside its test');
    assert.equal(await card.locator('code.rule').innerText(), result.expected);
    assert.deepEqual(await card.locator('pre.output mark').allTextContents(), [result.observed], 'the deciding line is marked');
    const probe = host.probes.find((p) => p.id === result.probe_ids[0]);
    assert.ok(text.includes(probe.output_sha256));
    // A passing result whose probe printed nothing says so.
    const empty = page.locator('section.host[data-host="hardened"] details.result', { has: page.locator('summary .mono', { hasText: /^deb12-shadow-no-empty-passwords$/ }) });
    await empty.locator('summary').click();
    assert.equal(await empty.locator('pre.output').innerText(), '(empty)');
    await context.close();
  });

  test('the by-check view shows one check across every scanned host', async () => {
    const { context, page } = await open();
    assert.equal(await visible(page, 'details.check'), 0, 'the view by host is the default');
    const started = Date.now();
    await page.selectOption('#filter-view', 'check');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    console.log(`# by-check view shown in ${Date.now() - started} ms`);
    assert.equal(await visible(page, 'details.check'), checkIds.length);
    assert.equal(await visible(page, '#findings'), 0);
    assert.equal(await visible(page, '#hosts'), 0);
    const check = page.locator('details.check', { has: page.locator('summary .mono', { hasText: /^deb12-sysctl-ip-forward$/ }) });
    await check.locator('summary').click();
    const rows = check.locator('tbody tr');
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => [tr.dataset.host, tr.dataset.status])),
      scanned.map((h) => [h.name, h.results.find((r) => r.check_id === 'deb12-sysctl-ip-forward').status]));
    // A host's row leads to that result's evidence in the view by host.
    await rows.last().locator('a').click();
    const target = await page.evaluate(() => location.hash.slice(1));
    // Revealed on the hashchange event after the click: wait for it (ctest's timeout bounds it).
    await page.locator(`[id="${target}"]`).waitFor({ state: 'visible', timeout: 0 });
    assert.equal(await page.locator(`[id="${target}"]`).isVisible(), true);
    assert.equal(await visible(page, 'details.check'), 0);
    await context.close();
  });

  test('the text filter matches host, check id, title and safeguard', async () => {
    const { context, page } = await open();
    const cards = (term) => {
      const t = term.toLowerCase();
      let n = 0;
      for (const h of record.hosts) {
        if (unscanned(h)) {
          n += `${h.name} ${h.status}`.toLowerCase().includes(t) ? 1 : 0;
          continue;
        }
        for (const r of h.results.filter((x) => ['fail', 'error', 'waived'].includes(x.status))) {
          const q = [h.name, r.check_id, r.title, r.safeguards.map((s) => s + mark(s)).join(', ')].join(' ');
          n += q.toLowerCase().includes(t) ? 1 : 0;
        }
      }
      return n;
    };
    for (const term of ['UNHARDENED', 'hostile', '3.10', 'never-matches-anything']) {
      const started = Date.now();
      await page.fill('#filter-text', term);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      console.log(`# text filter "${term}" applied in ${Date.now() - started} ms`);
      assert.equal(await visible(page, 'article.finding'), cards(term), `findings for "${term}"`);
    }
    await page.fill('#filter-text', 'unhardened');
    assert.equal(await visible(page, 'section.host'), 1);
    assert.equal(await visible(page, 'section.host[data-host="unhardened"] details.result'),
      record.hosts.find((h) => h.name === 'unhardened').results.length, 'every result of a matching host');
    await page.fill('#filter-text', 'deb12-sshd-use-pam');
    assert.equal(await visible(page, 'details.result'), scanned.length, 'one result per scanned host');
    await page.selectOption('#filter-view', 'check');
    assert.equal(await visible(page, 'details.check'), 1);
    await page.fill('#filter-text', 'unhardened');
    assert.equal(await visible(page, 'details.check'), checkIds.length, 'every check has a row of the host');
    await page.locator('details.check summary').first().click();
    assert.equal(await visible(page, 'details.check[open] tbody tr'), 1);
    await page.click('#filter-reset');
    assert.equal(await page.inputValue('#filter-text'), '');
    assert.equal(await visible(page, 'details.check[open] tbody tr'), scanned.length);
    await context.close();
  });

  test('an unreachable host is one card with its reason', async () => {
    const { context, page } = await open();
    const offline = record.hosts.filter(unscanned);
    assert.ok(offline.length > 0, 'the record has an unreachable host');
    for (const host of offline) {
      const group = page.locator('section.fgroup', { has: page.locator(`h3 a:text-is("${host.name}")`) });
      assert.equal(await group.locator('article.finding').count(), 1);
      const text = await group.locator('article.finding').textContent(); // innerText is empty while the section is skipped (content-visibility)
      assert.ok(text.includes(host.reason), 'the card gives the reason');
      assert.ok(text.includes(`${host.results.length} checks`));
      assert.equal(await page.locator(`section.host[data-host="${host.name}"] details.result`).count(), 0);
    }
    await context.close();
  });

  test('--html-detail summary prints a 50-host x 300-check run in at most 30 pages', async () => {
    // The fleet record in summary: its sections, and no per-result card.
    const dir = path.join(artifacts, 'summary');
    const report = await renderTo(dir, recordPath, ['--html-detail', 'summary']);
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests = [];
    context.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(report).href);
    assert.deepEqual(await page.locator('main h2').allTextContents(), ['Executive summary', 'IG1 coverage', 'Controls',
      'Heatmap', 'Failing checks', 'Risk register', 'Waivers', 'Attestations', 'Run metadata']);
    assert.equal(await page.locator('details.result, article.finding, #risk-table tr.risk-detail').count(), 0);
    assert.equal(await page.locator('#coverage tbody tr').count(), 56);
    assert.equal(await page.locator('table.risks tbody tr').count(), record.risk.entries.length);
    assert.deepEqual(requests, [pathToFileURL(report).href]);
    const pdf = path.join(dir, 'report.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    assert.ok(pdfText(pdf).includes('IG1 coverage'));
    await context.close();
    // A 50-host x 300-check record made by the benchmark's generator, two hosts unreachable.
    const big = path.join(artifacts, 'fleet-50x300.json');
    execFileSync('python3', [path.join(sourceDir, 'benchmarks', 'make_record.py'), big, '--hosts', '50',
      '--checks', '300', '--catalog', recordPath, '--unreachable', '2']);
    const register = path.join(sourceDir, 'checks', 'risk', 'register.yaml');
    const bigReport = await renderTo(path.join(artifacts, 'summary-50x300'), big,
      ['--html-detail', 'summary', '--risk', register]);
    const bigPage = await browser.newPage();
    await bigPage.goto(pathToFileURL(bigReport).href);
    const bigPdf = path.join(artifacts, 'summary-50x300', 'report.pdf');
    await bigPage.pdf({ path: bigPdf, format: 'A4', printBackground: true });
    await bigPage.close();
    const pages = pdfPages(bigPdf);
    console.log(`# summary of 50 hosts x 300 checks: ${pages} pages (${bigPdf})`);
    assert.ok(pages <= 30, `${pages} pages`);
    assert.ok(pages >= 5, `${pages} pages: the summary is there`);
  });

  test('--html-detail rejects an unknown value in one line, exit 2', async () => {
    const run = spawnSync(bin, ['report', recordPath, '--format', 'html', '--html-detail', 'everything',
      '--out', path.join(artifacts, 'bad')], { encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--html-detail/);
    assert.ok(!fs.existsSync(path.join(artifacts, 'bad', 'report.html')));
  });
}
