// Operating costs (issue 13): what `docker stats` streaming 50 containers to one client costs the
// daemon (CPU, as a share of one core, from /proc/<pid>/stat over a window), and how long
// `docker system df` / `system df -v` take with 200 containers. Starts its own berthd (the
// integration harness); with DOCKER_ANCHOR_HOST the same runs against that dockerd in a second
// column (its CPU is dockerd's + containerd's when they run on this machine, else n/a).
//
//   npm run build && node build/bench/ops.js [--containers 50] [--window 30] [--df-containers 200] [--df-runs 10] [--df-files 100] [--sections stats,df] [--cpu-prof DIR]
//
// --cpu-prof DIR profiles berthd as bench/core.ts does (summary: build/bench/lib/profile-summary.js).
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { integrationSkipReason, startDaemon, type Daemon } from '../test/integration/harness.js';
import { runCommand } from '../test/integration/support/proc.js';
import { ensureAnchorBusybox } from './lib/anchor.js';
import { listProcesses } from './lib/memory.js';
import { percentile } from './lib/stats.js';
import { mapLimit, timeIt } from './lib/timing.js';
import { markdownTable, ms, type Cell } from './lib/table.js';

const { values: flags } = parseArgs({
  options: {
    containers: { type: 'string', default: '50' },
    window: { type: 'string', default: '30' },
    'df-containers': { type: 'string', default: '200' },
    'df-runs': { type: 'string', default: '10' },
    'df-files': { type: 'string', default: '100' },
    sections: { type: 'string', default: 'stats,df' },
    'cpu-prof': { type: 'string' },
  },
});
const N = Number(flags.containers);
const WINDOW_S = Number(flags.window);
const DF_N = Number(flags['df-containers']);
const DF_RUNS = Number(flags['df-runs']);
const DF_FILES = Number(flags['df-files']);
const SECTIONS = new Set(flags.sections.split(','));
const LABEL = `berth.bench=ops-${process.pid}`;
const progress = (m: string) => process.stderr.write(`# ${m}\n`);
const CLK_TCK = 100;

interface Target {
  name: string;
  env: NodeJS.ProcessEnv;
  /** The daemon's processes whose CPU is counted (empty: not measurable here). */
  daemonPids(): Promise<number[]>;
}

interface Results {
  idleCpu?: number;
  statsCpu?: number;
  df?: number;
  dfV?: number;
}

const docker = (t: Target, args: string[], timeoutMs = 120_000) => runCommand('docker', args, { baseEnv: t.env, timeoutMs });

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

async function runMany(t: Target, n: number, args: string[]): Promise<string[]> {
  return mapLimit(n, 8, async () => {
    const r = await docker(t, ['run', '-d', '--label', LABEL, ...args]);
    if (r.code !== 0) throw new Error(`run: ${r.stderr}`);
    return r.stdout.trim();
  });
}

async function removeOurs(t: Target): Promise<void> {
  const ids = (await docker(t, ['ps', '-aq', '--filter', `label=${LABEL}`])).stdout.split('\n').filter(Boolean);
  for (let i = 0; i < ids.length; i += 50) await docker(t, ['rm', '-f', ...ids.slice(i, i + 50)]);
}

/** `docker stats` (streaming, every running container) for WINDOW_S seconds after a warm-up: the daemon's CPU share of one core. */
async function statsSection(t: Target, r: Results): Promise<void> {
  progress(`${t.name}: ${N} running containers`);
  await runMany(t, N, ['busybox', 'sleep', '3600']);
  const pids = await t.daemonPids();
  const window = async () => {
    const c0 = pids.reduce((a, p) => a + cpuSeconds(p), 0);
    const t0 = performance.now();
    await new Promise((res) => setTimeout(res, WINDOW_S * 1000));
    return ((pids.reduce((a, p) => a + cpuSeconds(p), 0) - c0) / ((performance.now() - t0) / 1000)) * 100;
  };
  if (pids.length) {
    await new Promise((res) => setTimeout(res, 3000)); // the starts' tail (runc delete etc.) done
    progress(`${t.name}: measuring ${WINDOW_S} s idle`);
    r.idleCpu = await window();
  }
  const cli = spawn('docker', ['stats', '--format', '{{json .}}'], { env: t.env, stdio: ['ignore', 'pipe', 'ignore'] });
  cli.stdout.resume();
  try {
    await new Promise((res) => setTimeout(res, 5000)); // every stream open and sending
    if (!pids.length) return;
    progress(`${t.name}: measuring ${WINDOW_S} s of docker stats`);
    r.statsCpu = await window();
  } finally {
    cli.kill('SIGINT');
    await removeOurs(t);
  }
}

/**
 * `docker system df` and `-v` with DF_N containers, p50 of DF_RUNS. Each container writes
 * DF_FILES small files to its writable layer (what SizeRw has to count); every other one keeps
 * running afterwards (a running container's layer can change at any time, so nothing about it
 * can be remembered), the rest exit.
 */
