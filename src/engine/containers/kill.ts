// POST /containers/{id}/kill: a signal to the container's process (SIGKILL by default, which
// returns once the container has exited, as dockerd's does). Also the force-kill that stop and
// rm -f end with.
import { promises as fsp } from 'node:fs';
import { ConflictError, SystemError } from '../errors.js';
import { parseSignal } from './config.js';
import { runcKill } from '../runtime/runc.js';
import type { ContainerRecord } from './types.js';
import { cancelRestart } from './restart-policy.js';
import type { ContainerService } from './service.js';

/** How long a SIGKILLed container gets to exit before its process is killed directly, and then again (dockerd's 10 s and 2 s). */
const KILL_EXIT_TIMEOUT_MS = 10_000;
const DIRECT_KILL_EXIT_TIMEOUT_MS = 2_000;

export async function killContainer(svc: ContainerService, ref: string, signal?: string): Promise<void> {
  const sig = parseSignal(signal, 'SIGKILL');
  const rec = svc.get(ref);
  const notRunning = () => new ConflictError(`Cannot kill container: ${ref}: Container ${rec.id} is not running`);
  // As dockerd's killWithSignal: any signal counts as a hand stop (unless-stopped stays down), and
  // SIGKILL, the container's stop signal, or any signal when it has none, cancels the restart policy.
  const stopping = sig.num === 9 || !rec.config.StopSignal || parseSignal(rec.config.StopSignal, 'SIGTERM').num === sig.num;
  const waitingToRestart = await svc.locked(rec, async () => {
    if (!rec.state.Restarting) return false;
    rec.manuallyStopped = true;
    // No process to signal: the restart is called off (or not, for another signal), no event.
    if (stopping) cancelRestart(svc, rec);
    await svc.store.save(rec);
    return true;
  });
  if (waitingToRestart) return;
  if (sig.num !== 9) {
    await svc.locked(rec, async () => {
      if (!rec.state.Running) throw notRunning();
      rec.manuallyStopped = true;
      if (stopping) cancelRestart(svc, rec);
      const err = await signalContainer(svc, rec, sig.name);
      if (err) throw new SystemError(`Cannot kill container ${rec.id}: ${err.message}`);
      svc.emit(rec, 'kill', { signal: String(sig.num) });
    });
    return;
  }
  // Registered before the signal (under the lock, so the exit cannot be handled in between).
  const exit = new ExitWait(svc, rec);
  try {
    await svc.locked(rec, async () => {
      if (!rec.state.Running) throw notRunning();
      rec.manuallyStopped = true;
      cancelRestart(svc, rec);
      exit.begin();
    });
    await forceKill(svc, rec, exit, { event: true });
  } finally {
    exit.cancel();
  }
}

/** A registration for a container's next exit, made before it is signalled; cancel() withdraws it. */
export class ExitWait {
  private ac = new AbortController();
  private exited?: Promise<boolean>;
  private fired = false;
  constructor(
    private svc: ContainerService,
    private rec: ContainerRecord,
  ) {}

  /**
   * Registers for the exit of the run now going; call with the container's lock held and the
   * container running. A registration whose exit has come (a run that ended, after which a start
   * won the lock) is replaced: otherwise the new run's signal would wait on an exit already past.
   */
  begin(): void {
    if (this.exited && !this.fired) return;
    this.fired = false;
    this.exited = this.svc.waiters.nextExit(this.rec.id, this.ac.signal).then(
      () => (this.fired = true),
      () => false,
    );
  }

  /** Whether the exit came within ms (never when not begun). */
  async within(ms: number): Promise<boolean> {
    if (!this.exited) return !this.rec.state.Running;
    if (ms < 0) return this.exited;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  cancel(): void {
    this.ac.abort();
  }
}

/**
 * Sends a signal through the runtime. An error means the signal was not delivered to a running
 * container; a container that exited meanwhile (runc: not running, no such process) is no error.
 */
export async function signalContainer(svc: ContainerService, rec: ContainerRecord, signal: string, all = false): Promise<Error | undefined> {
  try {
    await runcKill(svc.runtimeFor(rec), rec.id, signal, all);
    return undefined;
  } catch (e: any) {
    if (!rec.state.Running || (await svc.exits.readExit(rec.id)) !== undefined) return undefined;
    if (/not running|no such process|process already finished|does not exist/i.test(String(e?.message))) return undefined;
    return e instanceof Error ? e : new Error(String(e));
  }
}

/**
 * SIGKILL and wait for the exit, as dockerd's Kill: through the runtime, then, when no exit comes
 * (or the runtime failed), directly to the container's init process. Every wait is bounded; the
 * error when the container still has not exited is dockerd's.
 */
export async function forceKill(svc: ContainerService, rec: ContainerRecord, exit: ExitWait, o: { event?: boolean } = {}): Promise<void> {
  const err = await svc.locked(rec, async () => {
    if (!rec.state.Running) return undefined;
    // The run signalled here is the one whose exit is waited for below.
    exit.begin();
    const e = await signalContainer(svc, rec, 'SIGKILL', true);
    if (!e && o.event) svc.emit(rec, 'kill', { signal: '9' });
    return e;
  });
  // A runtime that failed to signal is not waited for: its process is killed directly at once.
  if (!err && (await exit.within(KILL_EXIT_TIMEOUT_MS))) return;
  await killInitDirectly(rec);
  if (await exit.within(DIRECT_KILL_EXIT_TIMEOUT_MS)) return;
  throw new SystemError(err ? `tried to kill container, but did not receive an exit event: ${err.message}` : 'tried to kill container, but did not receive an exit event');
}

/** SIGKILL to the container's init by PID, when its cgroup shows the PID is still the container's (not a reused one). */
async function killInitDirectly(rec: ContainerRecord): Promise<boolean> {
  const pid = rec.state.Pid;
  if (!pid || !rec.state.Running) return false;
  const cgroup = await fsp.readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '');
  if (!cgroup.includes(rec.id)) return false;
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
