// What the dashboard's browser tests share: the skip reason, `berth dashboard` started for a
// test daemon, and screenshots kept in test/e2e/artifacts/.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { BERTH, REPO_ROOT, integrationSkipReason, type Daemon } from '../../integration/harness.js';

export const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO_ROOT, 'test', 'e2e', 'artifacts');

export function e2eSkipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (scripts/bootstrap.sh installs Debian's chromium)`;
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'dashboard', 'index.html'))) return 'dist/dashboard is not built: run `npm run build`';
  return integrationSkipReason();
}

/**
 * Starts `berth dashboard` for the daemon (with `extraArgs`: --token-file, --state-dir, …) on
 * `addr` (default a random port) and resolves with the login URL it prints.
 */
export function startDashboard(d: Daemon, extraArgs: string[] = [], addr = '127.0.0.1:0'): Promise<{ proc: ChildProcess; loginUrl: string; base: string }> {
  const proc = spawn(process.execPath, [BERTH, 'dashboard', '--addr', addr, '-H', `unix://${d.sock}`, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m) {
        proc.stdout!.off('data', onData);
        const url = new URL(m[1]);
        resolve({ proc, loginUrl: m[1], base: `${url.origin}/` });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    proc.once('exit', (code) => reject(new Error(`berth dashboard exited (${code}) before printing its URL:\n${out}`)));
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A TCP port free on loopback now (for a dashboard that must come back on the same address). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Stops a dashboard started by startDashboard and waits until it has exited. */
export async function stopDashboard(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  await exited;
}

/** Headless Debian chromium, as every browser test launches it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/**
 * A browser with one page signed in at `loginUrl`: confirm() dialogs are accepted (their texts
 * kept in `dialogs`), and the page's uncaught errors are printed as TAP comments.
 */
export async function openSignedInPage(loginUrl: string, viewport = { width: 1280, height: 800 }): Promise<{ browser: Browser; page: Page; dialogs: string[] }> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
  page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
  await page.goto(loginUrl);
  return { browser, page, dialogs };
}
