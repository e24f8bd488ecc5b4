import { randomBytes } from 'node:crypto';
// Integration harness: a real berthd (dist/berthd.mjs) on a fresh temporary data root, exec root
// and socket, with busybox:latest loaded, driven by the real docker CLI, berth's own CLI and raw
// Engine API calls. cleanup() leaves nothing behind, whatever state the daemon died in.
//
//   const d = await startDaemon();
//   after(() => d.cleanup());
//   const r = await d.docker(['run', '--rm', 'busybox', 'echo', 'hello']);
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { busyboxImageArchive } from '../../src/base-images/busybox.js';
import { killProcessesMentioning, killRuncContainers, mountsUnder, removeBridgeState, removeIptablesChains, removeTree, unmountAllUnder } from './support/cleanup.js';
import { runCommand, waitFor, type CmdOptions, type CmdResult } from './support/proc.js';
import { runInPty, type PtyOptions, type PtyResult } from './support/pty.js';

export { describeResult, waitFor, shellQuote, type CmdResult, type CmdOptions } from './support/proc.js';
export { runInPty, type PtyStep, type PtyResult } from './support/pty.js';

/** The repository root: this file runs from build/test/integration/, the source is at the same depth under test/. */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the repository root from ' + fileURLToPath(import.meta.url));
}

export const REPO_ROOT = findRepoRoot();
export const BERTHD = path.join(REPO_ROOT, 'dist', 'berthd.mjs');
export const BERTH = path.join(REPO_ROOT, 'dist', 'berth.mjs');
/** The documented way to run berth's CLI (a launcher that starts node on BERTH). */
export const BERTH_BIN = path.join(REPO_ROOT, 'bin', 'berth');

function onPath(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Why this machine cannot run the integration suite, or undefined when it can.
 * Use as `describe('…', { skip: integrationSkipReason() }, …)`.
 */
export function integrationSkipReason(): string | undefined {
  if (!onPath('docker')) return 'the docker CLI is not on PATH: the integration tests drive berthd with the real docker CLI';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root: berthd needs root to run containers (runc, overlayfs mounts)';
  if (!existsSync(BERTHD) || !existsSync(BERTH)) return `${BERTHD} or ${BERTH} missing: run \`npm run build\` first`;
  for (const p of ['runc', 'conmon', 'script']) if (!onPath(p)) return `${p} is not on PATH (run the bootstrap)`;
  return undefined;
}

export interface ApiResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
  text: string;
  body: Buffer;
}

export interface ApiOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface DaemonOptions {
  /** Load busybox:latest after start (default true). */
  loadBusybox?: boolean;
  /** More berthd flags. */
  args?: string[];
  /** Prefix of the temp dir name, to tell daemons apart in /tmp. */
  name?: string;
  /**
   * Network given to `run`/`create` calls that name none (default: $BERTH_ITEST_NETWORK, else
   * none injected, i.e. the daemon's default bridge). `none` keeps a run off the host's bridge.
   */
  defaultNetwork?: string;
  /**
   * Runs berthd under a wrapper: gets berthd's full command line (node and its arguments) and
   * returns the one to spawn, which must end by exec'ing it (so signals reach berthd itself).
   * See readOnlySysWrapper.
   */
  wrap?: (argv: string[]) => string[];
}

/**
 * A wrapper that starts berthd in a mount namespace of its own where /sys is read-only, as
 * inside a container (where sysfs writes fail with EROFS and berthd must use netlink instead).
 */
export function readOnlySysWrapper(argv: string[]): string[] {
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount -o remount,bind,ro /sys && exec "$@"', 'berthd-ro-sys', ...argv];
}

/** Adds `--network <net>` to a run/create command line that does not choose a network itself. */
export function withDefaultNetwork(args: string[], net: string | undefined): string[] {
  if (!net) return args;
  let verb = 0;
  if (args[0] === 'container') verb = 1;
  if (args[verb] !== 'run' && args[verb] !== 'create') return args;
  if (args.some((a) => a === '--network' || a === '--net' || a.startsWith('--network=') || a.startsWith('--net='))) return args;
  return [...args.slice(0, verb + 1), '--network', net, ...args.slice(verb + 1)];
}

