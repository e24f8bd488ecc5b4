// The dashboard's volumes and networks pages in a real browser against a real berthd and `berth
// dashboard`: what the docker CLI does shows up by push (a volume, its user, its size after a
// write; a network and a container's addresses on it), and the page's own actions reach the
// engine (remove refused while in use then done, create, prune, connect, disconnect, remove).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { startDaemon, type Daemon } from '../integration/harness.js';
import { e2eSkipReason, openSignedInPage, shot, startDashboard } from './support/dashboard.js';

// Subnets no other test daemon of this repository uses, so runs in parallel do not collide.
const SUBNET4 = '10.213.77.0/24';
const SUBNET6 = 'fd42:e2e:77::/64';
const MADE4 = '10.213.78.0/24';

describe('berth dashboard volumes and networks pages in a browser', { skip: e2eSkipReason() }, () => {
  let d: Daemon;
  let dash: { proc: ChildProcess; loginUrl: string; base: string };
  let browser: Browser;
  let page: Page;

  const ok = async (args: string[]) => {
    const r = await d.docker(args, { timeoutMs: 60_000 });
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };

  before(async () => {
    d = await startDaemon({ name: 'dashres', defaultNetwork: 'none' });
    dash = await startDashboard(d);
    ({ browser, page } = await openSignedInPage(dash.loginUrl));
    await page.waitForSelector('header nav');
  });
  after(async () => {
    await browser?.close();
    dash?.proc.kill('SIGTERM');
    await d?.cleanup();
  });

  it('volumes: a CLI volume appears live, with its user and its size; remove is refused in use, then works; create and prune from the page', async () => {
    await page.click('header nav a[href="#/volumes"]');
    await page.waitForSelector('table.volumes');
    await ok(['volume', 'create', '--label', 'team=web', 'e2e-data']);
    const row = 'table.volumes tr[data-name="e2e-data"]';
    await page.waitForSelector(row);
    assert.equal(await page.getAttribute(row, 'data-users'), '0');

    const id = await ok(['run', '-d', '--name', 'e2e-vuser', '-v', 'e2e-data:/data', 'busybox', 'sleep', '600']);
    await page.waitForSelector(`${row}[data-users="1"] td.users a:text("e2e-vuser")`);
    assert.equal(await page.getAttribute(`${row} td.users a`, 'href'), `#/containers/h0/${id}`);

    // Data written by another container: the list is sized again when that container goes.
    await ok(['run', '--rm', '-v', 'e2e-data:/data', 'busybox', 'dd', 'if=/dev/zero', 'of=/data/blob', 'bs=1024', 'count=512']);
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-size')) >= 512 * 1024, row);
    assert.match((await page.textContent(`${row} td.size`)) ?? '', /^\d+\.\d (KiB|MiB)$/);
    await ok(['volume', 'create', 'e2e-idle']);
    await page.waitForSelector('table.volumes tr[data-name="e2e-idle"]');
    await shot(page, 'volumes');

    // In use: the engine refuses, and the page says why.
    await page.click(`${row} button[data-action="remove"]`);
    await page.waitForSelector('.volumes-page .message.error');
    assert.match((await page.textContent('.volumes-page .message.error')) ?? '', /volume is in use/);
    await ok(['rm', '-f', 'e2e-vuser']);
    await page.waitForSelector(`${row}[data-users="0"]`);
    await page.click(`${row} button[data-action="remove"]`);
    await page.waitForSelector(row, { state: 'detached' });
    assert.equal(await ok(['volume', 'ls', '-q', '--filter', 'name=e2e-data']), '');

    await page.fill('input.volume-name', 'e2e-made');
    await page.click('button.volume-create');
    await page.waitForSelector('table.volumes tr[data-name="e2e-made"]');
    await page.check('.volume-create label:has-text("named ones too") input');
    await page.click('button.volume-prune');
    await page.waitForSelector('.volumes-page .message.ok');
    assert.match((await page.textContent('.volumes-page .message.ok')) ?? '', /^Pruned 2 volumes \(.*e2e-idle.*\), reclaimed /);
    await page.waitForSelector('table.volumes tr[data-name="e2e-made"]', { state: 'detached' });
    assert.equal(await ok(['volume', 'ls', '-q']), '');
  });

  it('networks: a CLI network appears live with a container and its addresses; disconnect, connect, remove, create and prune from the page', async () => {
    await page.click('header nav a[href="#/networks"]');
    await page.waitForSelector('table.networks');
    await ok(['network', 'create', '--ipv6', '--subnet', SUBNET4, '--subnet', SUBNET6, '--label', 'tier=e2e', 'e2e-net']);
    const row = 'table.networks tr[data-name="e2e-net"]';
    await page.waitForSelector(row);
    assert.match((await page.textContent(`${row} td:nth-child(4)`)) ?? '', /10\.213\.77\.0\/24.*fd42:e2e:77::\/64/);

    await ok(['run', '-d', '--name', 'e2e-nuser', '--network', 'e2e-net', 'busybox', 'sleep', '600']);
    await page.waitForSelector(`${row}[data-containers="1"] td.attached div[data-container="e2e-nuser"]`);
    assert.match((await page.textContent(`${row} td.attached`)) ?? '', /e2e-nuser 10\.213\.77\.\d+\/24 fd42:e2e:77::[0-9a-f:]+\/64/);
    await shot(page, 'networks');

    await page.click(`${row} td.name a`);
    const attachedRow = '.network-page tr[data-container="e2e-nuser"]';
    await page.waitForSelector(attachedRow);
    const ip = (await page.textContent(`${attachedRow} td.ipv4`)) ?? '';
    const inspect = await ok(['inspect', '-f', '{{(index .NetworkSettings.Networks "e2e-net").IPAddress}} {{(index .NetworkSettings.Networks "e2e-net").MacAddress}}', 'e2e-nuser']);
    assert.equal(`${ip.replace(/\/\d+$/, '')} ${(await page.textContent(`${attachedRow} td.mac`)) ?? ''}`, inspect);
    await shot(page, 'network');

    // Removal is refused while a container is attached; the engine's words are shown.
    await page.click('.network-page > button[data-action="remove"]');
    await page.waitForSelector('.network-page .message.error');
    assert.match((await page.textContent('.network-page .message.error')) ?? '', /active endpoints/);

    await page.click(`${attachedRow} button[data-action="disconnect"]`);
    await page.waitForSelector(attachedRow, { state: 'detached' });
    // The event can come before the engine has answered the POST: the button frees when it has.
    await page.waitForSelector('form.network-connect button[type="submit"]:not([disabled])');
    assert.equal(await ok(['inspect', '-f', '{{len .NetworkSettings.Networks}}', 'e2e-nuser']), '0');
    await page.selectOption('select.connect-container', { label: 'e2e-nuser' });
    await page.click('form.network-connect button[type="submit"]');
    await page.waitForSelector(attachedRow);
    await page.click(`${attachedRow} button[data-action="disconnect"]`);
    await page.waitForSelector(attachedRow, { state: 'detached' });
    await page.click('.network-page > button[data-action="remove"]');
    await page.waitForSelector('table.networks');
    await page.waitForSelector(row, { state: 'detached' });
    assert.equal(await ok(['network', 'ls', '-q', '--filter', 'name=e2e-net']), '');

    await page.fill('input.network-name', 'e2e-made');
    await page.fill('input.network-subnet', MADE4);
    await page.click('button.network-create');
    await page.waitForSelector('table.networks tr[data-name="e2e-made"]');
    assert.match((await page.textContent('table.networks tr[data-name="e2e-made"] td:nth-child(4)')) ?? '', /10\.213\.78\.0\/24/);
    await page.click('button.network-prune');
    await page.waitForSelector('.networks-page .message.ok');
    assert.match((await page.textContent('.networks-page .message.ok')) ?? '', /^Pruned 1 network \(e2e-made\)\.$/);
    await page.waitForSelector('table.networks tr[data-name="e2e-made"]', { state: 'detached' });
    await ok(['rm', '-f', 'e2e-nuser']);
  });
});
