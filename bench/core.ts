// Benchmarks of berthd's container core and of the berth CLI's start-up, printed as a markdown
// table (progress goes to stderr). Starts its own berthd on a temp data root (the integration
// harness), loads busybox and removes everything it made when done or interrupted. With a dockerd
// column (bench/lib/run-bench.ts: `--dockerd` starts one, BENCH_DOCKERD=unix:///… names one) the
// same docker CLI commands run against it too; containers made there carry a label and are removed after.
//
//   npm run build && node build/bench/core.js [--runs 20] [--parallel 50] [--ps-containers 200]
//        [--sections run,cli,parallel,ps] [--dockerd] [--cpu-prof DIR] [--userns-remap default]
//
// --userns-remap starts berthd remapped (its start-time cost: compare `--sections run` with and
// without it).
//
// --cpu-prof DIR starts berthd with --cpu-prof (profile written to DIR when it stops); combine
// with --sections run to profile only the `docker run --rm` loop.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BERTH, REPO_ROOT, type Daemon } from '../test/integration/harness.js';
import { benchFlagOptions, progress, runBench, type BenchTarget } from './lib/run-bench.js';
import { cgroupMemoryBytes, listProcesses, rssBytes, totalPss, withDescendants, type ProcessInfo } from './lib/memory.js';
import { summarize, type Summary } from './lib/stats.js';
import { markdownTable, mb, ms, seconds, verdict, type Cell } from './lib/table.js';
import { mapLimit, repeat, timeCommand, timeIt } from './lib/timing.js';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    parallel: { type: 'string', default: '50' },
    'ps-containers': { type: 'string', default: '200' },
    'ps-runs': { type: 'string', default: '10' },
    sections: { type: 'string', default: 'run,cli,parallel,ps' },
    'userns-remap': { type: 'string' },
    ...benchFlagOptions,
  },
});
const RUNS = Number(flags.runs);
const PARALLEL = Number(flags.parallel);
const PS_CONTAINERS = Number(flags['ps-containers']);
const PS_RUNS = Number(flags['ps-runs']);
const SECTIONS = new Set(flags.sections.split(','));
/** The berth CLI as the README has users run it. */
const BERTH_LAUNCHER = path.join(REPO_ROOT, 'bin', 'berth');
/** Every container this run makes carries this label, so only ours are removed on a shared dockerd. */
const LABEL = `berth.bench=${process.pid}-${Date.now()}`;


/** A daemon measured through the docker CLI: the bench's own berthd, or the anchor dockerd. */
interface Target {
  name: 'berthd' | 'dockerd';
  env: NodeJS.ProcessEnv;
  /** Processes whose memory is the daemon's own (berthd; dockerd + containerd). */
  daemonPids(all: ProcessInfo[]): number[];
  /** Per-container monitor processes (conmon; containerd-shim). */
  monitorPids(all: ProcessInfo[]): number[];
}

interface MemoryWithContainers {
  daemonRss: number;
  monitorsPss: number;
  monitorCount: number;
  containersCgroup: number;
  /** Total PSS of daemon + monitors + containers, after minus before, per container. */
  pssDeltaPerContainer: number;
}

interface Results {
  runRm?: Summary;
  runRmNone?: Summary;
  parallelStartMs?: number;
  parallelRmMs?: number;
  createManyMs?: number;
  psAll?: Summary;
  idleRss?: number;
  idleRssAfterRuns?: number;
  memory?: MemoryWithContainers;
}

interface CliResults {
  nodeFloor: Summary;
  nodeFloorNoCa?: Summary;
  version: Summary;
  versionNoCa?: Summary;
  run: Summary;
  runNoCa?: Summary;
  /** `node dist/berth.mjs run …`: the bundle without the launcher, for comparison. */
  runDirect: Summary;
  runDirectNoCa?: Summary;
  runNone: Summary;
  runNoneNoCa?: Summary;
}

const docker = (t: Target, args: string[], timeoutMs = 60_000) => timeCommand('docker', args, { env: t.env, timeoutMs });

async function timeDockerRun(t: Target, extra: string[]): Promise<Summary> {
  const args = ['run', '--rm', '--label', LABEL, ...extra, 'busybox', 'true'];
  return summarize(await repeat(RUNS, async () => (await docker(t, args)).ms, 2));
}

async function ourContainers(t: Target): Promise<string[]> {
  const r = await docker(t, ['ps', '-aq', '--no-trunc', '--filter', `label=${LABEL}`]);
  return r.stdout.split('\n').filter(Boolean);
}

