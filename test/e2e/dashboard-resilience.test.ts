// The dashboard survives what breaks a page's connection, in a real browser against a real berthd:
// `berth dashboard` restarted (same --token-file, --state-dir and address) and the open page is
// live again without a new login, its actions still allowed (the CSRF token was kept); and a
// terminal whose WebSocket drops is taken up again, the same shell (a variable set before is
// still set after).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDaemon, type Daemon } from '../integration/harness.js';
import { CHROMIUM, e2eSkipReason, freePort, shot, startDashboard, stopDashboard } from './support/dashboard.js';

async function terminalHasLine(page: Page, line: string, timeout = 20_000): Promise<void> {
  try {
    await page.waitForFunction((want) => [...document.querySelectorAll('.xterm-rows > div')].some((r) => (r.textContent ?? '').trim() === want), line, { timeout });
  } catch (e) {
    const rows = await page.evaluate(() => [...document.querySelectorAll('.xterm-rows > div')].map((r) => r.textContent ?? '').filter((t) => t.trim()));
    throw new Error(`no line ${JSON.stringify(line)} in the terminal: ${JSON.stringify(rows)}`, { cause: e });
  }
}

describe('berth dashboard survives restarts and dropped sockets', { skip: e2eSkipReason() }, () => {
  let d: Daemon;
  let dir: string;
  let dashArgs: { addr: string; args: string[] };
  let dash: { proc: ChildProcess; loginUrl: string; base: string } | undefined;
  let browser: Browser;
  let page: Page;

  before(async () => {
    d = await startDaemon({ name: 'dashresil', defaultNetwork: 'none' });
    dir = mkdtempSync(path.join(tmpdir(), 'berth-dash-resil-'));
    writeFileSync(path.join(dir, 'token'), 'resilience-test-token\n', { mode: 0o600 });
    dashArgs = { addr: `127.0.0.1:${await freePort()}`, args: ['--token-file', path.join(dir, 'token'), '--state-dir', path.join(dir, 'state')] };
    dash = await startDashboard(d, dashArgs.args, dashArgs.addr);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const run = await d.docker(['run', '-d', '--name', 'resil', 'busybox', 'sleep', '600']);
    assert.equal(run.code, 0, run.stderr);
  });
  after(async () => {
    await browser?.close();
    if (dash) await stopDashboard(dash.proc);
    await d?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a restarted dashboard takes the open page back: live, signed in, actions allowed', async () => {
    await page.goto(dash!.loginUrl);
    await page.waitForSelector('tr[data-name="resil"][data-state="running"]');
    await page.waitForSelector('.conn.up');
    const first = dash!.loginUrl;

    await stopDashboard(dash!.proc);
    dash = undefined;
    await page.waitForSelector('.conn.down');
    const files = readdirSync(path.join(dir, 'state'));
    assert.equal(files.length, 1, `one sessions file: ${files.join(', ')}`);
    const file = path.join(dir, 'state', files[0]);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const cookie = (await page.context().cookies()).find((c) => c.name === 'berth_dashboard');
    assert.ok(cookie);
    assert.ok(!readFileSync(file, 'utf8').includes(cookie.value), 'the file holds no session id');

    dash = await startDashboard(d, dashArgs.args, dashArgs.addr);
    assert.equal(dash.loginUrl, first, 'the same login URL (the token comes from --token-file)');
    await page.waitForSelector('.conn.up', { timeout: 30_000 });
    // Live: a container started now shows up, pushed over the new socket.
    const run = await d.docker(['run', '-d', '--name', 'resil-after', 'busybox', 'sleep', '600']);
    assert.equal(run.code, 0, run.stderr);
    await page.waitForSelector('tr[data-name="resil-after"][data-state="running"]', { timeout: 15_000 });
    assert.equal(await page.locator('.signed-out').count(), 0);
    // Signed in with the same CSRF token: the stop button's POST is allowed.
    await page.click('tr[data-name="resil-after"] button[data-action="stop"]');
    await page.waitForSelector('tr[data-name="resil-after"][data-state="exited"]', { timeout: 30_000 });
    await shot(page, 'resilience-restarted');
  });

  it('a terminal survives its WebSocket dropping: the same shell, the output meanwhile replayed', async () => {
    await page.goto(`${dash!.base}#/containers/h0/resil/terminal`);
    await page.waitForFunction(() => document.querySelector('.terminal-status')?.textContent === 'connected');
    await page.click('.terminal-box');
    await page.keyboard.type('export X=kept\n');
    // Output the shell makes while the page is away is held for it.
    await page.keyboard.type('sleep 2; echo late-$X\n');
    await page.evaluate(() => (document.querySelector('.terminal-box') as HTMLElement & { dropConnection(): void }).dropConnection());
    await page.waitForFunction(() => document.querySelector('.terminal-status')?.textContent === 'connected (resumed)', undefined, { timeout: 30_000 });
    await terminalHasLine(page, 'late-kept');
    await page.click('.terminal-box');
    await page.keyboard.type('echo $X\n');
    await terminalHasLine(page, 'kept');
    await shot(page, 'resilience-terminal');
  });
});
