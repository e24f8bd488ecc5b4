// The scaffolding every side-by-side bench shares: refuse to run without the integration
// requirements, start berthd on a temp root (the integration harness; with --cpu-prof under the
// profiler preload), find or start the dockerd column, copy the images the bench needs from berthd
// into it (`docker save` → `docker load`), and on the way out (also on Ctrl-C) remove what the bench
// made: containers carrying its label on both daemons, images it loaded into dockerd, berthd's
// root, and the dockerd it started.
//
// The dockerd column: BENCH_DOCKERD (or DOCKER_ANCHOR_HOST, its older name) names one that runs
// already; `--dockerd` starts one for this run (bench/lib/dockerd.ts); neither: the column is n/a.
import path from 'node:path';
import { integrationSkipReason, startDaemon, type Daemon, type DaemonOptions } from '../../test/integration/harness.js';
import { runCommand, type CmdResult } from '../../test/integration/support/proc.js';
import { benchDockerdPids, startBenchDockerd, type BenchDockerd } from './dockerd.js';
import { listProcesses } from './memory.js';

/** parseArgs options every bench takes (spread into its own). */
export const benchFlagOptions = {
  dockerd: { type: 'boolean' },
  'cpu-prof': { type: 'string' },
} as const;

export interface BenchTarget {
  name: 'berthd' | 'dockerd';
  /** Client environment: DOCKER_HOST (and BERTH_HOST) for this daemon. */
  env: NodeJS.ProcessEnv;
  /** The daemon's own processes on this machine (berthd; dockerd + containerd), empty when it is not local. */
  daemonPids(): Promise<number[]>;
  /** `docker args…` against this daemon (never throws; look at code). */
  docker(args: string[], timeoutMs?: number): Promise<CmdResult>;
}

export interface BenchContext {
  berthd: Daemon;
  berth: BenchTarget;
  dockerd?: BenchTarget;
  /** `berth.bench=<run id>`: put it on every container the bench makes; the clean-up removes those. */
  label: string;
  /** Both targets, berthd first. */
  targets: BenchTarget[];
  /** More clean-up, run first (last registered first) before the common one. */
  onCleanup(fn: () => Promise<unknown>): void;
}

export interface BenchOptions {
  /** Prefix of berthd's temp dir. */
  name: string;
  /** Passed to the harness (e.g. '' for the daemon's default bridge). */
  defaultNetwork?: string;
  /** berthd flags. */
  args?: string[];
  /** The parsed common flags. */
  flags: { dockerd?: boolean; 'cpu-prof'?: string };
  /** The label the bench puts on its containers (default: one made from name, pid and time). */
  label?: string;
  /** Images to copy from berthd into dockerd when it lacks them (default busybox:latest). */
  images?: string[];
}

export const progress = (m: string): void => void process.stderr.write(`# ${m}\n`);

function target(name: BenchTarget['name'], env: NodeJS.ProcessEnv, daemonPids: () => Promise<number[]>): BenchTarget {
  return { name, env, daemonPids, docker: (args, timeoutMs = 600_000) => runCommand('docker', args, { baseEnv: env, timeoutMs }) };
}

function clientEnv(host: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: host, BERTH_HOST: host, DOCKER_CLI_HINTS: 'false' };
  delete env.DOCKER_CONTEXT;
  return env;
}

