// Callers waiting for a container's next start, next exit or removal (attach, wait, stop, kill).
import { SystemError } from '../errors.js';

export class LifecycleWaiters {
  private exitWaiters = new Map<string, Array<(code: number) => void>>();
  private startWaiters = new Map<string, Array<() => void>>();
  private removeWaiters = new Map<string, Array<() => void>>();

  /** Resolves when the container next starts (attach before start wires stdin then). */
  nextStart(id: string): Promise<void> {
    return new Promise((resolve) => add(this.startWaiters, id, resolve));
  }

  /** Resolves with the exit code at the container's next exit. */
  nextExit(id: string): Promise<number> {
    return new Promise((resolve) => add(this.exitWaiters, id, resolve));
  }

  /** Resolves when the container is removed. */
  removed(id: string): Promise<void> {
    return new Promise((resolve) => add(this.removeWaiters, id, resolve));
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

function add<T>(m: Map<string, T[]>, id: string, w: T): void {
  const l = m.get(id) ?? [];
  l.push(w);
  m.set(id, l);
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