async function removeOurContainers(t: Target): Promise<void> {
  const ids = await ourContainers(t).catch(() => []);
  for (let i = 0; i < ids.length; i += 100) await docker(t, ['rm', '-f', ...ids.slice(i, i + 100)], 120_000).catch(() => undefined);
}

/** The sum of PSS over the daemon, its monitors and everything they run. */
async function stackPss(t: Target): Promise<number> {
  const all = await listProcesses();
  return totalPss(withDescendants(all, [...t.daemonPids(all), ...t.monitorPids(all)]));
}

async function measureWithContainers(t: Target, ids: string[], pssBefore: number): Promise<MemoryWithContainers> {
  const all = await listProcesses();
  const daemonRss = (await Promise.all(t.daemonPids(all).map((p) => rssBytes(p)))).reduce<number>((a, b) => a + (b ?? 0), 0);
  const monitors = t.monitorPids(all);
  const monitorsPss = await totalPss(monitors);
  const pids = (await docker(t, ['inspect', '-f', '{{.State.Pid}}', ...ids])).stdout.split('\n').filter(Boolean).map(Number);
  const cgroups = await Promise.all(pids.filter((p) => p > 0).map((p) => cgroupMemoryBytes(p)));
  const containersCgroup = cgroups.reduce<number>((a, b) => a + (b ?? 0), 0);
  const pssAfter = await stackPss(t);
  return { daemonRss, monitorsPss, monitorCount: monitors.length, containersCgroup, pssDeltaPerContainer: (pssAfter - pssBefore) / ids.length };
}

async function benchTarget(t: Target, measureMemory: boolean): Promise<Results> {
  const res: Results = {};
  const daemonRss = async () => {
    const pids = t.daemonPids(await listProcesses());
    return (await Promise.all(pids.map((p) => rssBytes(p)))).reduce<number>((a, b) => a + (b ?? 0), 0);
  };
  if (measureMemory) res.idleRss = await daemonRss();
  if (SECTIONS.has('run')) {
    progress(`${t.name}: docker run --rm busybox true ×${RUNS}`);
    res.runRm = await timeDockerRun(t, []);
    progress(`${t.name}: docker run --rm --network none busybox true ×${RUNS}`);
    res.runRmNone = await timeDockerRun(t, ['--network', 'none']);
    if (measureMemory) res.idleRssAfterRuns = await daemonRss();
  }
  if (SECTIONS.has('parallel')) {
    const pssBefore = measureMemory ? await stackPss(t) : 0;
    progress(`${t.name}: ${PARALLEL} parallel docker run -d busybox sleep 300`);
    const started = await timeIt(() => mapLimit(PARALLEL, PARALLEL, () => docker(t, ['run', '-d', '--label', LABEL, 'busybox', 'sleep', '300'], 120_000)));
    res.parallelStartMs = started.ms;
    const ids = started.value.map((r) => r.stdout.trim());
    if (measureMemory) {
      await new Promise((r) => setTimeout(r, 1000)); // let page faults and lazy allocations settle
      res.memory = await measureWithContainers(t, ids, pssBefore);
    }
    progress(`${t.name}: docker rm -f of ${ids.length}`);
    res.parallelRmMs = (await docker(t, ['rm', '-f', ...ids], 120_000)).ms;
  }
  if (SECTIONS.has('ps')) {
    progress(`${t.name}: creating ${PS_CONTAINERS} containers`);
    const created = await timeIt(() => mapLimit(PS_CONTAINERS, 8, () => docker(t, ['create', '--label', LABEL, 'busybox', 'true'])));
    res.createManyMs = created.ms;
    progress(`${t.name}: docker ps -a ×${PS_RUNS}`);
    res.psAll = summarize(await repeat(PS_RUNS, async () => (await docker(t, ['ps', '-a'])).ms, 1));
    await removeOurContainers(t);
  }
  return res;
}

/**
 * The berth CLI as documented (bin/berth, the launcher that keeps NODE_EXTRA_CA_CERTS from Node's
 * start-up), with the environment as it is and without NODE_EXTRA_CA_CERTS, runs of the two
 * alternating so load from elsewhere on the machine falls on both alike.
 */