/** Starts berthd, with the CPU profiler preloaded when asked (only berthd sees NODE_OPTIONS). */
async function startBerthd(opts: BenchOptions): Promise<Daemon> {
  const prof = opts.flags['cpu-prof'];
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, BERTH_BENCH_CPU_PROF_DIR: process.env.BERTH_BENCH_CPU_PROF_DIR };
  if (prof) {
    process.env.NODE_OPTIONS = `${saved.NODE_OPTIONS ?? ''} --import=${new URL('./cpu-profile.js', import.meta.url).href}`.trim();
    process.env.BERTH_BENCH_CPU_PROF_DIR = path.resolve(prof);
  }
  const daemonOpts: DaemonOptions = { name: opts.name, args: opts.args };
  if (opts.defaultNetwork !== undefined) daemonOpts.defaultNetwork = opts.defaultNetwork;
  try {
    return await startDaemon(daemonOpts);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Copies `refs` from one daemon to another through `docker save | docker load`; returns those it copied. */
export async function copyImages(from: BenchTarget, to: BenchTarget, refs: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const ref of refs) if ((await to.docker(['image', 'inspect', ref])).code !== 0) missing.push(ref);
  if (!missing.length) return [];
  const saved = await runCommand('docker', ['save', ...missing], { baseEnv: from.env, timeoutMs: 300_000 });
  if (saved.code !== 0 || !saved.stdoutBuf) throw new Error(`docker save on ${from.name}: ${saved.stderr}`);
  const loaded = await runCommand('docker', ['load'], { baseEnv: to.env, input: saved.stdoutBuf, timeoutMs: 300_000 });
  if (loaded.code !== 0) throw new Error(`docker load on ${to.name}: ${loaded.stderr}`);
  return missing;
}

async function removeLabelled(t: BenchTarget, label: string): Promise<void> {
  const ids = (await t.docker(['ps', '-aq', '--filter', `label=${label}`])).stdout.split('\n').filter(Boolean);
  for (let i = 0; i < ids.length; i += 50) await t.docker(['rm', '-f', ...ids.slice(i, i + 50)]);
}

/**
 * Runs a bench: `body` gets the targets and prints its own table. Exits the process with 1 on an
 * error, 130 on Ctrl-C, always after the clean-up.
 */
export async function runBench(opts: BenchOptions, body: (ctx: BenchContext) => Promise<void>): Promise<void> {
  const skip = integrationSkipReason();
  if (skip) {
    progress(`cannot run: ${skip}`);
    process.exitCode = 1;
    return;
  }
  const label = opts.label ?? `berth.bench=${opts.name}-${process.pid}-${Date.now()}`;
  const cleanups: (() => Promise<unknown>)[] = [];
  let berthd: Daemon | undefined;
  let started: BenchDockerd | undefined;
  let dockerd: BenchTarget | undefined;
  let loaded: string[] = [];
  let cleaning: Promise<void> | undefined;
  const step = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      progress(`clean-up: ${what}: ${(e as Error).message}`);
    }
  };
  const cleanup = () =>
    (cleaning ??= (async () => {
      progress('cleaning up');
      for (const fn of cleanups.reverse()) await step('bench clean-up', fn);
      if (dockerd) {
        const d = dockerd;
        await step('dockerd containers', () => removeLabelled(d, label));
        if (loaded.length && !started) await step('dockerd images', () => d.docker(['rmi', ...loaded]));
      }
      if (started) await step('stopping dockerd', () => started!.stop());
      if (berthd) await step('berthd', () => berthd!.cleanup());
    })());
  const onSignal = () => {
    progress('interrupted');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    progress('starting berthd and loading busybox');
    berthd = await startBerthd(opts);
    const d = berthd;
    const berth = target('berthd', { ...process.env, ...d.env, DOCKER_CLI_HINTS: 'false' }, async () => (d.process?.pid ? [d.process.pid] : []));
    const host = process.env.BENCH_DOCKERD || process.env.DOCKER_ANCHOR_HOST;
    if (host) {
      dockerd = target('dockerd', clientEnv(host), async () => {
        const ours = benchDockerdPids(host);
        if (ours.length || !host.startsWith('unix://')) return ours;
        return (await listProcesses()).filter((p) => p.comm === 'dockerd' || p.comm === 'containerd').map((p) => p.pid);
      });
    } else if (opts.flags.dockerd) {
      progress('starting a dockerd under /tmp/bench-dockerd');
      started = await startBenchDockerd();
      const s = started;
      dockerd = target('dockerd', clientEnv(s.host), async () => s.daemonPids());
    }
    if (dockerd) {
      progress('copying images from berthd to dockerd');
      loaded = await copyImages(berth, dockerd, opts.images ?? ['busybox:latest']);
    }
    await body({ berthd: d, berth, dockerd, label, targets: dockerd ? [berth, dockerd] : [berth], onCleanup: (fn) => cleanups.push(fn) });
  } catch (e) {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
