// POST /containers/{id}/resize: the TTY's size, through conmon's control FIFO.
import { ConflictError } from '../errors.js';
import { resizeViaConmon } from '../runtime/conmon.js';
import type { ContainerService } from './service.js';
import { bestEffort } from '../../util/best-effort.js';

export async function resizeContainer(svc: ContainerService, ref: string, h: number, w: number): Promise<void> {
  const rec = svc.get(ref);
  if (!rec.state.Running) throw new ConflictError(`Container ${rec.id} is not running`);
  if (!rec.config.Tty) return;
  await bestEffort(resizeViaConmon(svc.ctlFifo(rec.id), h, w), `terminal resize of ${rec.id}`);
}
