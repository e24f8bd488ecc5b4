// A container's exit, learnt from conmon's exit file: clean up what its run held (runtime state,
// network, rootfs mount), record the exit (or, under the restart policy, `restarting`), tell
// waiters, then --rm or the scheduled restart.
import path from 'node:path';
import { oomKills } from './cgroups.js';
import { unmountRootfs } from '../storage/rootfs.js';
import { teardownNetwork } from './network-plan.js';
import { restartAfterExit, scheduleRestart } from './restart-policy.js';
import { log, tracer } from '../../util/log.js';
import type { ContainerService } from './service.js';
import { bestEffort } from '../../util/best-effort.js';

export async function onExit(svc: ContainerService, id: string, exitCode: number, o: { recovering?: boolean } = {}): Promise<void> {
  const rec = svc.store.find(id);
  if (!rec) return;
  const t = tracer('exit', id);
  svc.hooks.stopped?.(id);
  let restartIn: number | undefined;
  await svc.locks.run(id, async () => {
    // Removed meanwhile (rm -f): its clean-up was the removal's.
    if (svc.store.find(id) !== rec) return;
    if (!rec.state.Running && !o.recovering) return;
    const rt = svc.runtimeFor(rec);
    // The cgroup goes with `runc delete`: its OOM kill count (State.OOMKilled) is read first.
    const oomRead = oomKills(path.join(svc.cgroupParent, id));
    svc.runtimeState.deleteAfter(rt, id, oomRead);
    // Independent clean-ups, done side by side: network, rootfs mount.
    await Promise.all([
      oomRead,
      svc.exits.removeExitFile(id),
      teardownNetwork(svc, rec).catch((e) => log.warn(`network teardown ${id.slice(0, 12)}: ${e.message}`)),
      unmountRootfs(svc.driver, svc.rootfs(id)).catch((e) => log.warn(`unmount ${id.slice(0, 12)}: ${e.message}`)),
    ]);
    t('cleaned up');
    const oom = (await oomRead) > 0;
    const st = rec.state;
    const finished = new Date();
    st.Status = 'exited';
    st.Running = false;
    st.Paused = false;
    st.Restarting = false;
    st.Pid = 0;
    st.ExitCode = exitCode;
    st.OOMKilled = oom;
    // Decided before FinishedAt moves: the run's length (from StartedAt) resets the back-off.
    restartIn = restartAfterExit(svc, rec, exitCode);
    const ranSecs = Math.max(0, Math.floor((finished.getTime() - Date.parse(st.StartedAt)) / 1000));
    st.FinishedAt = finished.toISOString();
    // A container removed right after (--rm) is not worth an fsync'd write: should berthd die
    // first, the record still says running, and start-up recovery finishes exit and removal.
    if (!rec.hostConfig.AutoRemove) await svc.store.save(rec);
    if (oom) svc.emit(rec, 'oom');
    svc.emit(rec, 'die', { exitCode: String(exitCode), execDuration: String(Number.isFinite(ranSecs) ? ranSecs : 0) });
    // Under the lock: a waiter registered after it (for the next run, once a start wins the lock)
    // is never resolved by this exit.
    svc.waiters.exited(id, exitCode);
  });
  if (rec.hostConfig.AutoRemove) {
    await svc.remove(id, { force: true, volumes: true }).catch(async (e) => {
      log.warn(`auto-remove ${id.slice(0, 12)}: ${e.message}`);
      if (svc.store.find(id)) await bestEffort(svc.store.save(rec), `saving ${id} after its auto-removal failed`);
    });
    return;
  }
  if (restartIn !== undefined && svc.store.find(id) === rec && rec.state.Restarting) scheduleRestart(svc, rec, restartIn);
}
