// Operating costs (issue 13): what `docker stats` streaming 50 containers to one client costs the
// daemon (CPU, as a share of one core, from /proc/<pid>/stat over a window), and how long
// `docker system df` / `system df -v` take with 200 containers. Starts its own berthd (the
// integration harness); the dockerd column (bench/lib/run-bench.ts: `--dockerd` or BENCH_DOCKERD)
// runs the same (its CPU is dockerd's + containerd's when they run on this machine, else n/a).
//
//   npm run build && node build/bench/ops.js [--containers 50] [--window 30] [--df-containers 200] [--df-runs 10] [--df-files 100] [--sections stats,df] [--dockerd] [--cpu-prof DIR]
//
// --cpu-prof DIR profiles berthd as bench/core.ts does (summary: build/bench/lib/profile-summary.js).
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { totalCpuSeconds } from './lib/cpu.js';
import { benchFlagOptions, progress, runBench, type BenchTarget } from './lib/run-bench.js';
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
    ...benchFlagOptions,
  },
});
const N = Number(flags.containers);
const WINDOW_S = Number(flags.window);
const DF_N = Number(flags['df-containers']);
const DF_RUNS = Number(flags['df-runs']);
const DF_FILES = Number(flags['df-files']);
const SECTIONS = new Set(flags.sections.split(','));
type Target = BenchTarget;

interface Results {
  idleCpu?: number;
  statsCpu?: number;
  df?: number;
  dfV?: number;
}

const docker = (t: Target, args: string[], timeoutMs = 120_000) => t.docker(args, timeoutMs);
let LABEL = '';

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
    const c0 = totalCpuSeconds(pids);
    const t0 = performance.now();
    await new Promise((res) => setTimeout(res, WINDOW_S * 1000));
    return ((totalCpuSeconds(pids) - c0) / ((performance.now() - t0) / 1000)) * 100;
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

await runBench({ name: 'bops', flags }, async ({ berth, dockerd, label }) => {
  LABEL = label;
  const b = await bench(berth);
  const a = dockerd ? await bench(dockerd) : undefined;
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
});
