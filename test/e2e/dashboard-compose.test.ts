// The compose project page's live parts, in a real browser against a real berthd and `berth
// dashboard`: "waiting on X" while a dependency's healthcheck has not passed, compose's progress
// streamed while an action runs, and the per-service actions (restart only one service).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startDaemon, type Daemon } from '../integration/harness.js';
import { e2eSkipReason, openSignedInPage, shot, startDashboard, stopDashboard } from './support/dashboard.js';

const P = 'e2ecompose';
// web turns healthy only once the test touches /tmp/ready: its "slow" healthcheck passes when the
// test says so, so the page is checked while worker waits, without racing a timer.
const COMPOSE = `name: ${P}
services:
  web:
    image: busybox
    command: sleep 600
    network_mode: none
    stop_grace_period: 1s
    healthcheck:
      test: ["CMD-SHELL", "test -e /tmp/ready"]
      interval: 1s
      retries: 600
  worker:
    image: busybox
    command: sleep 600
    network_mode: none
    stop_grace_period: 1s
    depends_on:
      web:
        condition: service_healthy
`;

describe('berth dashboard compose project page in a browser', { skip: e2eSkipReason() }, () => {
  let d: Daemon;
  let dash: { proc: ChildProcess; loginUrl: string; base: string };
  let browser: Browser;
  let page: Page;
  let dir: string;
  const startedAt = async (name: string) => (await d.docker(['inspect', '-f', '{{.State.StartedAt}}', name])).stdout.trim();
  const service = (name: string) => `.compose-project tr[data-service="${name}"]`;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'berth-e2e-compose-'));
    d = await startDaemon({ name: 'dashcompose', defaultNetwork: 'none' });
    dash = await startDashboard(d);
    ({ browser, page } = await openSignedInPage(dash.loginUrl));
  });
  after(async () => {
    await browser?.close();
    if (dash) await stopDashboard(dash.proc);
    await d?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('up streams its progress; worker shows "waiting on web" until web is healthy, then both run', async () => {
    const file = path.join(dir, 'compose.yaml');
    writeFileSync(file, COMPOSE);
    await page.click('header nav a[href="#/compose"]');
    await page.fill('input.compose-path', file);
    await page.click('button.compose-up');
    // The up is still running (worker waits on web's health: compose says "Waiting" on the awaited
    // container's line) and its lines are already shown.
    await page.waitForSelector(`.compose-progress[data-busy="yes"] .progress-line:has-text("Container ${P}-web-1  Waiting")`, { timeout: 60_000 });
    assert.match((await page.textContent('.compose-progress')) ?? '', new RegExp(`Container ${P}-web-1 +Started`));
    await shot(page, 'compose-progress');

    await page.click(`tr[data-project="${P}"] td.name a`);
    await page.waitForSelector(`${service('worker')}[data-waiting="yes"]`, { timeout: 30_000 });
    assert.equal((await page.textContent(`${service('worker')} td.waiting`))?.trim(), 'waiting on web (healthy)');
    assert.equal(await page.locator(service('web')).getAttribute('data-waiting'), 'no');
    await shot(page, 'compose-waiting');

    await d.docker(['exec', `${P}-web-1`, 'touch', '/tmp/ready']);
    await page.waitForSelector(`${service('worker')}[data-running="1"][data-waiting="no"]`, { timeout: 60_000 });
    await page.waitForSelector(`${service('web')}[data-running="1"]`);
    assert.equal((await page.textContent(`${service('worker')} td.waiting`))?.trim(), '');
    // Each replica links to its container page and its log.
    const webId = (await d.docker(['inspect', '-f', '{{.Id}}', `${P}-web-1`])).stdout.trim();
    assert.equal(await page.locator(`${service('web')} a.logs-link`).getAttribute('href'), `#/containers/h0/${webId}/logs`);
  });

  it('a per-service restart restarts only that service; stop and start act on it alone', async () => {
    const webBefore = await startedAt(`${P}-web-1`);
    const workerBefore = await startedAt(`${P}-worker-1`);
    await page.click(`${service('worker')} button[data-action="restart"]`);
    await page.waitForSelector('.compose-progress[data-busy="no"] .done-line', { timeout: 60_000 });
    assert.match((await page.textContent('.compose-progress')) ?? '', new RegExp(`Container ${P}-worker-1 +Started[\\s\\S]*restart worker: done`));
    assert.notEqual(await startedAt(`${P}-worker-1`), workerBefore, 'worker restarted');
    assert.equal(await startedAt(`${P}-web-1`), webBefore, 'web left alone');
    await shot(page, 'compose-service-actions');

    await page.click(`${service('worker')} button[data-action="stop"]`);
    await page.waitForSelector(`${service('worker')}[data-running="0"]`, { timeout: 60_000 });
    await page.waitForSelector('.compose-progress[data-busy="no"] .done-line');
    assert.equal((await d.docker(['inspect', '-f', '{{.State.Status}}', `${P}-web-1`])).stdout.trim(), 'running');
    await page.click(`${service('worker')} button[data-action="start"]`);
    await page.waitForSelector(`${service('worker')}[data-running="1"]`, { timeout: 60_000 });
    await page.waitForSelector('.compose-progress[data-busy="no"] .done-line');
    assert.equal(await startedAt(`${P}-web-1`), webBefore, 'web left alone');
  });
});
