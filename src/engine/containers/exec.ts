// Exec sessions: POST /containers/{id}/exec makes one, POST /exec/{id}/start runs it under its
// own conmon (`--exec`), which reports the PID and then the exit code on the sync pipe. Output is
// in the session's own log file, stdin goes through its attach socket, as for containers.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ConflictError, EngineError, InvalidArgumentError, NotFoundError, SystemError } from '../errors.js';
import { newId } from '../../util/ids.js';
import { bestEffort } from '../../util/best-effort.js';
import { startWithConmon, resizeViaConmon } from '../runtime/conmon.js';
import { mergeCapabilities } from '../runtime/capabilities.js';
import { startFailure } from '../runtime/start-failure.js';
import { resolveUserInRootfs } from './users.js';
import { mergeEnv } from './config.js';
import type { ContainerService } from './service.js';
import type { ContainerRecord } from './types.js';
import { StdinForwarder, parseDetachKeys, type OutputSink } from './streams.js';
import { copyRecord, LogFollower } from '../runtime/logfile.js';
import type { ExecInspect } from '../../api-types/exec.js';
import { envWithLinks } from './links.js';

export interface ExecConfig {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  DetachKeys?: string;
  Tty?: boolean;
  ConsoleSize?: [number, number] | null;
  Env?: string[] | null;
  Cmd: string[];
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
}

export interface ExecSession {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  exitCode: number | null;
  pid: number;
  started: boolean;
  internal: boolean;
  /** When the sweeper may drop it (ms since the epoch): set at create and at exit, unset while it runs. */
  expiresAt?: number;
  /** Settles when the process has ended (conmon reported its exit or failed to start it). */
  ended?: Promise<number>;
  /** Its container stopped: the session goes as soon as its own exit is in. */
  orphaned?: boolean;
}

/** How long sessions are kept for the sweeper (ms); tests shorten them. */
export interface ExecRetention {
  /** A session created and never started (Docker keeps these until its container stops). */
  unstarted: number;
  /** A finished session, for inspect (the CLI reads ExitCode after start). */
  finished: number;
  /** A finished health probe (nobody inspects those). */
  internal: number;
}

const DEFAULT_RETENTION: ExecRetention = { unstarted: 10 * 60_000, finished: 5 * 60_000, internal: 0 };

/** How long a killed session's process may take to report its exit before conmon is killed too. */
const KILL_GRACE_MS = 5000;

export class ExecManager {
  private sessions = new Map<string, ExecSession>();
  private sweeper: NodeJS.Timeout | undefined;
  private retention: ExecRetention;

  constructor(
    private svc: ContainerService,
    retention: Partial<ExecRetention> = {},
  ) {
    this.retention = { ...DEFAULT_RETENTION, ...retention };
  }

  /** Sessions held right now (berthd's resource report). */
  get size(): number {
    return this.sessions.size;
  }

