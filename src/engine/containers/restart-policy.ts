// The restart policy (no, always, unless-stopped, on-failure[:N]): after an exit, a start again
// after a back-off that doubles from 100 ms to a minute.
import type { ContainerRecord } from './types.js';
import { startNow } from './start.js';
import { log } from '../../util/log.js';
import type { ContainerService } from './service.js';

export function maybeRestart(svc: ContainerService, rec: ContainerRecord): void {
  const p = rec.hostConfig.RestartPolicy ?? {};
  const name = p.Name || 'no';
  if (name === 'no' || rec.manuallyStopped) return;
  if (name === 'on-failure') {
    if (rec.state.ExitCode === 0) return;
    if (p.MaximumRetryCount && rec.restartCount >= p.MaximumRetryCount) return;
  }
  const delay = Math.min(100 * 2 ** Math.min(rec.restartCount, 10), 60_000);
  rec.state.Restarting = true;
  rec.state.Status = 'restarting';
  void svc.store.save(rec);
  const t = setTimeout(() => {
    svc.restartTimers.delete(rec.id);
    void svc.locks
      .run(rec.id, async () => {
        if (!svc.store.find(rec.id) || rec.manuallyStopped || rec.state.Running) return;
        rec.restartCount++;
        await startNow(svc, rec);
        svc.emit(rec, 'restart');
      })
      .catch((e) => log.warn(`restart ${rec.id.slice(0, 12)}: ${e.message}`));
  }, delay);
  t.unref();
  svc.restartTimers.set(rec.id, t);
}

/** A pending restart is called off (stop, rm, or the container started otherwise). */
export function clearRestartTimer(svc: ContainerService, id: string): void {
  const t = svc.restartTimers.get(id);
  if (t) clearTimeout(t);
  svc.restartTimers.delete(id);
}
