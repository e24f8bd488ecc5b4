// The dashboard's events and host pages in a real browser against a real berthd and `berth
// dashboard`: events the CLI causes show up live (and filter by type, and wait while paused);
// disk use follows the CLI by push, and a prune from the page removes what `docker ps -a` had.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { startDaemon, type Daemon } from '../integration/harness.js';
import { e2eSkipReason, openSignedInPage, shot, startDashboard } from './support/dashboard.js';

const LIVE = { timeout: 15_000 };

describe('berth dashboard events and host pages in a browser', { skip: e2eSkipReason() }, () => {
  let d: Daemon;
  let dash: { proc: ChildProcess; loginUrl: string; base: string };
  let browser: Browser;
  let page: Page;
  let dialogs: string[] = [];

  before(async () => {
    d = await startDaemon({ name: 'dashhost', defaultNetwork: 'none' });
    dash = await startDashboard(d);
    ({ browser, page, dialogs } = await openSignedInPage(dash.loginUrl, { width: 1280, height: 900 }));
  });
  after(async () => {
    await browser?.close();
    dash?.proc.kill('SIGTERM');
    await d?.cleanup();
  });

  it('events the CLI causes appear live, newest on top; the type filter and the pause work', async () => {
    await page.click('header nav a[href="#/events"]');
    await page.waitForSelector('table.events');
    const run = await d.docker(['run', '-d', '--name', 'evweb', 'busybox', 'sleep', '600']);
    assert.equal(run.code, 0, run.stderr);
    await page.waitForSelector('table.events tr[data-type="container"][data-action="start"][data-name="evweb"]', LIVE);
    // The actor links to the container's page while it exists.
    assert.match((await page.getAttribute('table.events tr[data-action="start"][data-name="evweb"] td.name a', 'href')) ?? '', /^#\/containers\/h0\/[0-9a-f]{64}$/);
    assert.equal((await d.docker(['stop', '-t', '1', 'evweb'])).code, 0);
    await page.waitForSelector('table.events tr[data-type="container"][data-action="die"][data-name="evweb"]', LIVE);
    await page.waitForSelector('table.events tr[data-type="container"][data-action="stop"][data-name="evweb"]', LIVE);
    // Newest on top: the stop came after the start.
    const actions = await page.$$eval('table.events tbody tr[data-name="evweb"]', (trs) => trs.map((tr) => tr.getAttribute('data-action')));
    assert.ok(actions.indexOf('stop') < actions.indexOf('start'), `order: ${actions.join(',')}`);
    assert.equal((await d.docker(['volume', 'create', 'evvol'])).code, 0);
    await page.waitForSelector('table.events tr[data-type="volume"][data-action="create"]', LIVE);
    await shot(page, 'events');

    await page.selectOption('select.event-type', 'volume');
    await page.waitForSelector('table.events tr[data-type="container"]', { state: 'detached' });
    assert.ok((await page.locator('table.events tr[data-type="volume"]').count()) >= 1);
    await page.selectOption('select.event-type', 'container');
    await page.waitForSelector('table.events tr[data-type="volume"]', { state: 'detached' });
    assert.ok((await page.locator('table.events tr[data-type="container"][data-name="evweb"]').count()) >= 3);
    await page.selectOption('select.event-type', '');

    // Paused: the event is received (counted) but the table stays as it was until resumed.
    await page.click('button.event-pause');
    assert.equal((await d.docker(['volume', 'create', 'evpaused'])).code, 0);
    await page.waitForFunction(() => /paused, 1 new/.test(document.querySelector('.events-page .count')?.textContent ?? ''), undefined, LIVE);
    assert.equal(await page.locator('table.events tr[data-type="volume"] td.attrs:has-text("evpaused"), table.events tr[data-type="volume"] td.name:has-text("evpaused")').count(), 0);
    await page.click('button.event-pause');
    await page.waitForSelector('table.events tr[data-type="volume"] td.name:has-text("evpaused")', LIVE);
    assert.equal((await d.docker(['rm', 'evweb'])).code, 0);
    assert.equal((await d.docker(['volume', 'rm', 'evvol', 'evpaused'])).code, 0);
  });

  it('the host page shows info and disk use, follows the CLI by push, and prunes containers', async () => {
    await page.click('header nav a[href="#/host"]');
    await page.waitForSelector('.host-info .version b:text-matches("\\\\d")', LIVE);
    await page.waitForSelector('table.df-summary tr[data-kind="Images"]:not([data-total="0"])', LIVE);
    const before = Number(await page.getAttribute('table.df-summary tr[data-kind="Containers"]', 'data-total'));
    // A stopped container that wrote to its layer: pruning it frees that.
    const created = await d.docker(['run', '-d', '--name', 'dfstopped', 'busybox', 'sh', '-c', 'head -c 100000 /dev/zero > /filler']);
    assert.equal(created.code, 0, created.stderr);
    const id = created.stdout.trim();
    assert.equal((await d.docker(['wait', id])).stdout.trim(), '0');
    await page.waitForSelector(`table.df-summary tr[data-kind="Containers"][data-total="${before + 1}"]`, LIVE);
    await page.waitForSelector('.df-detail[data-kind="containers"] tr[data-name="dfstopped"]', LIVE);
    // The info is read again after the push: its counts follow too.
    await page.waitForSelector(`.host-info .containers b:text-matches("^${before + 1}:")`, LIVE);

    await page.click('table.df-summary tr[data-kind="Containers"] button[data-prune="containers"]');
    await page.waitForSelector('.prune-result .reclaimed', LIVE);
    assert.match(dialogs.at(-1) ?? '', /all stopped containers/);
    assert.match((await page.textContent('.prune-result')) ?? '', /removed Containers 1 · reclaimed [1-9][\d.]*kB/);
    const ps = await d.docker(['ps', '-a', '--no-trunc', '--format', '{{.ID}}']);
    assert.ok(!ps.stdout.includes(id), `dfstopped is still listed:\n${ps.stdout}`);
    await page.waitForSelector(`table.df-summary tr[data-kind="Containers"][data-total="${before}"]`, LIVE);
    await page.waitForSelector('.df-detail[data-kind="containers"] tr[data-name="dfstopped"]', { state: 'detached' });
    await shot(page, 'host');
  });
});
