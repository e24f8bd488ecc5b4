// POST /containers/{id}/kill: a signal to the container's process (SIGKILL by default).
import { ConflictError } from '../errors.js';
import { parseSignal } from './config.js';
import { runcKill } from '../runtime/runc.js';
import type { ContainerService } from './service.js';

export async function killContainer(svc: ContainerService, ref: string, signal?: string): Promise<void> {
  const rec = svc.get(ref);
  if (!rec.state.Running) throw new ConflictError(`Cannot kill container: ${ref}: Container ${rec.id} is not running`);
  const sig = parseSignal(signal, 'SIGKILL');
  if (sig.num === 9 || sig.num === 15) rec.manuallyStopped = true;
  const rt = svc.runtimeFor(rec);
  await runcKill(rt, rec.id, sig.name, sig.num === 9);
  svc.emit(rec, 'kill', { signal: String(sig.num) });
  if (sig.num === 9) await svc.waiters.nextExit(rec.id);
}
