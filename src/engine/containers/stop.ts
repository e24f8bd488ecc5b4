// POST /containers/{id}/stop: the stop signal, then SIGKILL after the timeout; returns once the
// container has exited.
import { NotModifiedError } from '../errors.js';
import { parseSignal } from './config.js';
import { runcKill, runcResume } from '../runtime/runc.js';
import { clearRestartTimer } from './restart-policy.js';
import { sleep } from './waiters.js';
import type { ContainerService } from './service.js';

const DEFAULT_STOP_TIMEOUT = 10;

export async function stopContainer(svc: ContainerService, ref: string, o: { timeout?: number; signal?: string } = {}): Promise<void> {
  const rec = svc.get(ref);
  rec.manuallyStopped = true;
  clearRestartTimer(svc, rec.id);
  if (rec.state.Restarting) {
    rec.state.Restarting = false;
    rec.state.Status = 'exited';
    await svc.store.save(rec);
    return;
  }
  if (!rec.state.Running) throw new NotModifiedError();
  const timeout = o.timeout ?? rec.config.StopTimeout ?? DEFAULT_STOP_TIMEOUT;
  const sig = parseSignal(o.signal || rec.config.StopSignal, 'SIGTERM');
  const exited = svc.waiters.nextExit(rec.id);
  const rt = svc.runtimeFor(rec);
  if (rec.state.Paused) await runcResume(rt, rec.id).catch(() => undefined);
  if (timeout !== 0) await runcKill(rt, rec.id, sig.name).catch(() => undefined);
  const gone = timeout < 0 ? await exited.then(() => true) : await Promise.race([exited.then(() => true), sleep(timeout * 1000).then(() => false)]);
  if (!gone) {
    await runcKill(rt, rec.id, 'SIGKILL', true).catch(() => undefined);
    await exited;
  }
  svc.emit(rec, 'stop');
}