async function dfSection(t: Target, r: Results): Promise<void> {
  progress(`${t.name}: ${DF_N} containers with ${DF_FILES} files each for system df`);
  const write = `mkdir /w && i=0 && while [ $i -lt ${DF_FILES} ]; do echo $i > /w/$i; i=$((i+1)); done`;
  try {
    const ids = await mapLimit(DF_N, 8, async (i) => {
      const c = await docker(t, ['run', '-d', '--label', LABEL, '--network', 'none', 'busybox', 'sh', '-c', i % 2 ? `${write} && exec sleep 3600` : write]);
      if (c.code !== 0) throw new Error(`run: ${c.stderr}`);
      return c.stdout.trim();
    });
    const exiting = ids.filter((_, i) => i % 2 === 0);
    for (let i = 0; i < exiting.length; i += 50) await docker(t, ['wait', ...exiting.slice(i, i + 50)]);
    for (const [key, args] of [
      ['df', ['system', 'df']],
      ['dfV', ['system', 'df', '-v']],
    ] as const) {
      await docker(t, [...args]); // warm-up
      const times: number[] = [];
      for (let i = 0; i < DF_RUNS; i++) {
        const { ms: took, value } = await timeIt(() => docker(t, [...args]));
        if (value.code !== 0) throw new Error(`${args.join(' ')}: ${value.stderr}`);
        times.push(took);
      }
      r[key] = percentile(times, 50);
    }
  } finally {
    await removeOurs(t);
  }
}

async function bench(t: Target): Promise<Results> {
  const r: Results = {};
  if (SECTIONS.has('stats')) await statsSection(t, r);
  if (SECTIONS.has('df')) await dfSection(t, r);
  return r;
}

function berthTarget(d: Daemon): Target {
  return { name: 'berthd', env: { ...process.env, ...d.env }, daemonPids: async () => (d.process?.pid ? [d.process.pid] : []) };
}

function anchorTarget(host: string): Target {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: host, DOCKER_CLI_HINTS: 'false' };
  delete env.DOCKER_CONTEXT;
  return {
    name: 'dockerd',
    env,
    daemonPids: async () => (host.startsWith('unix://') ? (await listProcesses()).filter((p) => p.comm === 'dockerd' || p.comm === 'containerd').map((p) => p.pid) : []),
  };
}

async function main(): Promise<void> {
  const skip = integrationSkipReason();
  if (skip) {
    progress(`skipped: ${skip}`);
    return;
  }
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, BERTH_BENCH_CPU_PROF_DIR: process.env.BERTH_BENCH_CPU_PROF_DIR };
  if (flags['cpu-prof']) {
    // berthd inherits process.env (harness); only it should see the profiler preload.
    process.env.NODE_OPTIONS = `${saved.NODE_OPTIONS ?? ''} --import=${new URL('./lib/cpu-profile.js', import.meta.url).href}`.trim();
    process.env.BERTH_BENCH_CPU_PROF_DIR = path.resolve(flags['cpu-prof']);
  }
  const d = await startDaemon({ name: 'bops' }).finally(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const anchorHost = process.env.DOCKER_ANCHOR_HOST;
  let a: Results | undefined;
  let b: Results;
  try {
    b = await bench(berthTarget(d));
    if (anchorHost) {
      const anchor = anchorTarget(anchorHost);
      const loaded = await ensureAnchorBusybox(anchor.env);
      try {
        a = await bench(anchor);
      } finally {
        await removeOurs(anchor);
        if (loaded) await docker(anchor, ['rmi', 'busybox:latest']);
      }
    }
  } finally {
    await d.cleanup();
  }
  const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(1)} %`);
  const rows: Cell[][] = [];
  if (SECTIONS.has('stats'))
    rows.push(
      [`daemon CPU with ${N} containers running, idle (share of one core, ${WINDOW_S} s)`, pct(b.idleCpu), a ? pct(a.idleCpu) : 'n/a', ''],
      [`daemon CPU while \`docker stats\` streams those ${N} to one client`, pct(b.statsCpu), a ? pct(a.statsCpu) : 'n/a', '< 5 %'],
    );
  if (SECTIONS.has('df'))
    rows.push(
      [`\`docker system df\` with ${DF_N} containers (${DF_FILES} files each in the writable layer, half running), p50 of ${DF_RUNS}`, ms(b.df), a ? ms(a.df) : 'n/a', '< 300 ms'],
      [`\`docker system df -v\`, same, p50 of ${DF_RUNS}`, ms(b.dfV), a ? ms(a.dfV) : 'n/a', '< 300 ms'],
    );
  process.stdout.write('\n' + markdownTable(['measurement', 'berthd', 'dockerd', 'target'], rows) + '\n');
}

await main();
