// Logging benchmark through the docker CLI, printed as a markdown table (progress on stderr):
//  - a container writing --mb MB to stdout as fast as it can (busybox `yes` lines of 100 bytes
//    through `head -c`): time from `docker run -d` until `docker wait` returns, the daemon's CPU
//    over that time (% of one core, from /proc/<pid>/stat), and, on berth, the CPU of the
//    container's conmon and berth-logger (sampled from /proc every 200 ms until they exit);
//  - `docker logs` of all of it (piped to `wc -c`, which checks the byte count), median of --runs;
//  - `docker logs --tail 100` of it, median of --runs.
// The container keeps all of its log (`--log-opt max-size=100m --log-opt max-file=30`: rotation
// still happens every 100 MB). Starts its own berthd on a temp root (the integration harness) and
// removes everything after. With DOCKER_ANCHOR_HOST the same runs go to that dockerd, side by
// side (its CPU only when it is a local process named dockerd); without one the column says n/a.
//
//   npm run build && node build/bench/logs.js [--mb 1024] [--runs 3]
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { integrationSkipReason, startDaemon } from '../test/integration/harness.js';
import { ensureAnchorBusybox } from './lib/anchor.js';
import { runCommand } from '../test/integration/support/proc.js';
import { summarize } from './lib/stats.js';
import { markdownTable, type Cell } from './lib/table.js';

const { values: flags } = parseArgs({
  options: {
    mb: { type: 'string', default: '1024' },
    runs: { type: 'string', default: '3' },
  },
});
const MB = Number(flags.mb);
const RUNS = Number(flags.runs);
const BYTES = MB * 1024 * 1024;
const LABEL = `berth.bench=logs-${process.pid}-${Date.now()}`;
const LOG_OPTS = ['--log-opt', 'max-size=100m', '--log-opt', 'max-file=30'];
const CLK_TCK = 100;

const progress = (m: string) => process.stderr.write(`# ${m}\n`);

interface Target {
  name: 'berthd' | 'dockerd';
  env: NodeJS.ProcessEnv;
  /** The daemon's pid, when it is a local process. */
  pid?: number;
}

interface Results {
  floodSecs?: number;
  daemonCpuPct?: number;
  /** conmon + berth-logger CPU seconds for the flood (berth only). */
  monitorCpuSecs?: number;
  logsSecs?: number;
  tailMs?: number;
}

async function docker(t: Target, args: string[], timeoutMs = 600_000): Promise<string> {
  const r = await runCommand('docker', args, { baseEnv: t.env, timeoutMs });
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} on ${t.name} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** utime + stime of a process, in seconds (undefined when it is gone). */
function cpuSecs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Pids whose command line contains `needle` (and is one of `names`). */
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

function sh(t: Target, cmd: string): Promise<{ ms: number; out: string }> {
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

async function benchTarget(t: Target): Promise<Results> {
  const res: Results = {};
  const line = 'x'.repeat(99);
  progress(`${t.name}: a container writing ${MB} MB to stdout`);
  const cpu0 = t.pid ? cpuSecs(t.pid) : undefined;
  const t0 = process.hrtime.bigint();
  const id = await docker(t, ['run', '-d', '--network', 'none', '--label', LABEL, ...LOG_OPTS, 'busybox', 'sh', '-c', `yes ${line} | head -c ${BYTES}`]);
  // berth: follow the container's conmon and berth-logger until they exit.
  const monitors = new Map<number, number>();
  let sampling = t.name === 'berthd';
  const sampler = (async () => {
    while (sampling) {
      for (const pid of pidsOf(id, ['conmon', 'berth-logger'])) monitors.set(pid, cpuSecs(pid) ?? monitors.get(pid) ?? 0);
      for (const [pid] of monitors) {
        const c = cpuSecs(pid);
        if (c !== undefined) monitors.set(pid, c);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const code = await docker(t, ['wait', id]);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = t.pid ? cpuSecs(t.pid) : undefined;
  if (code !== '0') throw new Error(`flood container exited ${code}`);
  res.floodSecs = secs;
  if (cpu0 !== undefined && cpu1 !== undefined) res.daemonCpuPct = ((cpu1 - cpu0) / secs) * 100;
  // The writer may still be flushing its last bytes: wait for it, then stop sampling.
  for (let i = 0; i < 50 && t.name === 'berthd' && pidsOf(id, ['berth-logger']).length; i++) await new Promise((r) => setTimeout(r, 100));
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

async function removeLeftovers(t: Target): Promise<void> {
  const ids = (await runCommand('docker', ['ps', '-aq', '--filter', `label=${LABEL}`], { baseEnv: t.env })).stdout.split('\n').filter(Boolean);
  if (ids.length) await runCommand('docker', ['rm', '-f', ...ids], { baseEnv: t.env, timeoutMs: 60_000 });
}

function printReport(b: Results, a: Results | undefined): void {
  const f1 = (v: number | undefined, unit: string) => (v === undefined ? 'n/a' : `${v.toFixed(1)}${unit}`);
  const rows: { what: string; cell: (r: Results) => Cell }[] = [
    { what: `container writing ${MB} MB to stdout (100-byte lines): run -d → wait`, cell: (r) => f1(r.floodSecs, ' s') },
    { what: `… daemon CPU meanwhile (% of one core)`, cell: (r) => f1(r.daemonCpuPct, ' %') },
    { what: `… conmon + berth-logger CPU for it`, cell: (r) => f1(r.monitorCpuSecs, ' s') },
    { what: `docker logs of the ${MB} MB (to wc -c), median of ${RUNS}`, cell: (r) => f1(r.logsSecs, ' s') },
    { what: `docker logs --tail 100 of it, median of ${RUNS}`, cell: (r) => f1(r.tailMs, ' ms') },
  ];
  console.log(`\n## Logs\n`);
  console.log(markdownTable(['measure', 'berthd', 'dockerd'], rows.map((row) => [row.what, row.cell(b), a ? row.cell(a) : 'n/a'])));
}

function localDockerdPid(host: string | undefined): number | undefined {
  if (!host?.startsWith('unix://')) return undefined;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'dockerd') return Number(d);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

async function main(): Promise<void> {
  const skip = integrationSkipReason();
  if (skip) throw new Error(`cannot run: ${skip}`);
  progress('starting berthd and loading busybox');
  const d = await startDaemon({ name: 'blogs' });
  const anchorHost = process.env.DOCKER_ANCHOR_HOST;
  const anchorEnv: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: anchorHost, DOCKER_CLI_HINTS: 'false' };
  delete anchorEnv.DOCKER_CONTEXT;
  const anchor: Target | undefined = anchorHost ? { name: 'dockerd', env: anchorEnv, pid: localDockerdPid(anchorHost) } : undefined;
  let loadedOnAnchor = false;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      if (anchor) {
        await removeLeftovers(anchor);
        if (loadedOnAnchor) await runCommand('docker', ['rmi', 'busybox:latest'], { baseEnv: anchor.env });
      }
      await d.cleanup();
    })());
  const onSignal = () => {
    progress('interrupted: cleaning up');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const b = await benchTarget({ name: 'berthd', env: { ...process.env, ...d.env }, pid: d.process?.pid });
    let a: Results | undefined;
    if (anchor) {
      loadedOnAnchor = await ensureAnchorBusybox(anchor.env);
      a = await benchTarget(anchor);
    }
    printReport(b, a);
  } finally {
    progress('cleaning up');
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exitCode = 1;
});