  /** Sessions started and not yet reported ended (berthd's resource report). */
  get running(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.started && s.exitCode === null) n++;
    return n;
  }

  private dir(id: string): string {
    return path.join(this.svc.o.execRoot, 'exec', id);
  }

  /** `internal` sessions (health checks) stay out of ExecIDs and events, as Docker's do not show in exec listings. */
  create(containerRef: string, cfg: ExecConfig, o: { internal?: boolean } = {}): { Id: string } {
    const c = this.svc.get(containerRef);
    if (c.state.Restarting) throw new ConflictError(`Container ${c.id} is restarting, wait until the container is running`);
    if (!c.state.Running) throw new ConflictError(`Container ${c.id} is not running`);
    if (c.state.Paused) throw new ConflictError(`Container ${c.id} is paused, unpause the container before exec`);
    if (!Array.isArray(cfg.Cmd) || cfg.Cmd.length === 0) throw new InvalidArgumentError('No exec command specified');
    if (cfg.DetachKeys) {
      // dockerd checks them here (an unclassified error: 500), so a bad sequence fails before start.
      try {
        parseDetachKeys(cfg.DetachKeys);
      } catch {
        throw new SystemError(`Invalid escape keys (${cfg.DetachKeys}) provided`);
      }
    }
    const id = newId();
    this.sessions.set(id, { id, containerId: c.id, config: cfg, running: false, exitCode: null, pid: 0, started: false, internal: !!o.internal, expiresAt: Date.now() + this.retention.unstarted });
    this.scheduleSweep();
    if (!o.internal) {
      c.execIds.push(id);
      this.svc.emit(c, `exec_create: ${cfg.Cmd.join(' ')}`, { execID: id });
    }
    return { Id: id };
  }

  get(id: string): ExecSession {
    const s = this.sessions.get(id);
    if (!s) throw new NotFoundError(`No such exec instance: ${id}`);
    return s;
  }

  inspect(id: string): ExecInspect {
    const s = this.get(id);
    return {
      ID: s.id,
      Running: s.running,
      ExitCode: s.exitCode,
      ProcessConfig: { tty: !!s.config.Tty, entrypoint: s.config.Cmd[0], arguments: s.config.Cmd.slice(1), privileged: !!s.config.Privileged, user: s.config.User ?? '' },
      OpenStdin: !!s.config.AttachStdin,
      OpenStderr: !!s.config.AttachStderr,
      OpenStdout: !!s.config.AttachStdout,
      CanRemove: false,
      ContainerID: s.containerId,
      DetachKeys: s.config.DetachKeys ?? '',
      Pid: s.pid,
    };
  }

  async resize(id: string, h: number, w: number): Promise<void> {
    const s = this.get(id);
    if (!s.running) throw new ConflictError(`Exec ${id} is not running`);
    if (s.config.Tty) await bestEffort(resizeViaConmon(path.join(this.dir(id), 'ctl'), h, w), `terminal resize of exec ${id}`);
  }

  /**
   * Starts the session. With `detach` it resolves once the process runs; otherwise output goes to
   * the sink until the process ends (or the client detaches/leaves), then it resolves. Whether
   * the process gets a terminal was decided at create (`Tty`), as dockerd does: the start
   * request's Tty only shapes the HTTP stream (the Python SDK sends Tty:false there).
   */
  async start(
    id: string,
    o: { detach: boolean; stdin?: Readable; sink?: OutputSink; consoleSize?: [number, number] | null; signal?: AbortSignal },
  ): Promise<{ done: Promise<void>; abort: () => void; exit?: Promise<number> }> {
    const s = this.get(id);
    if (s.started) throw new ConflictError(`Error: Exec command ${id} has already run`);
    const c = this.svc.get(s.containerId);
    if (!c.state.Running) throw new ConflictError(`Container ${c.id} is not running`);
    s.started = true;
    s.expiresAt = undefined;
    const tty = !!s.config.Tty;
    // A size given at start wins over the one given at create.
    const consoleSize = o.consoleSize ?? s.config.ConsoleSize;
    const dir = this.dir(id);
    let prepared: { specPath: string; logPath: string };
    try {
      prepared = await this.prepare(s, c, tty, consoleSize);
    } catch (e) {
      // The container stopped or went meanwhile (its bundle and rootfs with it): dockerd's 409.
      c.execIds = c.execIds.filter((x) => x !== id);
      s.orphaned = true;
      this.expire(s);
      if (!c.state.Running || this.svc.store.find(c.id) !== c) throw new ConflictError(`Container ${c.id} is not running`);
      throw e;
    }
    const { specPath, logPath } = prepared;
    const wantStdin = !!s.config.AttachStdin && !o.detach && !!o.stdin;
    let started;
    try {
      started = await startWithConmon({
        conmonPath: this.svc.conmonPath,
        runtime: this.svc.runtimeFor(c),
        id: c.id,
        name: c.name,
        bundleDir: dir,
        socketDir: this.svc.socketDir,
        socketId: id.slice(0, 32),
        exitDir: path.join(dir, 'exits'),
        logPath,
        stdin: !!s.config.AttachStdin,
        tty,
        exec: { processSpecPath: specPath, sessionId: id.slice(0, 32) },
      });
    } catch (e: any) {
      // As dockerd: the session ends with 126/127/128 (inspect shows it) and the client is told why.
      const failed = startFailure(`OCI runtime exec failed: ${String(e?.message ?? e)}: unknown`);
      s.exitCode = failed.exitCode;
      c.execIds = c.execIds.filter((x) => x !== id);
      this.expire(s);
      throw new EngineError(failed.status, failed.message);
    }
    s.running = true;
    s.pid = started.pid;
    if (!s.internal) this.svc.emit(c, `exec_start: ${s.config.Cmd.join(' ')}`, { execID: id });
    const exit = started.exitCode!.then((code) => {
      s.running = false;
      s.exitCode = code;
      c.execIds = c.execIds.filter((x) => x !== id);
      if (!s.internal) this.svc.emit(c, 'exec_die', { execID: id, exitCode: String(code) });
      // Kept a while for inspect (the CLI reads ExitCode after start), then the sweeper drops it.
      this.expire(s);
      return code;
    });
    s.ended = exit;

    const wanted = (st: string) => (st === 'stdout' ? s.config.AttachStdout !== false : s.config.AttachStderr !== false);
    const follower = new LogFollower(logPath, 0, (v) => {
      if (!finished && wanted(v.stream)) o.sink?.write(v.stream, copyRecord(v).data);
    });
    let input: StdinForwarder | undefined;
    let finished = false;
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const finish = () => {
      if (finished) return;
      finished = true;
      follower.close();
      input?.close();
      resolveDone();
    };
    // A client that went while the process was being started gets nothing more: the process
    // runs on, as dockerd's does when the exec's client disconnects.
    if (o.detach || !o.sink || o.signal?.aborted) {
      finish();
      return { done, abort: finish, exit };
    }
    o.signal?.addEventListener('abort', finish, { once: true });
    await follower.start();
    if (wantStdin) {
      // As dockerd: the detach sequence (the session's, else ctrl-p,ctrl-q) is looked for only on
      // a terminal; without one stdin is passed on byte for byte.
      const keys = tty ? parseDetachKeys(s.config.DetachKeys) : Buffer.alloc(0);
      input = new StdinForwarder(path.join(this.svc.socketDir, id.slice(0, 32), 'attach'), o.stdin!, keys, () => {
        if (!s.internal) this.svc.emit(c, 'exec_detach', { execID: id });
        finish();
      });
      input.connect();
    }
    void exit.then(async () => {
      await follower.drain();
      finish();
    });
    return { done, abort: finish, exit };
  }

  /**
   * Ends a running session now (a health probe past its timeout, as dockerd's SIGKILL of it): the
   * process is killed, and its conmon too should it not report the exit in time; then the session
   * and its files go. Resolves when nothing of it is left.
   */
  async kill(id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (!s) return;
    if (s.running && s.pid > 0) {
      try {
        process.kill(s.pid, 'SIGKILL');
      } catch {}
    }
    if (s.ended) {
      let timer: NodeJS.Timeout | undefined;
      const reported = await Promise.race([s.ended.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), KILL_GRACE_MS)))]);
      clearTimeout(timer);
      if (!reported) await this.killConmon(id);
    }
    await this.forget(id);
  }

  private async killConmon(id: string): Promise<void> {
    const pid = Number((await fsp.readFile(path.join(this.dir(id), 'conmon.pid'), 'utf8').catch(() => '')).trim());
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }

  /** Writes the session's process spec and an empty log, from the container's bundle and rootfs. */
  private async prepare(s: ExecSession, c: ContainerRecord, tty: boolean, consoleSize?: [number, number] | null): Promise<{ specPath: string; logPath: string }> {
    const dir = this.dir(s.id);
    await fsp.mkdir(path.join(dir, 'exits'), { recursive: true, mode: 0o700 });
    const rootfs = this.svc.rootfs(c.id).merged;
    const user = await resolveUserInRootfs(rootfs, s.config.User || c.config.User, (c.hostConfig.GroupAdd as string[] | undefined) ?? []);
    const caps = mergeCapabilities(c.hostConfig.CapAdd, c.hostConfig.CapDrop, !!c.hostConfig.Privileged || !!s.config.Privileged);
    const env = mergeEnv(envWithLinks(this.svc, c), s.config.Env);
    if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${user.home || '/'}`);
    if (tty && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
    const bundleSpec = JSON.parse(await fsp.readFile(path.join(this.svc.bundleDir(c.id), 'config.json'), 'utf8'));
    const proc = {
      ...bundleSpec.process,
      terminal: tty,
      args: s.config.Cmd,
      env,
      cwd: s.config.WorkingDir || c.config.WorkingDir || '/',
      user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids.length ? user.additionalGids : undefined },
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      consoleSize: tty && consoleSize && consoleSize[0] > 0 ? { height: consoleSize[0], width: consoleSize[1] } : undefined,
    };
    const specPath = path.join(dir, 'process.json');
    await fsp.writeFile(specPath, JSON.stringify(proc));
    const logPath = path.join(dir, 'exec.log');
    await fsp.writeFile(logPath, '');
    return { specPath, logPath };
  }

  /** Docker drops a container's exec sessions when it stops (or is removed, which needs a stop first). */
  containerStopped(containerId: string): void {
    const c = this.svc.store.find(containerId);
    if (c) c.execIds = [];
    for (const s of this.sessions.values()) {
      if (s.containerId !== containerId) continue;
      // A process still running is dropped when its exit is reported; one being started, when its
      // start ends (its files are in use until then: removing them under it fails the start).
      if (s.running || (s.started && !s.ended && s.exitCode === null)) s.orphaned = true;
      else void this.forget(s.id);
    }
  }

  private expire(s: ExecSession): void {
    const c = this.svc.store.find(s.containerId);
    const keep = s.orphaned || !c || !c.state.Running ? 0 : s.internal ? this.retention.internal : this.retention.finished;
    if (keep <= 0) {
      void this.forget(s.id);
      return;
    }
    s.expiresAt = Date.now() + keep;
    this.scheduleSweep();
  }

  /** One timer for all sessions, armed while any waits to expire. */
  private scheduleSweep(): void {
    if (this.sweeper) return;
    let next = Infinity;
    for (const s of this.sessions.values()) if (s.expiresAt !== undefined && s.expiresAt < next) next = s.expiresAt;
    if (next === Infinity) return;
    this.sweeper = setTimeout(() => {
      this.sweeper = undefined;
      const now = Date.now();
      for (const s of this.sessions.values()) if (s.expiresAt !== undefined && s.expiresAt <= now) void this.forget(s.id);
      this.scheduleSweep();
    }, Math.max(0, next - Date.now()) + 10);
    this.sweeper.unref();
  }

  private async forget(id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (!s) return;
    this.sessions.delete(id);
    if (!s.started) {
      const c = this.svc.store.find(s.containerId);
      if (c) c.execIds = c.execIds.filter((x) => x !== id);
    }
    // Nobody awaits this (a sweep, an exit): a directory that will not go must not end berthd.
    await bestEffort(fsp.rm(this.dir(id), { recursive: true, force: true }), `remove exec dir ${id}`);
    await bestEffort(fsp.rm(path.join(this.svc.socketDir, id.slice(0, 32)), { recursive: true, force: true }), `remove exec socket dir ${id}`);
  }
}
