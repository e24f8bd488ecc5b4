// Side-by-side benchmark of berthd's pull and push (the engine code behind POST /images/create
// and /images/{name}/push) against two registries on loopback: berth's own registry and the CNCF
// distribution registry (Debian docker-registry), each as a separate process. One image of
// ~200 MB in 5 random (incompressible) layers on top of busybox. Prints a table.
//   node build/bench/pull.js [--mb 200] [--layers 5]
//
// With BENCH_DOCKERD (or DOCKER_ANCHOR_HOST) naming a dockerd (e.g. from `node build/bench/lib/dockerd.js start`) it instead compares daemons:
// the image (5 random layers, no base, so nothing of it can already be on either daemon) is
// pushed once to a registry on 127.0.0.1 (distribution if installed, else berth's), then
// `docker pull` of it runs cold through a harness berthd and through that dockerd, alternating
// which goes first, `docker rmi` after each pull, for --rounds rounds. dockerd treats 127.0.0.0/8
// registries as insecure (plain HTTP) by default, so the anchor needs no configuration, but it
// must run on this machine to reach the registry. Only the image the bench pulled is removed
// from the anchor. Prints a markdown table.
//   DOCKER_ANCHOR_HOST=unix:///var/run/docker.sock node build/bench/pull.js [--rounds 5] [--cpu-prof DIR]
// The table notes the load average before and after (other work on the machine skews both
// daemons). --cpu-prof DIR profiles the harness berthd (bench/lib/cpu-profile.ts) into DIR;
// `BERTH_LOG_LEVEL=debug` in berthd's environment logs per-layer phase timings of each pull.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EventBus } from '../src/engine/events.js';
import { ImageStore } from '../src/engine/images/store.js';
import { loadImages } from '../src/engine/images/load.js';
import { busyboxImageArchive } from '../src/base-images/busybox.js';
import { tarFromEntries } from '../src/archive/tar-directory.js';
import { pullIntoStore } from '../src/engine/images/pull.js';
import { pushFromStore } from '../src/engine/images/push.js';
import { startDaemon } from '../test/integration/harness.js';
import { runCommand } from '../test/integration/support/proc.js';
import { markdownTable } from './lib/table.js';
import { summarize } from './lib/stats.js';
import { timeCommand } from './lib/timing.js';

