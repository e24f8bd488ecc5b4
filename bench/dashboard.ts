// The dashboard under load (issue 15), in headless chromium against its own berthd (the
// integration harness) with N running containers, and with a dockerd column (bench/lib/run-bench.ts:
// `--dockerd` or BENCH_DOCKERD) the same against Debian's dockerd (`berth dashboard -H` its socket):
//
// - time to first paint of the containers page (first-contentful-paint) and until all N rows are
//   in the table, p50 of --loads page loads;
// - time from `docker run -d` returning to its row appearing (running) on an open page, p50/p95 of --runs;
// - CPU (share of one core) of the engine and of the dashboard process while 5 pages watch the
//   stats of --watched containers for --window seconds (the rows on screen stream stats), against
//   a polling client making Portainer's requests instead: every 5 s, per page,
//   GET /containers/json?all=1 and GET /containers/{id}/stats?stream=false for each watched one.
//
// BENCH_DASHBOARD_BERTH=/path/to/dist/berth.mjs serves the dashboard with another build (a before /
// after comparison of the dashboard alone).
//
//   npm run build && node build/bench/dashboard.js [--containers 200] [--watched 50] [--window 30] [--runs 10] [--loads 5] [--dockerd]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { BERTH, apiRequest } from '../test/integration/harness.js';
import { benchFlagOptions, progress, runBench, type BenchTarget } from './lib/run-bench.js';
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
    ...benchFlagOptions,
  },
});
const N = Number(flags.containers);
const WATCHED = Number(flags.watched);
const WINDOW_S = Number(flags.window);
const PAGES = 5;
const ROW_PX = 34;
const CLK_TCK = 100;
const DASHBOARD_BERTH = process.env.BENCH_DASHBOARD_BERTH || BERTH;

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** CPU share of one core (percent) of each group of pids (summed) over WINDOW_S seconds while `during` runs. */
async function cpuOver(groups: number[][], during: (stop: AbortSignal) => Promise<void>): Promise<number[]> {
  const stop = new AbortController();
  const work = during(stop.signal);
  await new Promise((r) => setTimeout(r, 5000)); // warm-up: streams open, first samples in
  const total = (pids: number[]) => pids.reduce((sum, p) => sum + cpuSeconds(p), 0);
  const c0 = groups.map(total);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
  const share = groups.map((g, i) => ((total(g) - c0[i]) / ((performance.now() - t0) / 1000)) * 100);
  stop.abort();
  await work;
  return share;
}

