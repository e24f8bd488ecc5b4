// A dockerd for side-by-side benchmarks only (never for tests): Debian's docker.io started on its
// own socket, data root and exec root under /tmp, with no bridge, no iptables rules and no IP
// forwarding, so it cannot touch berth's networks or another helper's test daemons. It runs its
// own containerd (dockerd starts one under the exec root when /run/containerd has none).
//
// From a bench: `--dockerd` (runBench starts one and stops it after) or BENCH_DOCKERD /
// DOCKER_ANCHOR_HOST naming one that runs already. By hand, to keep one up across several benches:
//
//   node build/bench/lib/dockerd.js start   # prints BENCH_DOCKERD=unix:///tmp/bench-dockerd/docker.sock
//   node build/bench/lib/dockerd.js stop    # stops it, unmounts and removes /tmp/bench-dockerd
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const BENCH_DOCKERD_ROOT = '/tmp/bench-dockerd';
const TRUST_KEY = '/etc/docker/key.json';
/** Directories dockerd and containerd make under /run whatever their roots; removed when left empty. */
const RUN_DIRS = ['/run/containerd/s', '/run/containerd', '/run/docker/plugins', '/run/docker'];

export interface BenchDockerd {
  /** DOCKER_HOST value: unix://<root>/docker.sock. */
  host: string;
  root: string;
  pid: number;
  /** dockerd and the containerd it started (the daemon side whose CPU and memory count). */
  daemonPids(): number[];
  stop(): Promise<void>;
}

/** Why no bench dockerd can be started here (undefined: it can). */
export function benchDockerdMissing(): string | undefined {
  const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
  if (!has('dockerd') || !has('containerd')) return 'dockerd/containerd not installed (apt-get install --no-install-recommends docker.io; the benches never need it)';
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function cmdline(pid: string | number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Processes whose command line names `root` (dockerd, its containerd, containerd-shims). */
function processesUnder(root: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
    .filter((e) => cmdline(e).some((a) => a.includes(root)))
    .map(Number);
}

/** Pids of processes whose command line names `root`, by program name. */
function daemonPidsUnder(root: string): number[] {
  return processesUnder(root).filter((p) => {
    const prog = path.basename(cmdline(p)[0] ?? '');
    return prog === 'dockerd' || prog === 'containerd';
  });
}

async function ping(sock: string): Promise<boolean> {
  const r = spawnSync('docker', ['-H', `unix://${sock}`, 'version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 5000, env: { ...process.env, DOCKER_CONTEXT: '' } });
  return r.status === 0;
}

/** Starts dockerd under `root` (default /tmp/bench-dockerd) and waits until it answers. */
export async function startBenchDockerd(root = BENCH_DOCKERD_ROOT): Promise<BenchDockerd> {
  const missing = benchDockerdMissing();
  if (missing) throw new Error(missing);
  const sock = path.join(root, 'docker.sock');
  if (existsSync(sock) && (await ping(sock))) throw new Error(`a dockerd already answers on ${sock} (stop it: node build/bench/lib/dockerd.js stop)`);
  await stopBenchDockerd(root); // leftovers of an interrupted run
  mkdirSync(root, { recursive: true });
  // An empty config, so /etc/docker/daemon.json (whatever a host has there) does not apply.
  writeFileSync(path.join(root, 'daemon.json'), '{}\n');
  // dockerd 20.10 writes a trust key to /etc/docker/key.json whatever its roots: note whether it
  // is ours to remove.
  if (!existsSync(TRUST_KEY)) writeFileSync(path.join(root, 'owns-trust-key'), '');
  const log = openSync(path.join(root, 'dockerd.log'), 'a');
  const child = spawn(
    'dockerd',
    [
      '--host', `unix://${sock}`,
      '--data-root', path.join(root, 'data'),
      '--exec-root', path.join(root, 'exec'),
      '--pidfile', path.join(root, 'dockerd.pid'),
      '--config-file', path.join(root, 'daemon.json'),
      '--iptables=false', '--ip6tables=false', '--ip-forward=false', '--ip-masq=false',
      '--bridge=none',
      // Networks it makes (compose's project networks) come from a range berth's tests do not use.
      '--default-address-pool', 'base=10.251.0.0/16,size=24',
      '--storage-driver', 'overlay2',
      '--log-level', 'warn',
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  const pid = child.pid!;
  for (let i = 0; i < 300 && !(await ping(sock)); i++) {
    if (!alive(pid)) throw new Error(`dockerd exited at start; see ${path.join(root, 'dockerd.log')}`);
    await sleep(100);
  }
  if (!(await ping(sock))) {
    await stopBenchDockerd(root);
    throw new Error(`dockerd did not answer on ${sock} within 30 s`);
  }
  return { host: `unix://${sock}`, root, pid, daemonPids: () => daemonPidsUnder(root), stop: () => stopBenchDockerd(root) };
}

/** The daemon pids of an already running bench dockerd reached at `host`, if it is one of ours. */
export function benchDockerdPids(host: string): number[] {
  if (!host.startsWith('unix://')) return [];
  return daemonPidsUnder(path.dirname(host.slice('unix://'.length)));
}

/**
 * Stops the dockerd under `root` and everything it left: its containerd and shims, mounts below
 * root (overlays, shm, netns), then the directory itself.
 */
export async function stopBenchDockerd(root = BENCH_DOCKERD_ROOT): Promise<void> {
  const pidFile = path.join(root, 'dockerd.pid');
  const main = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : undefined;
  if (main && alive(main) && cmdline(main)[0]?.endsWith('dockerd')) {
    process.kill(main, 'SIGTERM');
    for (let i = 0; i < 200 && alive(main); i++) await sleep(100);
  }
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    const left = processesUnder(root);
    for (const p of left) if (alive(p)) process.kill(p, signal);
    for (let i = 0; i < 50 && left.some(alive); i++) await sleep(100);
  }
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m): m is string => !!m && (m === root || m.startsWith(root + '/')))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  if (existsSync(path.join(root, 'owns-trust-key'))) rmSync(TRUST_KEY, { force: true });
  for (const dir of RUN_DIRS) {
    try {
      rmdirSync(dir); // only when empty: a system containerd or dockerd keeps its own
    } catch {
      // not there, or in use
    }
  }
  rmSync(root, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [verb, root = BENCH_DOCKERD_ROOT] = process.argv.slice(2);
  if (verb === 'start') {
    const d = await startBenchDockerd(root);
    process.stdout.write(`BENCH_DOCKERD=${d.host}\n`);
  } else if (verb === 'stop') {
    await stopBenchDockerd(root);
  } else {
    process.stderr.write('usage: node build/bench/lib/dockerd.js start|stop [root]\n');
    process.exitCode = 2;
  }
}
