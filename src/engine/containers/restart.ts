// POST /containers/{id}/restart: stop (if running), then start.
import { NotModifiedError } from '../errors.js';
import { stopContainer } from './stop.js';
import { startNow } from './start.js';
import { resetRestartManager } from './restart-policy.js';
import type { ContainerService } from './service.js';

export async function restartContainer(svc: ContainerService, ref: string, timeout?: number, signal?: string): Promise<void> {
  const rec = svc.get(ref);
  if (rec.state.Running || rec.state.Restarting) await stopContainer(svc, rec.id, { timeout, signal }).catch((e) => {
    if (!(e instanceof NotModifiedError)) throw e;
  });
  await svc.locked(rec, async () => {
    if (rec.state.Running) return;
    resetRestartManager(svc, rec);
    await startNow(svc, rec);
  });
  svc.emit(rec, 'restart');
}