export interface Daemon {
  /** Temp directory holding everything below. */
  root: string;
  sock: string;
  dataRoot: string;
  execRoot: string;
  /** Environment for clients: DOCKER_HOST, BERTH_HOST, a private DOCKER_CONFIG. */
  env: Record<string, string>;
  /** The berthd child process (changes on restart). */
  readonly process: ChildProcess | undefined;
  /** What berthd wrote to stdout/stderr, across restarts. */
  log(): string;
  docker(args: string[], opts?: CmdOptions): Promise<CmdResult>;
  berth(args: string[], opts?: CmdOptions): Promise<CmdResult>;
  /** A raw Engine API call over the socket; a non-Buffer object body is sent as JSON. */
  api(method: string, apiPath: string, body?: unknown, opts?: ApiOptions): Promise<ApiResponse>;
  /** A shell command line under a pty, with the daemon's client environment. */
  pty(cmdline: string, opts?: PtyOptions): Promise<PtyResult>;
  /** SIGTERM and wait for exit (containers keep running). */
  stop(): Promise<void>;
  /** SIGKILL the daemon, as a crash would. */
  kill9(): Promise<void>;
  /** Start berthd again on the same roots (after stop/kill9, or stopping it first). */
  restart(): Promise<void>;
  /** Remove every container, stop the daemon and leave nothing behind. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** One Engine API request over a unix socket. */
export function apiRequest(sock: string, method: string, apiPath: string, body?: unknown, opts: ApiOptions = {}): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    let payload: Buffer | undefined;
    let stream: Readable | undefined;
    if (body instanceof Readable) stream = body;
    else if (Buffer.isBuffer(body)) payload = body;
    else if (typeof body === 'string') payload = Buffer.from(body);
    else if (body !== undefined) {
      payload = Buffer.from(JSON.stringify(body));
      headers['Content-Type'] ??= 'application/json';
    }
    if (payload) headers['Content-Length'] = String(payload.length);
    const req = http.request({ socketPath: sock, method, path: apiPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        const buf = Buffer.concat(chunks);
        const text = buf.toString('utf8');
        let json: unknown;
        try {
          json = text.trim() ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json, text, body: buf });
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`${method} ${apiPath} timed out after ${opts.timeoutMs ?? 30_000} ms`)), opts.timeoutMs ?? 30_000);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    if (stream) stream.pipe(req);
    else req.end(payload);
  });
}

