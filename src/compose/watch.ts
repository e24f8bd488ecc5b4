// `compose watch` and `up --watch` (the spec's develop.watch) as compose's pkg/compose/watch.go:
// the trigger paths watched (fs.watch, recursive: Node 20 supports it on Linux, new directories
// included), events batched until 500 ms pass without one (compose's QuietPeriod), then per
// service: `rebuild` builds the image and recreates the service's containers; `sync` copies the
// changed files into the running containers (PUT /containers/{id}/archive; deleted ones removed
// with `rm -rf` by exec, as compose's tar syncer); `restart`/`sync+restart` restart the service
// (and its restart: true dependants); `sync+exec` runs the trigger's command after syncing.
import { existsSync, statSync, watch as fsWatch, readFileSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import ignoreFactory from '@balena/dockerignore';
import type { ContainerSummary } from '../api-types/containers.js';
import { tarTreeEntries } from '../archive/tar-directory.js';
import { endOfArchive } from '../archive/tar-header.js';
import { buildImage } from './images.js';
import type { ServiceConfig, WatchTrigger } from './model.js';
import { projectContainers } from './observe.js';
import { restart } from './restart.js';
import type { Session } from './session.js';
import { converge, startServices } from './up.js';

/** compose's watch.QuietPeriod. */
export const QUIET_PERIOD_MS = 500;

/** Editors' temporary files (compose's EphemeralPathMatcher). */
const EPHEMERAL = ['**/*___jb_old___', '**/*___jb_tmp___', '**/.idea/**', '**/.#*', '**/#*#', '**/4913', '**/*~', '**/.*.swp', '**/.*.swx', '**/.*.swo', '**/.*.swn', '**/.*.kate-swp', '**/*-go-tmp-umask'];

type Matcher = (hostPath: string) => boolean;

/** Dockerignore-style patterns relative to `root` (compose's NewDockerPatternMatcher). */
function patternMatcher(root: string, patterns: readonly string[]): Matcher {
  const clean = patterns.map((p) => p.trim()).filter((p) => p && !p.startsWith('#'));
  if (!clean.length) return () => false;
  const ig = ignoreFactory.default().add(clean);
  return (hostPath) => {
    const rel = path.relative(root, hostPath);
    return rel !== '' && !rel.startsWith('..') && ig.ignores(rel);
  };
}

/** The build context's .dockerignore, which watch honours too (compose's LoadDockerIgnore). */
function dockerignoreOf(svc: ServiceConfig): Matcher {
  const context = svc.build?.context;
  if (!context || !existsSync(context)) return () => false;
  const file = path.join(context, '.dockerignore');
  return existsSync(file) ? patternMatcher(context, readFileSync(file, 'utf8').split(/\r?\n/)) : () => false;
}

export interface WatchRule {
  service: string;
  trigger: WatchTrigger;
  matches: (hostPath: string) => boolean;
}

/** The rules of the services in scope; compose's "none of the selected services…" when there are none. */
export function watchRules(s: Session, services: readonly string[]): WatchRule[] {
  const rules: WatchRule[] = [];
  for (const name of services) {
    const svc = s.project.services[name];
    for (const trigger of svc?.develop?.watch ?? []) {
      if (trigger.action === 'rebuild' && !svc.build) throw new Error(`can't watch service "${name}" with action rebuild without a build context`);
      const ignored = [dockerignoreOf(svc), patternMatcher('/', EPHEMERAL), patternMatcher(trigger.path, trigger.ignore ?? [])];
      const include = trigger.include?.length ? patternMatcher(trigger.path, trigger.include) : () => true;
      rules.push({
        service: name,
        trigger,
        matches: (p) => {
          const rel = path.relative(trigger.path, p);
          if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
          if (p.split(path.sep).includes('.git')) return false;
          return include(p) && !ignored.some((m) => m(p));
        },
      });
    }
  }
  if (!rules.length) throw new Error("none of the selected services is configured for watch, consider setting a 'develop' section");
  return rules;
}

interface PathMapping {
  hostPath: string;
  containerPath: string;
}

function mappingOf(rule: WatchRule, hostPath: string): PathMapping | undefined {
  if (!rule.trigger.target) return undefined;
  return { hostPath, containerPath: path.posix.join(rule.trigger.target, path.relative(rule.trigger.path, hostPath).split(path.sep).join('/')) };
}

/** The changed paths as one tar rooted at `/`, each under its container path. */
function syncArchive(present: readonly PathMapping[]): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (const m of present) yield* tarTreeEntries(m.hostPath, { name: m.containerPath.replace(/^\/+/, '') });
    yield endOfArchive();
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** Runs a command in a container and waits for it to end (its output is dropped). */
async function execAndWait(s: Session, id: string, cmd: string[], opts: { user?: string; workdir?: string; env?: string[]; privileged?: boolean } = {}): Promise<void> {
  const { Id } = await s.client.exec.create(id, { Cmd: cmd, AttachStdout: true, AttachStderr: true, User: opts.user, WorkingDir: opts.workdir, Env: opts.env, Privileged: opts.privileged });
  const conn = await s.client.exec.startAttached(Id);
  await new Promise<void>((resolve, reject) => {
    conn.socket.on('data', () => undefined);
    conn.socket.once('end', resolve);
    conn.socket.once('close', resolve);
    conn.socket.once('error', reject);
  });
  const result = await s.client.exec.inspect(Id);
  if (result.ExitCode) throw new Error(`${cmd.join(' ')} exited with code ${result.ExitCode}`);
}

async function runningContainers(s: Session, service: string): Promise<ContainerSummary[]> {
  return (await projectContainers(s.client, s.project.name, { services: [service], all: false })).filter((c) => c.State === 'running');
}

/** compose's tar syncer: deletions by `rm -rf`, the rest copied in one archive, per container. */
async function syncService(s: Session, service: string, mappings: readonly PathMapping[]): Promise<void> {
  const present = mappings.filter((m) => existsSync(m.hostPath));
  const gone = mappings.filter((m) => !existsSync(m.hostPath)).map((m) => m.containerPath);
  for (const c of await runningContainers(s, service)) {
    if (gone.length) await execAndWait(s, c.Id, ['rm', '-rf', ...gone]);
    if (present.length) await s.client.containers.putArchive(c.Id, '/', syncArchive(present));
  }
}

const quoted = (names: readonly string[]) => `[${names.map((n) => JSON.stringify(n)).join(' ')}]`;

export interface WatchOptions {
  /** Services watched (all when empty). */
  services: readonly string[];
  /** Watch's own lines (compose's "Watch enabled", "Syncing service …"). */
  log: (line: string) => void;
  /** Build output. */
  write?: (text: string) => void;
  /** Called for each container started by a rebuild (the attached `up --watch` follows it). */
  onContainer?: (c: ContainerSummary, fresh: boolean) => void;
  signal: AbortSignal;
}

export class ProjectWatcher {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly watchers: FSWatcher[] = [];
  /** Batches run one after the other: a batch arriving during a rebuild waits for it. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly s: Session,
    private readonly rules: readonly WatchRule[],
    private readonly opts: WatchOptions,
  ) {}

  /** Starts watching; resolves once the signal aborts and the batch under way is done. */
  async run(): Promise<void> {
    const roots = [...new Set(this.rules.map((r) => r.trigger.path))];
    for (const root of roots) {
      if (!existsSync(root)) {
        this.s.warn(`path ${root} does not exist: not watched`);
        continue;
      }
      const isFile = statSync(root).isFile();
      const w = fsWatch(root, { recursive: !isFile }, (_event, filename) => this.changed(isFile || !filename ? root : path.join(root, filename.toString())));
      w.on('error', (e) => this.s.warn(`watching ${root}: ${e.message}`));
      this.watchers.push(w);
    }
    this.opts.log('Watch enabled');
    await new Promise<void>((resolve) => {
      if (this.opts.signal.aborted) resolve();
      else this.opts.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    for (const w of this.watchers) w.close();
    if (this.timer) clearTimeout(this.timer);
    await this.queue;
    this.opts.log('Watch disabled');
  }

  private changed(hostPath: string): void {
    this.pending.add(hostPath);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), QUIET_PERIOD_MS);
  }

  private flush(): void {
    const batch = [...this.pending];
    this.pending.clear();
    this.timer = undefined;
    this.queue = this.queue.then(() =>
      this.handle(batch).catch((e: unknown) => this.s.warn(`Error handling changed files: ${(e as Error).message}`)),
    );
  }

  /** compose's handleWatchBatch: rebuilds, then syncs, then restarts, then execs. */
  async handle(batch: readonly string[]): Promise<void> {
    const rebuild = new Set<string>();
    const restartSet = new Set<string>();
    const sync = new Map<string, PathMapping[]>();
    const execs = new Map<string, Set<WatchRule>>();
    for (const p of batch) {
      for (const rule of this.rules) {
        if (!rule.matches(p)) continue;
        const action = rule.trigger.action;
        if (action === 'rebuild') rebuild.add(rule.service);
        if (action === 'restart' || action === 'sync+restart') restartSet.add(rule.service);
        if (action === 'sync' || action === 'sync+restart' || action === 'sync+exec') {
          const m = mappingOf(rule, p);
          if (m) sync.set(rule.service, [...(sync.get(rule.service) ?? []), m]);
        }
        if (action === 'sync+exec') execs.set(rule.service, (execs.get(rule.service) ?? new Set()).add(rule));
      }
    }
    if (rebuild.size) await this.rebuild([...rebuild].sort());
    for (const [service, mappings] of sync) {
      this.opts.log(`Syncing service "${service}" after ${mappings.length} changes were detected`);
      await syncService(this.s, service, mappings);
    }
    if (restartSet.size) {
      const services = [...restartSet].sort();
      await restart(this.s, services);
      this.opts.log(`service(s) ${quoted(services)} restarted`);
    }
    for (const [service, rules] of execs) {
      for (const rule of rules) {
        const x = rule.trigger.exec;
        if (!x?.command?.length) continue;
        const env = Object.entries(x.environment ?? {}).map(([k, v]) => (v === null ? k : `${k}=${v}`));
        await Promise.all((await runningContainers(this.s, service)).map((c) => execAndWait(this.s, c.Id, x.command!, { user: x.user, workdir: x.working_dir, env, privileged: x.privileged })));
      }
    }
  }

  /** compose's rebuild: build the services' images, recreate their containers, start them. */
  private async rebuild(services: string[]): Promise<void> {
    const s = this.s;
    this.opts.log(`Rebuilding service(s) ${quoted(services)} after changes were detected...`);
    try {
      for (const name of services) await buildImage(s.client, s.project, name, s.project.services[name], s.progress, this.opts.write);
    } catch (e) {
      this.opts.log(`Build failed. Error: ${(e as Error).message}`);
      throw e;
    }
    this.opts.log(`service(s) ${quoted(services)} successfully built`);
    const observed = await converge(s, { services, noDeps: true, recreate: 'force', build: 'never', inherit: true });
    try {
      await startServices(s, observed, { services, noDeps: true, onContainer: this.opts.onContainer });
    } catch (e) {
      this.opts.log(`Application failed to start after update. Error: ${(e as Error).message}`);
    }
  }
}
