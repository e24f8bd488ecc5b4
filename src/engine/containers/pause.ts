// POST /containers/{id}/pause and /unpause: freeze and thaw the container's cgroup through runc.
import { ConflictError } from '../errors.js';
import { runcPause, runcResume } from '../runtime/runc.js';
import type { ContainerService } from './service.js';

export async function pauseContainer(svc: ContainerService, ref: string): Promise<void> {
  const rec = svc.get(ref);
  if (!rec.state.Running) throw new ConflictError(`Container ${rec.id} is not running`);
  if (rec.state.Paused) throw new ConflictError(`Container ${rec.id} is already paused`);
  await runcPause(svc.runtimeFor(rec), rec.id);
  rec.state.Paused = true;
  rec.state.Status = 'paused';
  await svc.store.save(rec);
  svc.emit(rec, 'pause');
}

export async function unpauseContainer(svc: ContainerService, ref: string): Promise<void> {
  const rec = svc.get(ref);
  if (!rec.state.Paused) throw new ConflictError(`Container ${rec.id} is not paused`);
  await runcResume(svc.runtimeFor(rec), rec.id);
  rec.state.Paused = false;
  rec.state.Status = 'running';
  await svc.store.save(rec);
  svc.emit(rec, 'unpause');
}
