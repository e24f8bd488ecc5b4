// Logging benchmark through the docker CLI, printed as a markdown table (progress on stderr):
//  - a container writing --mb MB to stdout as fast as it can (busybox `yes` lines of 100 bytes
//    through `head -c`): time from `docker run -d` until `docker wait` returns, the daemon's CPU
//    over that time (% of one core, from /proc/<pid>/stat), and the CPU of the container's
//    monitors (berth: conmon + berth-logger; dockerd: containerd-shim), sampled from /proc every
//    200 ms until they exit;
//  - `docker logs` of all of it (piped to `wc -c`, which checks the byte count), median of --runs;
//  - `docker logs --tail 100` of it, median of --runs.
// The container keeps all of its log (`--log-opt max-size=100m --log-opt max-file=30`: rotation
// still happens every 100 MB). Starts its own berthd on a temp root (the integration harness) and
// removes everything after. The dockerd column (bench/lib/run-bench.ts): `--dockerd` starts one,
// BENCH_DOCKERD names a running one; without either it says n/a.
//
//   npm run build && node build/bench/logs.js [--mb 1024] [--runs 3] [--dockerd]
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cpuSeconds, totalCpuSeconds } from './lib/cpu.js';
import { benchFlagOptions, progress, runBench, type BenchTarget } from './lib/run-bench.js';
import { summarize } from './lib/stats.js';
import { markdownTable, type Cell } from './lib/table.js';

const { values: flags } = parseArgs({
  options: {
    mb: { type: 'string', default: '1024' },
    runs: { type: 'string', default: '3' },
    ...benchFlagOptions,
  },
});
const MB = Number(flags.mb);
const RUNS = Number(flags.runs);
const BYTES = MB * 1024 * 1024;
const LOG_OPTS = ['--log-opt', 'max-size=100m', '--log-opt', 'max-file=30'];
/** The per-container processes that carry a container's output to its log. */
const MONITORS = ['conmon', 'berth-logger', 'containerd-shim-runc-v2'];

interface Results {
  floodSecs?: number;
  daemonCpuPct?: number;
  /** Monitor CPU seconds for the flood. */
  monitorCpuSecs?: number;
  logsSecs?: number;
  tailMs?: number;
}

async function docker(t: BenchTarget, args: string[]): Promise<string> {
  const r = await t.docker(args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} on ${t.name} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** Pids whose command line contains `needle` (and whose program is one of `names`). */
function pidsOf(needle: string, names: string[]): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes(needle) && names.some((n) => cmd.split('\0')[0].endsWith(n))) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function sh(t: BenchTarget, cmd: string): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const p = spawn('sh', ['-c', cmd], { env: t.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd}: exit ${code}`));
      resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, out: out.trim() });
    });
  });
}

async function benchTarget(t: BenchTarget, label: string): Promise<Results> {
  const res: Results = {};
  const line = 'x'.repeat(99);
  const daemon = await t.daemonPids();
  progress(`${t.name}: a container writing ${MB} MB to stdout`);
  const cpu0 = totalCpuSeconds(daemon);
  const t0 = process.hrtime.bigint();
  const id = await docker(t, ['run', '-d', '--network', 'none', '--label', label, ...LOG_OPTS, 'busybox', 'sh', '-c', `yes ${line} | head -c ${BYTES}`]);
  // Follow the container's monitors until they exit.
  const monitors = new Map<number, number>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      for (const pid of pidsOf(id, MONITORS)) monitors.set(pid, cpuSeconds(pid) ?? monitors.get(pid) ?? 0);
      for (const [pid] of monitors) {
        const c = cpuSeconds(pid);
        if (c !== undefined) monitors.set(pid, c);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const code = await docker(t, ['wait', id]);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = totalCpuSeconds(daemon);
  if (code !== '0') throw new Error(`flood container exited ${code}`);
  res.floodSecs = secs;
  if (daemon.length) res.daemonCpuPct = ((cpu1 - cpu0) / secs) * 100;
  // The writer may still be flushing its last bytes: wait for it, then stop sampling.
  for (let i = 0; i < 50 && pidsOf(id, ['berth-logger']).length; i++) await new Promise((r) => setTimeout(r, 100));
  sampling = false;
  await sampler;
  if (monitors.size) res.monitorCpuSecs = [...monitors.values()].reduce((a, b) => a + b, 0);

  progress(`${t.name}: docker logs of it ×${RUNS}`);
  const logsMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await sh(t, `docker logs ${id} | wc -c`);
    if (Number(r.out) !== BYTES) throw new Error(`docker logs gave ${r.out} bytes, not ${BYTES}`);
    logsMs.push(r.ms);
  }
  res.logsSecs = summarize(logsMs).p50 / 1000;
  const tailMs: number[] = [];
  for (let i = 0; i < RUNS; i++) tailMs.push((await sh(t, `docker logs --tail 100 ${id} | wc -l`)).ms);
  res.tailMs = summarize(tailMs).p50;
  await docker(t, ['rm', '-f', id]);
  return res;
}

function printReport(b: Results, a: Results | undefined): void {
  const f1 = (v: number | undefined, unit: string) => (v === undefined ? 'n/a' : `${v.toFixed(1)}${unit}`);
  const rows: { what: string; cell: (r: Results) => Cell }[] = [
    { what: `container writing ${MB} MB to stdout (100-byte lines): run -d → wait`, cell: (r) => f1(r.floodSecs, ' s') },
    { what: `… daemon CPU meanwhile (% of one core; dockerd: + containerd)`, cell: (r) => f1(r.daemonCpuPct, ' %') },
    { what: `… monitor CPU for it (conmon + berth-logger; containerd-shim)`, cell: (r) => f1(r.monitorCpuSecs, ' s') },
    { what: `docker logs of the ${MB} MB (to wc -c), median of ${RUNS}`, cell: (r) => f1(r.logsSecs, ' s') },
    { what: `docker logs --tail 100 of it, median of ${RUNS}`, cell: (r) => f1(r.tailMs, ' ms') },
  ];
  console.log(`\n## Logs\n`);
  console.log(markdownTable(['measure', 'berthd', 'dockerd'], rows.map((row) => [row.what, row.cell(b), a ? row.cell(a) : 'n/a'])));
}

await runBench({ name: 'blogs', flags }, async ({ berth, dockerd, label }) => {
  const b = await benchTarget(berth, label);
  const a = dockerd ? await benchTarget(dockerd, label) : undefined;
  printReport(b, a);
});