/** Parses a newline-delimited JSON stream body (load, import, pull progress). */
export function jsonLines(text: string): any[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

let daemonCounter = 0;

export async function startDaemon(opts: DaemonOptions = {}): Promise<Daemon> {
  // Short paths: a unix socket path must stay under ~100 bytes.
  const root = await fsp.mkdtemp(`/tmp/bt${opts.name ?? ''}${process.pid % 1000}-${daemonCounter++}-`);
  // Passable by others (mkdtemp makes it 0700): a --userns-remap daemon's containers run as an
  // unprivileged host uid that must reach its data root and bind sources below.
  await fsp.chmod(root, 0o711);
  const dataRoot = path.join(root, 'data');
  const execRoot = path.join(root, 'exec');
  const sock = path.join(root, 'd.sock');
  const configFile = path.join(root, 'daemon.json');
  const dockerConfig = path.join(root, 'dockercfg');
  await fsp.mkdir(dockerConfig, { recursive: true });
  // An empty config file of our own, so a /etc/berth/daemon.json on the machine is not read.
  await fsp.writeFile(configFile, '{}\n');
  await fsp.writeFile(path.join(dockerConfig, 'config.json'), '{}\n');
  const env: Record<string, string> = {
    DOCKER_HOST: `unix://${sock}`,
    BERTH_HOST: `unix://${sock}`,
    DOCKER_CONFIG: dockerConfig,
    // No "What's next" hints or update checks in outputs we compare.
    DOCKER_CLI_HINTS: 'false',
    DOCKER_CLI_EXPERIMENTAL: 'disabled',
  };
  const clientEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete clientEnv.DOCKER_CONTEXT;
  delete clientEnv.DOCKER_TLS_VERIFY;
  delete clientEnv.DOCKER_CERT_PATH;

  // Each test daemon gets its own default bridge and iptables chains, so daemons on one host
  // (a developer's, other test files') never touch each other's.
  const tag = randomBytes(2).toString('hex');
  const bridgeName = `bt${tag}0`;
  const iptablesPrefix = `BT${tag.toUpperCase()}`;
  let child: ChildProcess | undefined;
  let logText = '';
  let cleanedUp = false;

  const spawnDaemon = async (): Promise<void> => {
    const args = [BERTHD, '-H', `unix://${sock}`, '--data-root', dataRoot, '--exec-root', execRoot, '--config-file', configFile, '--bridge', bridgeName, '--iptables-prefix', iptablesPrefix, ...(opts.args ?? [])];
    // kill9() hits only berthd: conmon daemonises out of its process tree, as in production.
    const [cmd, ...argv] = opts.wrap ? opts.wrap([process.execPath, ...args]) : [process.execPath, ...args];
    const p = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    child = p;
    p.stdout?.on('data', (c: Buffer) => (logText += c.toString('utf8')));
    p.stderr?.on('data', (c: Buffer) => (logText += c.toString('utf8')));
    let exited = false;
    p.on('exit', () => (exited = true));
    await waitFor(
      `berthd to answer /_ping on ${sock}`,
      async () => {
        if (exited) throw new Error(`berthd exited during start-up:\n${logText}`);
        const r = await apiRequest(sock, 'GET', '/_ping', undefined, { timeoutMs: 2000 });
        return r.status === 200;
      },
      15_000,
      50,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n--- berthd log ---\n${logText}`);
    });
  };

  const waitExit = async (p: ChildProcess, ms: number): Promise<boolean> => {
    if (p.exitCode !== null || p.signalCode !== null) return true;
    return new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      p.once('exit', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
  };

  const stop = async (): Promise<void> => {
    const p = child;
    if (!p) return;
    child = undefined;
    if (p.exitCode !== null || p.signalCode !== null) return;
    p.kill('SIGTERM');
    if (!(await waitExit(p, 10_000))) {
      p.kill('SIGKILL');
      await waitExit(p, 5000);
      throw new Error('berthd did not exit within 10 s of SIGTERM');
    }
  };

  const kill9 = async (): Promise<void> => {
    const p = child;
    if (!p) return;
    child = undefined;
    p.kill('SIGKILL');
    await waitExit(p, 5000);
  };

  const net = opts.defaultNetwork ?? (process.env.BERTH_ITEST_NETWORK || undefined);
  const docker = (args: string[], o: CmdOptions = {}) => runCommand('docker', withDefaultNetwork(args, net), { ...o, baseEnv: clientEnv });
  const berth = (args: string[], o: CmdOptions = {}) => runCommand(BERTH_BIN, withDefaultNetwork(args, net), { ...o, baseEnv: clientEnv });
  /** The same for a shell command line (pty tests): only a plain ` run ` without a network choice. */
  const ptyCmdline = (cmdline: string) => (net && !/--net(work)?[ =]/.test(cmdline) ? cmdline.replace(/ run /, ` run --network ${net} `) : cmdline);

  const d: Daemon = {
    root,
    sock,
    dataRoot,
    execRoot,
    env,
    get process() {
      return child;
    },
    log: () => logText,
    docker,
    berth,
    api: (method, apiPath, body, o) => apiRequest(sock, method, apiPath, body, o),
    pty: (cmdline, o = {}) => runInPty(ptyCmdline(cmdline), { ...o, env: { DOCKER_CONTEXT: undefined, ...env, ...o.env } }),
    stop,
    kill9,
    async restart() {
      await stop().catch(() => kill9());
      await spawnDaemon();
    },
    async cleanup() {
      if (cleanedUp) return;
      cleanedUp = true;
      // Through the daemon first, so it can undo its own work (mounts, netns, cgroups) in order.
      if (child) {
        const ids = await docker(['ps', '-aq', '--no-trunc'], { timeoutMs: 10_000 }).catch(() => undefined);
        const list = ids?.code === 0 ? ids.stdout.split('\n').filter(Boolean) : [];
        if (list.length) await docker(['rm', '-f', '-v', ...list], { timeoutMs: 30_000 }).catch(() => undefined);
        await stop().catch(() => kill9());
      }
      await killRuncContainers(execRoot, root);
      await killProcessesMentioning(root);
      await removeBridgeState(dataRoot);
      await removeIptablesChains(iptablesPrefix);
      await runCommand('ip', ['link', 'del', bridgeName], { timeoutMs: 5000 }).catch(() => undefined);
      await unmountAllUnder([root]);
      const left = await mountsUnder([root]);
      // Never rm -rf through a mount: a bind mount could lead to files outside the temp dir.
      if (left.length) throw new Error(`mounts still present under ${root}, not removing it: ${left.join(', ')}`);
      await removeTree(root);
    },
  };

  try {
    await spawnDaemon();
    if (opts.loadBusybox ?? true) await loadBusybox(d);
  } catch (e) {
    await d.cleanup().catch(() => undefined);
    throw e;
  }
  return d;
}

let busyboxArchive: Buffer | undefined;

/** The busybox:latest archive, made once per test process (it is deterministic). */
export async function busyboxArchiveBytes(): Promise<Buffer> {
  if (!busyboxArchive) {
    const chunks: Buffer[] = [];
    for await (const c of busyboxImageArchive()) chunks.push(c as Buffer);
    busyboxArchive = Buffer.concat(chunks);
  }
  return busyboxArchive;
}

/** POST /images/load of the offline busybox image; fails loudly if the load reports an error. */
export async function loadBusybox(d: Daemon): Promise<void> {
  const archive = await busyboxArchiveBytes();
  const r = await d.api('POST', '/images/load?quiet=1', archive, { headers: { 'Content-Type': 'application/x-tar' }, timeoutMs: 60_000 });
  if (r.status !== 200) throw new Error(`loading busybox failed: ${r.status} ${r.text}`);
  const errors = jsonLines(r.text).filter((m) => m.error || m.errorDetail);
  if (errors.length) throw new Error(`loading busybox failed: ${JSON.stringify(errors)}`);
  const check = await d.api('GET', '/images/busybox:latest/json');
  if (check.status !== 200) throw new Error(`busybox:latest missing after load: ${check.status} ${check.text}`);
}
