// The dashboard under load (issue 15), in headless chromium against its own berthd (the
// integration harness) with N running containers:
//
// - time to first paint of the containers page (first-contentful-paint) and until all N rows are
//   in the table, p50 of --loads page loads;
// - time from `docker run -d` returning to its row appearing on an open page, p50/p95 of --runs;
// - CPU (share of one core) of berthd and of the dashboard process while 5 pages watch the stats
//   of --watched containers for --window seconds (the rows on screen stream stats), against a
//   polling client making Portainer's requests instead: every 5 s, per page,
//   GET /containers/json?all=1 and GET /containers/{id}/stats?stream=false for each watched one.
//
//   npm run build && node build/bench/dashboard.js [--containers 200] [--watched 50] [--window 30] [--runs 10] [--loads 5]
import { readFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { BERTH, integrationSkipReason, startDaemon, type Daemon } from '../test/integration/harness.js';
import { percentile } from './lib/stats.js';
import { mapLimit } from './lib/timing.js';
import { markdownTable, ms } from './lib/table.js';

const { values: flags } = parseArgs({
  options: {
    containers: { type: 'string', default: '200' },
    watched: { type: 'string', default: '50' },
    window: { type: 'string', default: '30' },
    runs: { type: 'string', default: '10' },
    loads: { type: 'string', default: '5' },
  },
});
const N = Number(flags.containers);
const WATCHED = Number(flags.watched);
const WINDOW_S = Number(flags.window);
const PAGES = 5;
const ROW_PX = 34;
const CLK_TCK = 100;
const progress = (m: string) => process.stderr.write(`# ${m}\n`);

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** CPU share of one core (percent) of each pid over WINDOW_S seconds while `during` runs. */
async function cpuOver(pids: number[], during: (stop: AbortSignal) => Promise<void>): Promise<number[]> {
  const stop = new AbortController();
  const work = during(stop.signal);
  await new Promise((r) => setTimeout(r, 5000)); // warm-up: streams open, first samples in
  const c0 = pids.map(cpuSeconds);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
  const share = pids.map((p, i) => ((cpuSeconds(p) - c0[i]) / ((performance.now() - t0) / 1000)) * 100);
  stop.abort();
  await work;
  return share;
}

function startDashboard(d: Daemon): Promise<{ proc: ChildProcess; loginUrl: string; base: string }> {
  const proc = spawn(process.execPath, [BERTH, 'dashboard', '--addr', '127.0.0.1:0', '-H', `unix://${d.sock}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m) resolve({ proc, loginUrl: m[1], base: `${new URL(m[1]).origin}/` });
    });
    proc.once('exit', (code) => reject(new Error(`berth dashboard exited (${code})`)));
  });
}

async function rowsShown(page: Page, n: number): Promise<void> {
  await page.waitForFunction((want) => document.querySelectorAll('table.containers tbody tr').length >= want, n, { timeout: 120_000 });
}

async function main(): Promise<void> {
  const skip = integrationSkipReason();
  if (skip) throw new Error(skip);
  const d = await startDaemon({ name: 'benchdash', defaultNetwork: 'none' });
  let browser: Browser | undefined;
  let dash: { proc: ChildProcess; loginUrl: string; base: string } | undefined;
  try {
    progress(`${N} running containers`);
    await mapLimit(N, 8, async (i) => {
      const r = await d.docker(['run', '-d', '--name', `bench-${i}`, 'busybox', 'sleep', '3600'], { timeoutMs: 120_000 });
      if (r.code !== 0) throw new Error(r.stderr);
    });
    dash = await startDashboard(d);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });

    progress('first paint');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(dash.loginUrl);
    await rowsShown(page, N);
    const fcp: number[] = [];
    const allRows: number[] = [];
    for (let i = 0; i < Number(flags.loads); i++) {
      await page.reload();
      await rowsShown(page, N);
      const t = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        now: performance.now(),
      }));
      fcp.push(t.fcp);
      allRows.push(t.now);
    }

    progress('docker run → row');
    const appear: number[] = [];
    for (let i = 0; i < Number(flags.runs); i++) {
      const name = `bench-run-${i}`;
      const r = await d.docker(['run', '-d', '--name', name, 'busybox', 'sleep', '3600']);
      if (r.code !== 0) throw new Error(r.stderr);
      const t0 = performance.now();
      await page.waitForSelector(`tr[data-name="${name}"][data-state="running"]`, { timeout: 60_000 });
      appear.push(performance.now() - t0);
      await d.docker(['rm', '-f', name]);
    }
    await context.close();

    const pids = [d.process!.pid!, dash.proc.pid!];
    progress(`${PAGES} pages watching ${WATCHED} containers' stats for ${WINDOW_S} s`);
    const pushed = await cpuOver(pids, async (stop) => {
      // A window tall enough for WATCHED rows: those rows are on screen, so they stream stats.
      const ctx = await browser!.newContext({ viewport: { width: 1280, height: 200 + WATCHED * ROW_PX } });
      for (let i = 0; i < PAGES; i++) {
        const p = await ctx.newPage();
        await p.goto(i === 0 ? dash!.loginUrl : dash!.base);
        await rowsShown(p, N);
      }
      await new Promise((r) => stop.addEventListener('abort', r));
      await ctx.close();
    });

    progress(`a polling client (Portainer's requests) x ${PAGES} for ${WINDOW_S} s`);
    const ids = (await d.docker(['ps', '-q', '--no-trunc'])).stdout.split('\n').filter(Boolean).slice(0, WATCHED);
    const polled = await cpuOver(pids, async (stop) => {
      const poll = async () => {
        while (!stop.aborted) {
          const round = new Promise((r) => setTimeout(r, 5000));
          await d.api('GET', '/containers/json?all=1');
          await mapLimit(ids.length, 10, (i) => d.api('GET', `/containers/${ids[i]}/stats?stream=false`));
          await round;
        }
      };
      await Promise.all(Array.from({ length: PAGES }, poll));
    });

    const p50 = (v: number[]) => percentile(v, 50);
    process.stdout.write(`\n## dashboard with ${N} running containers\n\n`);
    process.stdout.write(
      markdownTable(
        ['measure', 'value'],
        [
          ['containers page: first contentful paint, p50', ms(p50(fcp))],
          [`containers page: all ${N} rows shown, p50`, ms(p50(allRows))],
          ['docker run returned → row shown, p50', ms(p50(appear))],
          ['docker run returned → row shown, p95', ms(percentile(appear, 95))],
        ],
      ),
    );
    process.stdout.write(`\n\n## CPU (share of one core) while ${PAGES} clients watch ${WATCHED} containers for ${WINDOW_S} s\n\n`);
    process.stdout.write(
      markdownTable(
        ['client', 'berthd', 'dashboard server'],
        [
          [`${PAGES} dashboard pages (pushed stats)`, `${pushed[0].toFixed(1)} %`, `${pushed[1].toFixed(1)} %`],
          [`${PAGES} polling clients (Portainer's requests every 5 s)`, `${polled[0].toFixed(1)} %`, 'n/a'],
        ],
      ),
    );
    process.stdout.write('\n');
  } finally {
    await browser?.close();
    dash?.proc.kill('SIGTERM');
    await d.cleanup();
  }
}

await main();
