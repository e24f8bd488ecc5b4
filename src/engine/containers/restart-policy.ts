// The restart policy, as dockerd's restart manager (moby restartmanager + daemon/monitor.go):
// - `always` restarts on any exit, `unless-stopped` unless stopped by hand, `on-failure[:N]` on a
//   non-zero exit while fewer than N restarts were made (0: no limit), `no` never;
// - the wait before a restart is 100 ms, doubling to a minute, back to 100 ms once a run lasted
//   10 s; meanwhile the container is `restarting`; RestartCount counts restarts, a manual start
//   resets it (and the back-off);
// - stop, kill and rm cancel the container's restart manager ("exit on next"): no restart until
//   it is started by hand (or berthd starts again, where the policy decides afresh).
// Events: the exit's `die`, then the restart's `start` (dockerd publishes no `restart` for these).
import type { ContainerRecord, HostConfig } from './types.js';
import { ZERO_TIME } from './types.js';
import { startNow } from './start.js';
import { log } from '../../util/log.js';
import type { ContainerService } from './service.js';

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 60_000;
/** A run at least this long resets the back-off. */
const RESET_AFTER_RUN_MS = 10_000;

/** A container's restart manager: in memory only, as dockerd's (berthd starting again makes a fresh one). */
export interface RestartManager {
  /** The last back-off (0: none yet). */
  backoffMs: number;
  /** Set by stop/kill/rm: no restart until the next manual start. */
  cancelled: boolean;
  timer?: NodeJS.Timeout;
}

/** dockerd's ShouldRestart: whether the policy asks for a restart after this exit. */
export function policyWantsRestart(policy: HostConfig['RestartPolicy'], exitCode: number, manuallyStopped: boolean, restartCount: number): boolean {
  switch (policy?.Name || 'no') {
    case 'always':
      return true;
    case 'unless-stopped':
      return !manuallyStopped;
    case 'on-failure': {
      const max = policy?.MaximumRetryCount ?? 0;
      return (max === 0 || restartCount < max) && exitCode !== 0;
    }
    default:
      return false;
  }
}

/** The wait before the next restart, given the previous one and how long the run lasted. */
export function nextBackoff(prevMs: number, ranMs: number): number {
  const prev = ranMs >= RESET_AFTER_RUN_MS ? 0 : prevMs;
  return prev === 0 ? FIRST_BACKOFF_MS : Math.min(prev * 2, MAX_BACKOFF_MS);
}

function manager(svc: ContainerService, id: string): RestartManager {
  let m = svc.restartManagers.get(id);
  if (!m) svc.restartManagers.set(id, (m = { backoffMs: 0, cancelled: false }));
  return m;
}

/**
 * At an exit (the caller holds the lock and has cleaned up the run): whether the container is to
 * restart. If so it is now `restarting` with its RestartCount counted, and the wait is returned;
 * schedule the restart with scheduleRestart once the exit is recorded.
 */
export function restartAfterExit(svc: ContainerService, rec: ContainerRecord, exitCode: number): number | undefined {
  const policy = rec.hostConfig.RestartPolicy;
  if (!policy?.Name || policy.Name === 'no' || rec.hostConfig.AutoRemove) return undefined;
  const m = manager(svc, rec.id);
  if (m.cancelled) return undefined;
  const started = Date.parse(rec.state.StartedAt);
  m.backoffMs = nextBackoff(m.backoffMs, Number.isFinite(started) ? Date.now() - started : 0);
  if (!policyWantsRestart(policy, exitCode, rec.manuallyStopped, rec.restartCount)) return undefined;
  rec.restartCount++;
  const st = rec.state;
  st.Restarting = true;
  st.Status = 'restarting';
  return m.backoffMs;
}

/** Starts the container again after the wait, unless stop/kill/rm/start came first. */
export function scheduleRestart(svc: ContainerService, rec: ContainerRecord, delayMs: number): void {
  const m = manager(svc, rec.id);
  if (m.timer) clearTimeout(m.timer);
  m.timer = setTimeout(() => {
    m.timer = undefined;
    void svc.startupDone
      .then(() =>
        svc.locks.run(rec.id, async () => {
        if (svc.store.find(rec.id) !== rec || m.cancelled || !rec.state.Restarting) return;
        // A failed start leaves it exited (start.ts records the error), as dockerd's SetStopped.
          await startNow(svc, rec);
        }),
      )
      .catch((e: Error) => log.warn(`restart ${rec.id.slice(0, 12)}: ${e.message}`));
  }, delayMs);
  m.timer.unref();
}

/**
 * dockerd's ExitOnNext (stop, kill, rm): the restart manager is cancelled. A container waiting in
 * back-off is stopped at once; returns whether it was. The caller holds the lock and saves.
 */
export function cancelRestart(svc: ContainerService, rec: ContainerRecord): boolean {
  const m = manager(svc, rec.id);
  m.cancelled = true;
  if (m.timer) clearTimeout(m.timer);
  m.timer = undefined;
  if (!rec.state.Restarting) return false;
  rec.state.Restarting = false;
  rec.state.Status = 'exited';
  return true;
}

/** A manual start (start, restart, berthd's start-up): a fresh restart manager, RestartCount 0. */
export function resetRestartManager(svc: ContainerService, rec: ContainerRecord): void {
  const m = svc.restartManagers.get(rec.id);
  if (m?.timer) clearTimeout(m.timer);
  svc.restartManagers.delete(rec.id);
  rec.restartCount = 0;
  rec.manuallyStopped = false;
}

/** Forgets a removed container's restart manager. */
export function dropRestartManager(svc: ContainerService, id: string): void {
  const m = svc.restartManagers.get(id);
  if (m?.timer) clearTimeout(m.timer);
  svc.restartManagers.delete(id);
}

/**
 * At berthd's start-up, as dockerd's restore: a container that ran before and is stopped now is
 * started when its policy says so (`always` even after a hand stop, `unless-stopped` not).
 */
export function startsAtBoot(rec: ContainerRecord): boolean {
  const st = rec.state;
  if (st.Running || st.Restarting || st.Dead || st.Status === 'removing' || st.StartedAt === ZERO_TIME) return false;
  return policyWantsRestart(rec.hostConfig.RestartPolicy, st.ExitCode, rec.manuallyStopped, rec.restartCount);
}
