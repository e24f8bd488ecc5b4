// Callers waiting for a container's next start, next exit or removal (attach, wait, stop, kill).
// A caller can withdraw its waiter with an AbortSignal: a client that goes away takes its waiter
// with it, instead of leaving a closure (and what it holds: a response, a log follower) in the
// map until the container next starts or exits.
import { SystemError } from '../errors.js';

let pending = 0;

/** Waiters registered and neither fired nor withdrawn, across every container (berthd's resource report). */
export function pendingWaiters(): number {
  return pending;
}

export class LifecycleWaiters {
  private exitWaiters = new Map<string, Array<(code: number) => void>>();
  private startWaiters = new Map<string, Array<() => void>>();
  private removeWaiters = new Map<string, Array<() => void>>();

  /** Resolves when the container next starts (attach before start wires stdin then); an abort of `signal` withdraws it. */
  nextStart(id: string, signal?: AbortSignal): Promise<void> {
    return add(this.startWaiters, id, signal);
  }

  /** Resolves with the exit code at the container's next exit; an abort of `signal` withdraws it. */
  nextExit(id: string, signal?: AbortSignal): Promise<number> {
    return add(this.exitWaiters, id, signal);
  }

  /** Resolves when the container is removed; an abort of `signal` withdraws it. */
  removed(id: string, signal?: AbortSignal): Promise<void> {
    return add(this.removeWaiters, id, signal);
  }

  started(id: string): void {
    for (const w of take(this.startWaiters, id)) w();
  }

  exited(id: string, code: number): void {
    for (const w of take(this.exitWaiters, id)) w(code);
  }

  wasRemoved(id: string): void {
    for (const w of take(this.removeWaiters, id)) w();
  }
}

/** Registers a waiter for `id`; an abort of `signal` takes it out and rejects with "context canceled". */
function add<T>(m: Map<string, Array<(v: T) => void>>, id: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new SystemError('context canceled'));
      return;
    }
    const onAbort = () => {
      const l = m.get(id);
      const i = l ? l.indexOf(waiter) : -1;
      if (i >= 0) {
        l!.splice(i, 1);
        if (l!.length === 0) m.delete(id);
        pending--;
      }
      reject(new SystemError('context canceled'));
    };
    const waiter = (v: T) => {
      pending--;
      signal?.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const l = m.get(id);
    if (l) l.push(waiter);
    else m.set(id, [waiter]);
    pending++;
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function take<T>(m: Map<string, T[]>, id: string): T[] {
  const l = m.get(id) ?? [];
  m.delete(id);
  return l;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** p, or a "context canceled" rejection when the client goes first. */
export function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(new SystemError('context canceled'));
    signal.addEventListener('abort', () => reject(new SystemError('context canceled')), { once: true });
    p.then(resolve, reject);
  });
}