async function benchCli(d: Daemon): Promise<CliResults> {
  const env = { ...process.env, ...d.env };
  const noCa = { ...env };
  delete noCa.NODE_EXTRA_CA_CERTS;
  const withCa = Boolean(env.NODE_EXTRA_CA_CERTS);
  const time = async (file: string, args: string[], e: NodeJS.ProcessEnv) => (await timeCommand(file, args, { env: e })).ms;
  const series = async (label: string, file: string, args: string[]) => {
    progress(`berth CLI: ${label} ×${RUNS}${withCa ? ', with and without NODE_EXTRA_CA_CERTS' : ''}`);
    const main: number[] = [];
    const bare: number[] = [];
    for (let i = -2; i < RUNS; i++) {
      const a = await time(file, args, env);
      const b = withCa ? await time(file, args, noCa) : 0;
      if (i < 0) continue; // warm-up
      main.push(a);
      bare.push(b);
    }
    return [summarize(main), withCa ? summarize(bare) : undefined] as const;
  };
  const runArgs = ['run', '--rm', '--label', LABEL, 'busybox', 'true'];
  const [nodeFloor, nodeFloorNoCa] = await series('node -e 0', process.execPath, ['-e', '0']);
  const [version, versionNoCa] = await series('bin/berth version', BERTH_LAUNCHER, ['version']);
  const [run, runNoCa] = await series('bin/berth run --rm busybox true', BERTH_LAUNCHER, runArgs);
  const [runDirect, runDirectNoCa] = await series('node dist/berth.mjs run --rm busybox true', process.execPath, [BERTH, ...runArgs]);
  // The reference numbers (Docker 20.10: ~230 ms) are without a network.
  const [runNone, runNoneNoCa] = await series('bin/berth run --rm --network none busybox true', BERTH_LAUNCHER, ['run', '--rm', '--network', 'none', '--label', LABEL, 'busybox', 'true']);
  return { nodeFloor, nodeFloorNoCa, version, versionNoCa, run, runNoCa, runDirect, runDirectNoCa, runNone, runNoneNoCa };
}

function berthTarget(d: Daemon): Target {
  return {
    name: 'berthd',
    env: { ...process.env, ...d.env },
    daemonPids: () => (d.process?.pid ? [d.process.pid] : []),
    // conmon's command line names the bundle and exit dir under the bench's temp root.
    monitorPids: (all) => all.filter((p) => p.comm === 'conmon' && p.argv.some((a) => a.includes(d.root))).map((p) => p.pid),
  };
}

function anchorTarget(t: BenchTarget): Target {
  return {
    name: 'dockerd',
    env: t.env,
    daemonPids: (all) => all.filter((p) => p.comm === 'dockerd' || p.comm === 'containerd').map((p) => p.pid),
    monitorPids: (all) => all.filter((p) => p.comm.startsWith('containerd-shim')).map((p) => p.pid),
  };
}

interface Row {
  what: string;
  berth: (r: Results) => Cell;
  anchor?: (r: Results) => Cell;
  target?: string;
  ok?: (r: Results) => string;
}

