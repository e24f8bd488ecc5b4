// Network benchmarks through the docker CLI, printed as a markdown table (progress on stderr):
//  - `docker run --rm busybox true` on the default bridge (and, for reference, on a user-defined
//    network and with --network none): p50 / p95 of --runs;
//  - throughput of a published port: busybox httpd serving a --mb MB file, fetched with Node's
//    http client from 127.0.0.1:<published port> (DNAT from loopback), and straight from the
//    container's address for comparison; best and median of --fetches.
// Starts its own berthd on a temp root (the integration harness) and removes everything after.
// With a dockerd column (bench/lib/run-bench.ts: `--dockerd` or BENCH_DOCKERD) the same runs go to
// that (local) dockerd, side by side; containers and networks made there are removed after.
//
//   npm run build && node build/bench/network.js [--runs 20] [--mb 100] [--fetches 3] [--dockerd]
import http from 'node:http';
import { parseArgs } from 'node:util';
import { benchFlagOptions, progress, runBench, type BenchTarget } from './lib/run-bench.js';
import { summarize, type Summary } from './lib/stats.js';
import { markdownTable, ms, type Cell } from './lib/table.js';
import { repeat, timeCommand } from './lib/timing.js';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    mb: { type: 'string', default: '100' },
    fetches: { type: 'string', default: '3' },
    ...benchFlagOptions,
  },
});
const RUNS = Number(flags.runs);
const MB = Number(flags.mb);
const FETCHES = Number(flags.fetches);
const LABEL = `berth.bench=net-${process.pid}-${Date.now()}`;
const NET_NAME = `benchnet${process.pid}`;

type Target = BenchTarget;

interface Results {
  runBridge?: Summary;
  runUserNet?: Summary;
  runNone?: Summary;
  /** MB/s through the published port on 127.0.0.1, and straight to the container's address. */
  publishedBest?: number;
  publishedMedian?: number;
  directBest?: number;
  directMedian?: number;
}

async function docker(t: Target, args: string[], timeoutMs = 120_000): Promise<string> {
  const r = await t.docker(args, timeoutMs);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} on ${t.name} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

async function timeRuns(t: Target, extra: string[]): Promise<Summary> {
  const args = ['run', '--rm', '--label', LABEL, ...extra, 'busybox', 'true'];
  const samples = await repeat(RUNS, async () => (await timeCommand('docker', args, { env: t.env })).ms, 2);
  return summarize(samples);
}

/** Fetches `path` and returns MB/s over the whole body (from request to last byte). */
function fetchRate(host: string, port: number, path: string, expectBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let bytes = 0;
    const req = http.get({ host, port, path, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`GET ${host}:${port}${path}: ${res.statusCode}`));
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('error', reject);
      res.on('end', () => {
        if (bytes !== expectBytes) return reject(new Error(`GET ${host}:${port}${path}: ${bytes} of ${expectBytes} bytes`));
        const secs = Number(process.hrtime.bigint() - start) / 1e9;
        resolve(bytes / (1024 * 1024) / secs);
      });
    });
    req.setTimeout(120_000, () => req.destroy(new Error('fetch timed out')));
    req.on('error', reject);
  });
}

async function waitForHttp(host: string, port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const req = http.get({ host, port, path: '/ready', agent: false, timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`httpd on ${host}:${port} never answered`);
}

async function throughput(t: Target, res: Results): Promise<void> {
  const bytes = MB * 1024 * 1024;
  // The file is written before the server starts; /ready appears last, so a 200 means "all there".
  const script = `mkdir -p /www && dd if=/dev/zero of=/www/big bs=1048576 count=${MB} 2>/dev/null && echo ok > /www/ready && exec httpd -f -p 80 -h /www`;
  const id = await docker(t, ['run', '-d', '--label', LABEL, '-p', '127.0.0.1::80', 'busybox', 'sh', '-c', script]);
  try {
    const port = Number((await docker(t, ['port', id, '80'])).split('\n')[0].split(':').pop());
    const ip = await docker(t, ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', id]);
    await waitForHttp('127.0.0.1', port);
    const published: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < FETCHES; i++) {
      published.push(await fetchRate('127.0.0.1', port, '/big', bytes));
      if (ip) direct.push(await fetchRate(ip, 80, '/big', bytes));
    }
    const s = summarize(published);
    res.publishedBest = Math.max(...published);
    res.publishedMedian = s.p50;
    if (direct.length) {
      res.directBest = Math.max(...direct);
      res.directMedian = summarize(direct).p50;
    }
  } finally {
    await docker(t, ['rm', '-f', id]).catch(() => undefined);
  }
}

async function benchTarget(t: Target): Promise<Results> {
  const res: Results = {};
  progress(`${t.name}: docker run --rm busybox true ×${RUNS} on the default bridge`);
  res.runBridge = await timeRuns(t, []);
  await docker(t, ['network', 'create', '--label', LABEL, NET_NAME]);
  try {
    progress(`${t.name}: … on a user-defined network`);
    res.runUserNet = await timeRuns(t, ['--network', NET_NAME]);
  } finally {
    await docker(t, ['network', 'rm', NET_NAME]).catch(() => undefined);
  }
  progress(`${t.name}: … with --network none`);
  res.runNone = await timeRuns(t, ['--network', 'none']);
  progress(`${t.name}: ${MB} MB through a published port, ${FETCHES} fetches`);
  await throughput(t, res);
  return res;
}

function printReport(b: Results, a: Results | undefined): void {
  const p50p95 = (s: Summary | undefined) => (s ? `${ms(s.p50)} / ${ms(s.p95)}` : undefined);
  const rate = (best: number | undefined, median: number | undefined) => (best === undefined ? undefined : `${Math.round(median ?? best)} MB/s (best ${Math.round(best)})`);
  const rows: { what: string; cell: (r: Results) => Cell }[] = [
    { what: `docker run --rm busybox true, default bridge, p50 / p95 of ${RUNS}`, cell: (r) => p50p95(r.runBridge) },
    { what: `… on a user-defined network`, cell: (r) => p50p95(r.runUserNet) },
    { what: `… with --network none`, cell: (r) => p50p95(r.runNone) },
    { what: `${MB} MB GET via published port on 127.0.0.1, median of ${FETCHES}`, cell: (r) => rate(r.publishedBest, r.publishedMedian) },
    { what: `${MB} MB GET straight to the container address, median of ${FETCHES}`, cell: (r) => rate(r.directBest, r.directMedian) },
  ];
  const headers = ['measure', 'berthd', ...(a ? ['dockerd'] : [])];
  console.log(`\n## Networking\n`);
  console.log(markdownTable(headers, rows.map((row) => [row.what, row.cell(b), ...(a ? [row.cell(a)] : [])])));
}

await runBench({ name: 'bnet', defaultNetwork: '', flags, label: LABEL }, async ({ berth, dockerd, onCleanup }) => {
  // User-defined bridges are not the harness's to remove: take ours down first.
  onCleanup(async () => {
    for (const t of [berth, dockerd]) if (t) await t.docker(['network', 'rm', NET_NAME]);
  });
  const b = await benchTarget(berth);
  const a = dockerd ? await benchTarget(dockerd) : undefined;
  printReport(b, a);
});
