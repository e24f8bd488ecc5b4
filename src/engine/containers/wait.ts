// POST /containers/{id}/wait: until the container is not running, next exits, or is removed.
import type { ContainerService } from './service.js';

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export async function waitContainer(svc: ContainerService, ref: string, condition: WaitCondition = 'not-running', signal?: AbortSignal): Promise<{ StatusCode: number; Error: { Message: string } | null }> {
  const rec = svc.get(ref);
  const result = (code: number) => ({ StatusCode: code, Error: null });
  if (condition === 'removed') {
    // The client going withdraws the waiter ("context canceled"), rather than leaving it until the removal.
    await svc.waiters.removed(rec.id, signal);
    return result(rec.state.ExitCode);
  }
  if (condition === 'not-running' && !rec.state.Running && !rec.state.Restarting) return result(rec.state.ExitCode);
  return result(await svc.waiters.nextExit(rec.id, signal));
}