function printReport(b: Results, a: Results | undefined, cli: CliResults | undefined, anchorLocal: boolean): void {
  const p50p95 = (s: Summary | undefined) => (s ? `${ms(s.p50)} / ${ms(s.p95)}` : undefined);
  const perContainer = (r: Results) => (r.memory ? (r.memory.monitorsPss + r.memory.containersCgroup) / PARALLEL : undefined);
  const rows: Row[] = [
    { what: `docker run --rm busybox true, p50 / p95 of ${RUNS}`, berth: (r) => p50p95(r.runRm), target: 'p50 ≤ 120 ms', ok: (r) => verdict(r.runRm?.p50, 120) },
    { what: `docker run --rm --network none busybox true, p50 / p95 of ${RUNS}`, berth: (r) => p50p95(r.runRmNone) },
    { what: `${PARALLEL} parallel docker run -d busybox sleep 300, total`, berth: (r) => seconds(r.parallelStartMs), target: '≤ 3 s', ok: (r) => verdict(r.parallelStartMs, 3000) },
    { what: `docker rm -f of those ${PARALLEL}`, berth: (r) => seconds(r.parallelRmMs) },
    { what: `create ${PS_CONTAINERS} containers (docker create, 8 at a time), total`, berth: (r) => seconds(r.createManyMs) },
    { what: `docker ps -a with ${PS_CONTAINERS} containers, p50 of ${PS_RUNS}`, berth: (r) => ms(r.psAll?.p50) },
    { what: 'daemon RSS, idle after start + busybox load', berth: (r) => mb(r.idleRss), target: '≤ 80 MB', ok: (r) => verdict(r.idleRss, 80 * 1024 * 1024) },
    { what: 'daemon RSS, idle after the run series', berth: (r) => mb(r.idleRssAfterRuns) },
    { what: `daemon RSS with ${PARALLEL} running`, berth: (r) => mb(r.memory?.daemonRss) },
    { what: 'per running container: monitor PSS + container cgroup memory', berth: (r) => mb(perContainer(r)), target: '≤ 3 MB', ok: (r) => verdict(perContainer(r), 3 * 1024 * 1024) },
    { what: '  of which monitor (conmon / containerd-shim) PSS', berth: (r) => mb(r.memory ? r.memory.monitorsPss / PARALLEL : undefined) },
    { what: '  of which container cgroup memory', berth: (r) => mb(r.memory ? r.memory.containersCgroup / PARALLEL : undefined) },
    { what: 'per running container: increase of total PSS (daemon + monitors + containers) / N', berth: (r) => mb(r.memory?.pssDeltaPerContainer) },
  ];
  const headers = ['measurement', 'berthd', ...(a ? ['dockerd'] : []), 'target', ''];
  const table = rows
    .filter((row) => row.berth(b) !== undefined || (a && row.berth(a) !== undefined))
    .map((row) => [row.what, row.berth(b), ...(a ? [row.berth(a)] : []), row.target, row.ok?.(b) ?? '']);
  console.log(`## berth core benchmarks\n`);
  console.log(`Node ${process.version}, ${os.availableParallelism()} CPUs, NODE_EXTRA_CA_CERTS ${process.env.NODE_EXTRA_CA_CERTS ? 'set' : 'unset'}; ${new Date().toISOString()}\n`);
  console.log(markdownTable(headers, table));
  console.log(
    `\nNotes: times are wall clock from spawning the client to its exit. "run" rows use the daemon's default network (the bridge) unless stated.` +
      ` Memory per container: the monitors' PSS (conmon for berthd, containerd-shim for dockerd; PSS splits shared pages among the ${PARALLEL} copies)` +
      ` plus each container's cgroup memory as \`docker stats\` counts it (usage minus inactive page cache), divided by ${PARALLEL}; the second method` +
      ` is the growth of the total PSS of the daemon, monitors and container processes from before the ${PARALLEL} starts to after, divided by ${PARALLEL}.` +
      (a && !anchorLocal ? ' The anchor is not on this machine, so its memory is not measured.' : ''),
  );
  if (cli) {
    const hasNoCa = Boolean(cli.nodeFloorNoCa);
    const cliRows: Cell[][] = [
      ['node -e 0 (floor)', p50p95(cli.nodeFloor), ...(hasNoCa ? [p50p95(cli.nodeFloorNoCa)] : []), '', ''],
      ['berth version (client + daemon)', p50p95(cli.version), ...(hasNoCa ? [p50p95(cli.versionNoCa)] : []), '', ''],
      ['berth run --rm busybox true', p50p95(cli.run), ...(hasNoCa ? [p50p95(cli.runNoCa)] : []), 'p50 ≤ 150 ms', verdict(cli.run.p50, 150)],
      ['node dist/berth.mjs run --rm busybox true (no launcher)', p50p95(cli.runDirect), ...(hasNoCa ? [p50p95(cli.runDirectNoCa)] : []), '', ''],
      ['berth run --rm --network none busybox true', p50p95(cli.runNone), ...(hasNoCa ? [p50p95(cli.runNoneNoCa)] : []), '', ''],
    ];
    console.log(`\n## berth CLI, p50 / p95 of ${RUNS}\n`);
    console.log(markdownTable(['command', 'as run here', ...(hasNoCa ? ['without NODE_EXTRA_CA_CERTS'] : []), 'target', ''], cliRows));
    console.log(
      '\n"berth" is bin/berth, the documented command: a sh launcher that starts node without NODE_EXTRA_CA_CERTS' +
        ' (handed on to the CLI for TLS daemon connections). Runs with and without the variable alternate.',
    );
    if (hasNoCa) console.log('NODE_EXTRA_CA_CERTS makes Node read and parse the CA bundle at start-up, before any of berth runs: it shows on the floor and the no-launcher row.');
  }
}

const remap = flags['userns-remap'];
await runBench({ name: 'bench', defaultNetwork: '', flags, label: LABEL, args: remap ? ['--userns-remap', remap] : undefined }, async ({ berthd, dockerd }) => {
  await new Promise((r) => setTimeout(r, 1000)); // idle: let start-up garbage be collected
  const b = await benchTarget(berthTarget(berthd), true);
  const cli = SECTIONS.has('cli') ? await benchCli(berthd) : undefined;
  let a: Results | undefined;
  let anchorLocal = false;
  if (dockerd) {
    const anchor = anchorTarget(dockerd);
    anchorLocal = (await dockerd.daemonPids()).length > 0;
    a = await benchTarget(anchor, anchorLocal);
  }
  printReport(b, a, cli, anchorLocal);
});
