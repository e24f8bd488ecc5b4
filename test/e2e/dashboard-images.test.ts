// The dashboard's images pages in a real browser against a real berthd, `berth dashboard` and a
// CNCF distribution registry on loopback: busybox is pushed there with the docker CLI and removed
// locally, then pulled from the page (per-layer progress, the row appearing by push), tagged and
// removed from the page (the engine's conflict shown first), and dangling / unused images pruned.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startDaemon, type CmdResult, type Daemon } from '../integration/harness.js';
import { distributionSkip, startDistribution, type Distribution } from '../integration/support/distribution.js';
import { e2eSkipReason, openSignedInPage, shot, startDashboard } from './support/dashboard.js';

function ok(r: CmdResult, what: string): string {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  return r.stdout;
}

describe('berth dashboard images page in a browser', { skip: e2eSkipReason() ?? distributionSkip }, () => {
  let d: Daemon;
  let reg: Distribution;
  let dash: { proc: ChildProcess; loginUrl: string; base: string };
  let browser: Browser;
  let page: Page;
  let dir: string;
  let image: string;

  const images = async () => ok(await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']), 'docker images').trim();

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'berth-e2e-images-'));
    mkdirSync(path.join(dir, 'registry'));
    reg = await startDistribution(path.join(dir, 'registry'));
    image = `${reg.host}/e2e/busybox:1`;
    d = await startDaemon({ name: 'dashimg', defaultNetwork: 'none' });
    dash = await startDashboard(d);
    ({ browser, page } = await openSignedInPage(dash.loginUrl));
  });
  after(async () => {
    await browser?.close();
    dash?.proc.kill('SIGTERM');
    await d?.cleanup();
    await reg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pulls an image from the page with per-layer progress, and the row appears', async () => {
    ok(await d.docker(['tag', 'busybox', image]), 'tag');
    ok(await d.docker(['push', image], { timeoutMs: 60_000 }), 'push');
    ok(await d.docker(['rmi', image, 'busybox']), 'rmi');
    assert.equal(await images(), '');

    await page.click('header nav a[href="#/images"]');
    await page.waitForSelector('table.list.images');
    // A reference the registry does not have: the engine's error is shown.
    await page.fill('input.pull-ref', `${reg.host}/e2e/missing:1`);
    await page.click('button.pull');
    await page.waitForSelector('.pull-progress[data-state="error"] .pull-error');
    assert.match((await page.textContent('.pull-error')) ?? '', /not found|unknown|manifest/i);

    // Every layer state the page shows on the way, kept by an observer (a loopback pull is quick).
    await page.evaluate(() => {
      const seen = new Set<string>();
      (window as unknown as { seen: Set<string> }).seen = seen;
      new MutationObserver(() => document.querySelectorAll('.pull-progress .layer').forEach((e) => seen.add(e.getAttribute('data-status') ?? ''))).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
      });
    });
    await page.fill('input.pull-ref', image);
    await page.click('button.pull');
    await page.waitForSelector('.pull-progress .layer', { timeout: 60_000 });
    await page.waitForSelector('.pull-progress[data-state="done"]', { timeout: 60_000 });
    const layers = await page.$$eval('.pull-progress .layer', (els) => els.map((e) => e.getAttribute('data-status')));
    assert.ok(layers.length >= 1 && layers.every((s) => s === 'Pull complete'), `layer states: ${layers.join(', ')}`);
    const bars = await page.$$eval('.pull-progress .bar > span', (els) => els.map((e) => (e as HTMLElement).style.width));
    assert.ok(bars.every((w) => parseFloat(w) === 100), `bars: ${bars.join(', ')}`);
    const seen = await page.evaluate(() => [...(window as unknown as { seen: Set<string> }).seen]);
    // Renders coalesce (at most one a frame), so which early states show depends on timing; the
    // layer was drawn at least once before it was complete.
    assert.ok(seen.length >= 2 && seen.includes('Pull complete'), `layer states seen: ${seen.join(', ')}`);
    assert.match((await page.textContent('.pull-status')) ?? '', new RegExp(`Status: Downloaded newer image for ${image.replace(/[.]/g, '\\.')}`));
    await page.waitForSelector(`table.images tr[data-tags="${image}"]`);
    assert.match(await images(), new RegExp(`^${image.replace(/[.]/g, '\\.').replace(/:1$/, '')}:1 `));
    await shot(page, 'images');
  });

  it('tags from the image page, shows the users, refuses to remove an image in use, then removes it with force', async () => {
    await page.click(`table.images tr[data-tags="${image}"] td.name a`);
    await page.waitForSelector('.image-page table.config');
    assert.ok((await page.$$('.image-page ol.layers li')).length >= 1);
    assert.ok((await page.$$('.image-page table.history tbody tr')).length >= 1);

    await page.fill('input.tag-ref', 'e2e/tagged:v2');
    await page.click('button[data-action="tag"]');
    await page.waitForSelector('.image-page li[data-tag="e2e/tagged:v2"]');
    assert.match(await images(), /^e2e\/tagged:v2 /m);

    ok(await d.docker(['create', '--name', 'e2eimguser', image, 'true']), 'create');
    await page.waitForFunction(() => document.querySelector('.image-page .users')?.textContent === '1');
    await shot(page, 'image');

    // Without force: in use by a container (and tagged twice): the engine's conflict is shown.
    await page.click('.image-page button[data-action="remove"]');
    await page.waitForSelector('.image-page .action-error');
    assert.match((await page.textContent('.image-page .action-error')) ?? '', /conflict: unable to delete .*must be forced/);
    ok(await d.docker(['rm', 'e2eimguser']), 'rm');
    await page.waitForFunction(() => document.querySelector('.image-page .users')?.textContent === '0');
    await page.check('.image-page input.force');
    await page.click('.image-page button[data-action="remove"]');
    await page.waitForSelector('table.list.images');
    await page.waitForSelector(`table.images tr[data-tags="${image}"]`, { state: 'detached' });
    assert.equal(await images(), '');
  });

  it('prunes dangling images, then every unused one, showing the space reclaimed', async () => {
    const root = path.join(dir, 'rootfs');
    mkdirSync(root);
    writeFileSync(path.join(root, 'hello'), 'x'.repeat(4096));
    const tar = path.join(dir, 'rootfs.tar');
    execFileSync('tar', ['-cf', tar, '-C', root, '.']);
    const dangling = ok(await d.docker(['import', tar]), 'import').trim();
    ok(await d.docker(['import', tar, 'e2e/unused:1']), 'import tagged');
    await page.waitForSelector(`table.images tr[data-id="${dangling}"]`);
    await page.waitForSelector('table.images tr[data-tags="e2e/unused:1"]');

    await page.click('button[data-action="prune-dangling"]');
    await page.waitForSelector('.prune-result');
    assert.match((await page.textContent('.prune-result')) ?? '', /^Pruned 1 image, reclaimed \d/);
    await page.waitForSelector(`table.images tr[data-id="${dangling}"]`, { state: 'detached' });
    assert.match(await images(), /^e2e\/unused:1 /);

    await page.click('.prune-result');
    await page.click('button[data-action="prune-all"]');
    await page.waitForSelector('.prune-result');
    assert.match((await page.textContent('.prune-result')) ?? '', /^Pruned 1 image, reclaimed \d/);
    await page.waitForSelector('table.images tr[data-tags="e2e/unused:1"]', { state: 'detached' });
    assert.equal(await images(), '');
  });
});
