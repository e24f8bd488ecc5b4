// One queue per key (a container ID, a volume name): operations on the same key run one after
// another, in call order; operations on different keys do not wait for each other. A failed
// operation does not block the ones behind it.
import { settled } from './best-effort.js';

export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs fn once every earlier run for the same key has settled; resolves or rejects as fn does. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const result = prev.then(fn, fn);
    const tail = settled(result); // result's error goes to the caller
    this.tails.set(key, tail);
    // Forget the key once its queue is empty, so the map holds only keys with work in flight.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** A run for this key is queued or in progress. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }
}
