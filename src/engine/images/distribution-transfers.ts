// Shared, deduplicated transfers (dockerd's xfer package in small): a layer wanted by two pulls at
// once is fetched once, and both see its progress. A transfer is cancelled only when every pull
// watching it has gone. A semaphore bounds how many run at once (3 downloads, 5 uploads).
import type { JsonMessage, ProgressSink } from './distribution-progress.js';
import { settled } from '../../util/best-effort.js';

export class Semaphore {
  private active = 0;
  private queue: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  /** Waits for a slot (calling `onWait` once if it has to wait); resolves with the release function. */
  async acquire(signal?: AbortSignal, onWait?: () => void): Promise<() => void> {
    if (this.active >= this.limit) {
      onWait?.();
      await new Promise<void>((resolve, reject) => {
        const go = () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        };
        const abort = () => {
          this.queue = this.queue.filter((g) => g !== go);
          reject(signal!.reason ?? new Error('aborted'));
        };
        if (signal?.aborted) return abort();
        signal?.addEventListener('abort', abort, { once: true });
        this.queue.push(go);
      });
    } else {
      this.active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.active--;
    };
  }
}

export interface Watch {
  progress: ProgressSink;
  /** Aborted when this watcher is no longer interested (client gone). */
  signal?: AbortSignal;
}

export function abortError(signal?: AbortSignal): Error {
  const r = signal?.reason;
  return r instanceof Error ? r : Object.assign(new Error('operation was cancelled'), { name: 'AbortError' });
}

/**
 * Runs the jobs `start` creates under one controller tied to `outer`: the first failure, or the
 * client going away, aborts the others, which are awaited before the error is thrown.
 */
export async function allOrAbort<T>(outer: AbortSignal | undefined, start: (signal: AbortSignal) => Promise<T>[]): Promise<T[]> {
  const local = new AbortController();
  const onOuterAbort = () => local.abort(abortError(outer));
  if (outer?.aborted) onOuterAbort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  let jobs: Promise<T>[] = [];
  try {
    jobs = start(local.signal);
    return await Promise.all(jobs);
  } catch (e) {
    local.abort(e);
    await Promise.allSettled(jobs);
    throw outer?.aborted ? abortError(outer) : e;
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

class Transfer<T> {
  readonly controller = new AbortController();
  private readonly watchers = new Set<ProgressSink>();
  private last?: JsonMessage;
  promise!: Promise<T>;

  emit = (msg: JsonMessage): void => {
    this.last = msg;
    for (const w of this.watchers) w(msg);
  };

  attach(watch: Watch): Promise<T> {
    this.watchers.add(watch.progress);
    // A late watcher first sees where the transfer stands.
    if (this.last) watch.progress(this.last);
    const signal = watch.signal;
    return new Promise<T>((resolve, reject) => {
      const detach = () => {
        this.watchers.delete(watch.progress);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        detach();
        if (this.watchers.size > 0) return reject(abortError(signal));
        // The last watcher: cancel, and answer once the work has cleaned up after itself.
        this.controller.abort(abortError(signal));
        this.promise.then(
          () => reject(abortError(signal)),
          () => reject(abortError(signal)),
        );
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.promise.then(
        (v) => {
          detach();
          resolve(v);
        },
        (e) => {
          detach();
          reject(e);
        },
      );
    });
  }
}

export class TransferManager {
  private readonly inflight = new Map<string, Transfer<unknown>>();

  /** True while a transfer with this key runs. */
  has(key: string): boolean {
    return this.inflight.has(key);
  }

  /**
   * Runs `start` under `key`, or joins the transfer already running under it. `start` reports
   * through `progress` (to every watcher) and must stop when `signal` aborts.
   */
  run<T>(key: string, start: (progress: ProgressSink, signal: AbortSignal) => Promise<T>, watch: Watch): Promise<T> {
    let t = this.inflight.get(key) as Transfer<T> | undefined;
    if (!t) {
      const created = new Transfer<T>();
      created.promise = Promise.resolve()
        .then(() => start(created.emit, created.controller.signal))
        .finally(() => {
          if (this.inflight.get(key) === created) this.inflight.delete(key);
        });
      // Nobody may be left watching when it fails: never an unhandled rejection.
      void settled(created.promise);
      this.inflight.set(key, created as Transfer<unknown>);
      t = created;
    }
    return t.attach(watch);
  }
}