function startDashboard(host: string): Promise<{ proc: ChildProcess; loginUrl: string; base: string }> {
  const proc = spawn(process.execPath, [DASHBOARD_BERTH, 'dashboard', '--addr', '127.0.0.1:0', '-H', host], { stdio: ['ignore', 'pipe', 'inherit'] });
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

interface Result {
  fcp: number[];
  allRows: number[];
  appear: number[];
  /** docker run returned → the first WebSocket frame naming the new container reached the page. */
  framed: number[];
  /** CPU % of the engine and of the dashboard process while pages watch; of the engine while clients poll. */
  pushed: number[];
  polled: number;
  load: number[];
}

/** Every measurement against one engine (its own dashboard process). */
async function measure(t: BenchTarget, browser: Browser, label: string): Promise<Result> {
  const host = t.env.DOCKER_HOST!;
  const sock = host.replace(/^unix:\/\//, '');
  const load0 = loadavg()[0];
  const run = async (name: string) => {
    const r = await t.docker(['run', '-d', '--network', 'none', '--label', label, '--name', name, 'busybox', 'sleep', '3600'], 120_000);
    if (r.code !== 0) throw new Error(`${t.name}: ${r.stderr}`);
  };
  progress(`${t.name}: ${N} running containers`);
  await mapLimit(N, 8, (i) => run(`bench-${i}`));
  const dash = await startDashboard(host);
  try {
    progress(`${t.name}: first paint`);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(dash.loginUrl);
    await rowsShown(page, N);
    const fcp: number[] = [];
    const allRows: number[] = [];
    for (let i = 0; i < Number(flags.loads); i++) {
      await page.reload();
      await rowsShown(page, N);
      const m = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        now: performance.now(),
      }));
      fcp.push(m.fcp);
      allRows.push(m.now);
    }

    progress(`${t.name}: docker run → row`);
    const appear: number[] = [];
    const framed: number[] = [];
    // When each frame reached the page (CDP tells playwright as it happens): splits the time into
    // the server's part (event → relay → frame) and the page's (frame → row in the table).
    const frames: { at: number; text: string }[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push({ at: performance.now(), text: String(f.payload) })));
    await page.reload();
    await rowsShown(page, N);
    for (let i = 0; i < Number(flags.runs); i++) {
      const name = `bench-run-${i}`;
      frames.length = 0;
      await run(name);
      const t0 = performance.now();
      await page.waitForSelector(`tr[data-name="${name}"][data-state="running"]`, { timeout: 60_000 });
      appear.push(performance.now() - t0);
      const first = frames.find((f) => f.text.includes(`"/${name}"`) && f.text.includes('"running"'));
      framed.push(first ? Math.max(0, first.at - t0) : NaN);
      await t.docker(['rm', '-f', name]);
    }
    await context.close();

    const daemon = await t.daemonPids();
    const pids = [daemon, [dash.proc.pid!]];
    progress(`${t.name}: ${PAGES} pages watching ${WATCHED} containers' stats for ${WINDOW_S} s`);
    const pushed = await cpuOver(pids, async (stop) => {
      // A window tall enough for WATCHED rows: those rows are on screen, so they stream stats.
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 200 + WATCHED * ROW_PX } });
      for (let i = 0; i < PAGES; i++) {
        const p = await ctx.newPage();
        await p.goto(i === 0 ? dash.loginUrl : dash.base);
        await rowsShown(p, N);
      }
      await new Promise((r) => stop.addEventListener('abort', r));
      await ctx.close();
    });

    progress(`${t.name}: a polling client (Portainer's requests) x ${PAGES} for ${WINDOW_S} s`);
    const ids = (await t.docker(['ps', '-q', '--no-trunc', '--filter', `label=${label}`])).stdout.split('\n').filter(Boolean).slice(0, WATCHED);
    const [polled] = await cpuOver([daemon], async (stop) => {
      const poll = async () => {
        while (!stop.aborted) {
          const round = new Promise((r) => setTimeout(r, 5000));
          await apiRequest(sock, 'GET', '/containers/json?all=1');
          await mapLimit(ids.length, 10, (i) => apiRequest(sock, 'GET', `/containers/${ids[i]}/stats?stream=false`, undefined, { timeoutMs: 60_000 }));
          await round;
        }
      };
      await Promise.all(Array.from({ length: PAGES }, poll));
    });
    return { fcp, allRows, appear, framed, pushed, polled, load: [load0, loadavg()[0]] };
  } finally {
    dash.proc.kill('SIGTERM');
  }
}

await runBench({ name: 'benchdash', defaultNetwork: 'none', flags }, async ({ targets, label, onCleanup }) => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  onCleanup(() => browser.close());
  const results: Result[] = [];
  for (const t of targets) results.push(await measure(t, browser, label));
  const p50 = (v: number[]) => percentile(v, 50);
  const pct = (v: number) => `${v.toFixed(1)} %`;
  const row = (what: string, f: (r: Result) => string | undefined) => [what, ...results.map(f)];
  process.stdout.write(`\n## dashboard with ${N} running containers (load average 1 min at start / end of each column: ${results.map((r) => r.load.map((l) => l.toFixed(1)).join(' / ')).join(', ')})\n\n`);
  process.stdout.write(
    markdownTable(
      ['measure', ...targets.map((t) => t.name)],
      [
        row('containers page: first contentful paint, p50', (r) => ms(p50(r.fcp))),
        row(`containers page: all ${N} rows shown, p50`, (r) => ms(p50(r.allRows))),
        row('docker run returned → row shown, p50', (r) => ms(p50(r.appear))),
        row('docker run returned → row shown, p95', (r) => ms(percentile(r.appear, 95))),
        row("docker run returned → the row's frame reached the page, p50", (r) => ms(p50(r.framed.filter((v) => !Number.isNaN(v))))),
        row(`engine CPU, ${PAGES} dashboard pages watching ${WATCHED} containers (pushed stats)`, (r) => pct(r.pushed[0])),
        row(`dashboard server CPU, same`, (r) => pct(r.pushed[1])),
        row(`engine CPU, ${PAGES} polling clients (Portainer's requests every 5 s)`, (r) => pct(r.polled)),
      ],
    ),
  );
  process.stdout.write(`\n\nrun → row, every run (ms): ${results.map((r, i) => `${targets[i].name}: ${r.appear.map((v) => v.toFixed(0)).join(' ')}`).join('; ')}\n`);
});
