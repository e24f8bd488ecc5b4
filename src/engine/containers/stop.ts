// POST /containers/{id}/stop: the stop signal, then SIGKILL after the timeout; returns once the
// container has exited. As dockerd's: a stop signal that cannot be sent shortens the grace period
// to 2 s, and a container that will not die is a 500 "cannot stop container: …", never a hang.
import { EngineError, NotModifiedError, SystemError } from '../errors.js';
import { parseSignal } from './config.js';
import { runcResume } from '../runtime/runc.js';
import { cancelRestart } from './restart-policy.js';
import { ExitWait, forceKill, signalContainer } from './kill.js';
import { log } from '../../util/log.js';
import type { ContainerService } from './service.js';

const DEFAULT_STOP_TIMEOUT = 10;
const FAILED_SIGNAL_GRACE_MS = 2_000;

export async function stopContainer(svc: ContainerService, ref: string, o: { timeout?: number; signal?: string } = {}): Promise<void> {
  const rec = svc.get(ref);
  const timeout = o.timeout ?? rec.config.StopTimeout ?? DEFAULT_STOP_TIMEOUT;
  const sig = parseSignal(o.signal || rec.config.StopSignal, 'SIGTERM');
  const exit = new ExitWait(svc, rec);
  try {
    // Signalled under the lock, with the exit registered first: the exit cannot be missed.
    const outcome = await svc.locked(rec, async () => {
      rec.manuallyStopped = true;
      // Waiting to restart: the restart is called off, and it stays exited.
      if (cancelRestart(svc, rec)) {
        await svc.store.save(rec);
        return 'done' as const;
      }
      if (!rec.state.Running) throw new NotModifiedError();
      exit.begin();
      if (rec.state.Paused) await runcResume(svc.runtimeFor(rec), rec.id).catch((e: Error) => log.warn(`stop ${rec.id.slice(0, 12)}: resume: ${e.message}`));
      if (timeout === 0) return 'kill' as const;
      const err = await signalContainer(svc, rec, sig.name);
      if (err) log.warn(`stop ${rec.id.slice(0, 12)}: ${sig.name}: ${err.message}`);
      return err ? ('signal failed' as const) : ('signalled' as const);
    });
    // Called off while waiting to restart: stopped without a signal, and still a `stop` event (dockerd's).
    if (outcome === 'done') {
      svc.emit(rec, 'stop');
      return;
    }
    const grace = outcome === 'kill' ? 0 : outcome === 'signal failed' ? FAILED_SIGNAL_GRACE_MS : timeout < 0 ? -1 : timeout * 1000;
    if (!(grace !== 0 && (await exit.within(grace)))) {
      try {
        await forceKill(svc, rec, exit);
      } catch (e: any) {
        // A container removed meanwhile is its 404, not a failed stop.
        if (e instanceof EngineError && e.status < 500) throw e;
        throw new SystemError(`cannot stop container: ${ref}: ${e?.message ?? e}`);
      }
    }
  } finally {
    exit.cancel();
  }
  svc.emit(rec, 'stop');
}