const { values } = parseArgs({
  options: { mb: { type: 'string', default: '200' }, layers: { type: 'string', default: '5' }, rounds: { type: 'string', default: '5' }, 'cpu-prof': { type: 'string' } },
});
const MB = Number(values.mb);
const LAYERS = Number(values.layers);
const ROUNDS = Number(values.rounds);
if (!(Number.isInteger(ROUNDS) && ROUNDS >= 1)) throw new Error(`--rounds must be a positive integer, not ${values.rounds}`);
const settings = { insecureRegistries: [], registryMirrors: [] };
const here = path.dirname(fileURLToPath(import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function withProcess<T>(cmd: string, args: string[], port: number, fn: () => Promise<T>): Promise<T> {
  const child: ChildProcess = spawn(cmd, args, { stdio: 'ignore' });
  try {
    for (let i = 0; ; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/v2/`);
        if (r.status === 200 || r.status === 401) break;
      } catch {}
      if (i > 200) throw new Error(`${cmd} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return await fn();
  } finally {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** A registry process on 127.0.0.1 with its storage under `dir`. */
interface RegistryProcess {
  name: string;
  cmd: string;
  args: string[];
  port: number;
}

async function berthRegistry(dir: string): Promise<RegistryProcess> {
  const port = await freePort();
  return { name: 'berth registry', cmd: process.execPath, args: [path.join(here, '../src/registry/server/bin.js'), 'serve', '--addr', `127.0.0.1:${port}`, '--root', path.join(dir, 'berth-reg'), '-q'], port };
}

async function distributionRegistry(dir: string): Promise<RegistryProcess> {
  const port = await freePort();
  const config = path.join(dir, 'dist.yml');
  await fsp.writeFile(config, `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'dist-data')}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  return { name: 'distribution', cmd: '/usr/bin/docker-registry', args: ['serve', config], port };
}

const withRegistry = <T>(r: RegistryProcess, fn: (host: string) => Promise<T>): Promise<T> => withProcess(r.cmd, r.args, r.port, () => fn(`127.0.0.1:${r.port}`));

async function newStore(root: string): Promise<ImageStore> {
  const store = new ImageStore({ dataRoot: root, events: new EventBus(), containersUsingImage: () => [] });
  await store.init();
  return store;
}

/** Adds LAYERS layers of MB random (incompressible) bytes in total on top of `parent` (none: from scratch); returns the image ID. */
async function addRandomLayers(store: ImageStore, parent: string | undefined): Promise<string> {
  let id = parent;
  const perLayer = Math.floor((MB * 1e6) / LAYERS);
  for (let i = 0; i < LAYERS; i++) {
    const layer = tarFromEntries([{ entry: { path: `blob${i}.bin`, type: 'file', mode: 0o644, mtime: 1 }, body: randomBytes(perLayer) }]);
    id = (await store.createFromLayer({ parent: id, layer, config: { Cmd: ['sh'] }, history: { created_by: `layer ${i}` } })).id;
  }
  return id!;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

// ---- berth's engine against two registries (no DOCKER_ANCHOR_HOST) ----

interface Row {
  registry: string;
  push: number;
  pushAgain: number;
  pull: number;
  pullAgain: number;
}

async function measure(name: string, host: string, dir: string, source: ImageStore, tag: string): Promise<Row> {
  const sourceImage = source.get(tag);
  const ref = `${host}/bench/app:1`;
  await source.tag(sourceImage.id, ref);
  const push = await timed(() => pushFromStore(source, settings, ref));
  const pushAgain = await timed(() => pushFromStore(source, settings, ref));
  const target = await newStore(path.join(dir, `pull-${name.replace(/\W/g, '')}`));
  const pull = await timed(() => pullIntoStore(target, settings, ref));
  const pullAgain = await timed(() => pullIntoStore(target, settings, ref));
  if (target.get(ref).id !== sourceImage.id) throw new Error('pulled image differs');
  return { registry: name, push, pushAgain, pull, pullAgain };
}

async function registryComparison(dir: string): Promise<void> {
  const source = await newStore(path.join(dir, 'source'));
  await loadImages(source, busyboxImageArchive());
  await source.tag(await addRandomLayers(source, source.get('busybox:latest').id), 'bench:1');

  const rows: Row[] = [];
  const berth = await berthRegistry(dir);
  rows.push(await withRegistry(berth, (host) => measure(berth.name, host, dir, source, 'bench:1')));
  if (existsSync('/usr/bin/docker-registry')) {
    const dist = await distributionRegistry(dir);
    rows.push(await withRegistry(dist, (host) => measure(dist.name, host, dir, source, 'bench:1')));
  } else {
    console.error('docker-registry not installed: only berth registry measured');
  }

  const mb = (MB * 1e6 + 2e6) / 1e6;
  console.log(`image: busybox + ${LAYERS} random layers, ${MB} MB; times in seconds (MB/s)`);
  const head = ['registry', 'push', 'push again', 'pull', 'pull again'];
  const lines = rows.map((r) => [r.registry, `${r.push.toFixed(2)} (${(mb / r.push).toFixed(0)})`, r.pushAgain.toFixed(3), `${r.pull.toFixed(2)} (${(mb / r.pull).toFixed(0)})`, r.pullAgain.toFixed(3)]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(fmt(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
}

// ---- berthd against the anchor dockerd, both through the docker CLI (DOCKER_ANCHOR_HOST) ----

/** A daemon driven through the docker CLI with its own environment. */
interface PullTarget {
  name: 'berthd' | 'dockerd';
  env: NodeJS.ProcessEnv;
  /** Cold pull times in ms, one per round. */
  samples: number[];
}

const progress = (msg: string) => process.stderr.write(`[pull] ${msg}\n`);

/** The compressed bytes a pull downloads: config plus layer blobs, as the pushed manifest lists them. */
async function manifestBytes(host: string, repo: string, tag: string): Promise<number> {
  const r = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
  });
  if (!r.ok) throw new Error(`manifest of ${repo}:${tag}: HTTP ${r.status}`);
  const m = (await r.json()) as { config: { size: number }; layers: { size: number }[] };
  return m.config.size + m.layers.reduce((sum, l) => sum + l.size, 0);
}

async function imageId(t: PullTarget, ref: string): Promise<string | undefined> {
  const r = await runCommand('docker', ['image', 'inspect', '-f', '{{.Id}}', ref], { baseEnv: t.env });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** One cold `docker pull` of `ref`, then `docker rmi` of exactly what it pulled; returns ms. */
async function coldPull(t: PullTarget, ref: string, expectedId: string): Promise<number> {
  if (await imageId(t, ref)) throw new Error(`${t.name}: ${ref} is present before the pull; the pull would not be cold`);
  const run = await timeCommand('docker', ['pull', ref], { env: t.env, timeoutMs: 600_000 });
  const id = await imageId(t, ref);
  // Remove before any check can throw, so a failed round leaves nothing on the anchor.
  if (id) {
    const rm = await runCommand('docker', ['rmi', ref], { baseEnv: t.env, timeoutMs: 60_000 });
    if (rm.code !== 0) throw new Error(`${t.name}: docker rmi ${ref}: ${rm.stderr}`);
  }
  if (id !== expectedId) throw new Error(`${t.name}: pulled image ${id ?? '(none)'} is not the pushed ${expectedId}`);
  if (/Already exists/.test(run.stdout)) throw new Error(`${t.name}: a layer was already there, the pull was not cold:\n${run.stdout}`);
  return run.ms;
}

async function daemonComparison(dir: string, anchorHost: string): Promise<void> {
  if (!anchorHost.startsWith('unix://')) progress(`warning: ${anchorHost} is not a local socket; the anchor must reach the registry on 127.0.0.1 of this machine`);
  progress(`making the image: ${LAYERS} random layers, ${MB} MB`);
  const source = await newStore(path.join(dir, 'source'));
  const id = await addRandomLayers(source, undefined);
  const registry = existsSync('/usr/bin/docker-registry') ? await distributionRegistry(dir) : await berthRegistry(dir);
  await withRegistry(registry, async (host) => {
    // A repository name no other run can share, so the anchor cannot already hold this tag.
    const repo = `bench/pull-${process.pid}-${randomBytes(3).toString('hex')}`;
    const ref = `${host}/${repo}:1`;
    progress(`pushing ${ref} to ${registry.name}`);
    await source.tag(id, ref);
    await pushFromStore(source, settings, ref);
    const bytes = await manifestBytes(host, repo, '1');

    // One client config for both daemons: no credential helpers or contexts from the machine's.
    const dockerConfig = path.join(dir, 'dockercfg');
    await fsp.mkdir(dockerConfig, { recursive: true });
    await fsp.writeFile(path.join(dockerConfig, 'config.json'), '{}\n');
    const clientEnv = (dockerHost: string): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CONFIG: dockerConfig, DOCKER_CLI_HINTS: 'false' };
      delete env.DOCKER_CONTEXT;
      return env;
    };

    const d = await startProfiledDaemon(values['cpu-prof']);
    const loadBefore = await loadAverage();
    const berthd: PullTarget = { name: 'berthd', env: clientEnv(d.env.DOCKER_HOST!), samples: [] };
    const dockerd: PullTarget = { name: 'dockerd', env: clientEnv(anchorHost), samples: [] };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate who goes first, so neither always pulls into a warmer page cache.
        for (const t of round % 2 === 0 ? [berthd, dockerd] : [dockerd, berthd]) {
          const ms = await coldPull(t, ref, id);
          t.samples.push(ms);
          progress(`round ${round + 1}/${ROUNDS}: ${t.name} ${(ms / 1000).toFixed(2)} s`);
        }
      }
    } finally {
      await d.cleanup();
      // A round that failed between pull and rmi: remove the tag we pulled, and only that.
      if (await imageId(dockerd, ref)) await runCommand('docker', ['rmi', ref], { baseEnv: dockerd.env, timeoutMs: 60_000 }).catch(() => undefined);
    }
    printDaemonTable([berthd, dockerd], bytes, registry.name, [loadBefore, await loadAverage()]);
  });
}

/** The 1, 5 and 15 minute load averages, as /proc/loadavg has them. */
async function loadAverage(): Promise<string> {
  return (await fsp.readFile('/proc/loadavg', 'utf8').catch(() => '? ? ?')).split(' ').slice(0, 3).join(' ');
}

/** The harness berthd; with a profile dir, started with the CPU-profile preload (Node refuses --cpu-prof in NODE_OPTIONS). */
async function startProfiledDaemon(profileDir: string | undefined): ReturnType<typeof startDaemon> {
  if (!profileDir) return startDaemon({ name: 'pull', loadBusybox: false });
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, BERTH_BENCH_CPU_PROF_DIR: process.env.BERTH_BENCH_CPU_PROF_DIR };
  await fsp.mkdir(profileDir, { recursive: true });
  process.env.NODE_OPTIONS = `${saved.NODE_OPTIONS ?? ''} --import=${new URL('./lib/cpu-profile.js', import.meta.url).href}`.trim();
  process.env.BERTH_BENCH_CPU_PROF_DIR = path.resolve(profileDir);
  try {
    return await startDaemon({ name: 'pull', loadBusybox: false });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

function printDaemonTable(targets: PullTarget[], bytes: number, registryName: string, load: [string, string]): void {
  const mbps = (ms: number) => bytes / 1e6 / (ms / 1000);
  const median = (t: PullTarget) => summarize(t.samples).p50;
  const rows = targets.map((t) => [
    t.name,
    t.samples.map((ms) => (ms / 1000).toFixed(2)).join(', '),
    `${(median(t) / 1000).toFixed(2)} s`,
    mbps(median(t)).toFixed(0),
  ]);
  const [b, a] = targets;
  process.stdout.write(
    `\nCold docker pull: ${LAYERS} random layers, ${(bytes / 1e6).toFixed(1)} MB compressed, from ${registryName} on 127.0.0.1; ` +
      `${ROUNDS} rounds alternating which daemon goes first, docker rmi after each pull (MB = 10^6 bytes); ` +
      `${os.cpus().length} CPUs, load average ${load[0]} before, ${load[1]} after\n\n`,
  );
  process.stdout.write(markdownTable(['daemon', 'cold pulls (s)', 'median', 'MB/s at median'], rows) + '\n\n');
  process.stdout.write(`dockerd / berthd, median cold pull time: **${(median(a!) / median(b!)).toFixed(2)}×** (above 1: berthd is faster)\n`);
}

const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-pull-bench-'));
try {
  const anchorHost = process.env.BENCH_DOCKERD || process.env.DOCKER_ANCHOR_HOST;
  if (anchorHost) await daemonComparison(dir, anchorHost);
  else await registryComparison(dir);
} finally {
  await fsp.rm(dir, { recursive: true, force: true });
}
