// The dashboard's pages beyond the containers (compose projects first), in a real browser against
// a real berthd and `berth dashboard`: one daemon, one dashboard, one browser for the file.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDaemon, type Daemon } from '../integration/harness.js';
import { CHROMIUM, e2eSkipReason, shot, startDashboard } from './support/dashboard.js';

const COMPOSE = (workerCommand: string, extra = '') => `name: e2epages
services:
  web:
    image: busybox
    command: sleep 600
    network_mode: none
    stop_grace_period: 1s
${extra}  worker:
    image: busybox
    command: ${workerCommand}
    network_mode: none
    stop_grace_period: 1s
    depends_on: [web]
`;

describe('berth dashboard pages in a browser', { skip: e2eSkipReason() }, () => {
  let d: Daemon;
  let dash: { proc: ChildProcess; loginUrl: string; base: string };
  let browser: Browser;
  let page: Page;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'berth-e2e-pages-'));
    d = await startDaemon({ name: 'dashpages', defaultNetwork: 'none' });
    dash = await startDashboard(d);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('dialog', (dialog) => void dialog.accept());
    page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
    await page.goto(dash.loginUrl);
  });
  after(async () => {
    await browser?.close();
    dash?.proc.kill('SIGTERM');
    await d?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a 2-service compose project comes up from the page, shows drift and inline errors, and goes down from the page', async () => {
    const file = path.join(dir, 'compose.yaml');
    writeFileSync(file, COMPOSE('sleep 600'));
    await page.click('header nav a[href="#/compose"]');
    await page.fill('input.compose-path', file);
    await page.click('button.compose-up');
    await page.waitForSelector('tr[data-project="e2epages"][data-state="running"][data-total="2"]', { timeout: 60_000 });
    const ps = await d.docker(['ps', '--filter', 'label=com.docker.compose.project=e2epages', '--format', '{{.Names}}']);
    assert.deepEqual(ps.stdout.trim().split('\n').sort(), ['e2epages-web-1', 'e2epages-worker-1']);
    await shot(page, 'compose-projects');

    await page.click('tr[data-project="e2epages"] td.name a');
    await page.waitForSelector('.compose-project tr[data-service="worker"][data-drift="no"]');
    await page.waitForSelector('.compose-valid');
    // The file changes under the project: the worker's hash no longer matches its container.
    writeFileSync(file, COMPOSE('sleep 601'));
    await page.click('text=reload file');
    await page.waitForSelector('.compose-project tr[data-service="worker"][data-drift="yes"]');
    assert.equal(await page.locator('.compose-project tr[data-service="web"]').getAttribute('data-drift'), 'no');
    // A key compose does not know: the loader's error is shown on the line it names.
    writeFileSync(file, COMPOSE('sleep 601', '    bogus_key: 1\n'));
    await page.click('text=reload file');
    await page.waitForSelector('.compose-file .error-line');
    assert.match((await page.textContent('.compose-file .error-line')) ?? '', /^\s*8 +bogus_key: 1 +← .*services\.web additional properties 'bogus_key' not allowed/);
    await shot(page, 'compose-project');

    writeFileSync(file, COMPOSE('sleep 600'));
    await page.click('header nav a[href="#/compose"]');
    await page.click('tr[data-project="e2epages"] button[data-action="down"]');
    await page.waitForSelector('tr[data-project="e2epages"]', { state: 'detached', timeout: 60_000 });
    const left = await d.docker(['ps', '-a', '--filter', 'label=com.docker.compose.project=e2epages', '-q']);
    assert.equal(left.stdout.trim(), '');
  });
});
