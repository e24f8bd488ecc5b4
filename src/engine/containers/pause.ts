// POST /containers/{id}/pause and /unpause: freeze and thaw the container's cgroup through runc.
import { ConflictError } from '../errors.js';
import { runcPause, runcResume } from '../runtime/runc.js';
import type { ContainerService } from './service.js';

export async function pauseContainer(svc: ContainerService, ref: string): Promise<void> {
  const rec = svc.get(ref);
  // Under the lock: an exit handled in the middle would be overwritten by 'paused'.
  await svc.locked(rec, async () => {
    if (rec.state.Restarting) throw new ConflictError(`Container ${rec.id} is restarting, wait until the container is running`);
    if (!rec.state.Running) throw new ConflictError(`Container ${rec.id} is not running`);
    if (rec.state.Paused) throw new ConflictError(`Container ${rec.id} is already paused`);
    await runcPause(svc.runtimeFor(rec), rec.id);
    rec.state.Paused = true;
    rec.state.Status = 'paused';
    await svc.store.save(rec);
    svc.emit(rec, 'pause');
  });
}

export async function unpauseContainer(svc: ContainerService, ref: string): Promise<void> {
  const rec = svc.get(ref);
  // Under the lock: a thawed container may exit at once, and that exit must not be overwritten by 'running'.
  await svc.locked(rec, async () => {
    if (!rec.state.Paused) throw new ConflictError(`Container ${rec.id} is not paused`);
    await runcResume(svc.runtimeFor(rec), rec.id);
    rec.state.Paused = false;
    rec.state.Status = 'running';
    await svc.store.save(rec);
    svc.emit(rec, 'unpause');
  });
}
