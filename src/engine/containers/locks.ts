// Per-container lifecycle lock: start, stop, kill, pause, remove … of one container run one at a
// time, in the order they asked; different containers never wait for each other.
import { settled } from '../../util/best-effort.js';

export class ContainerLocks {
  private chains = new Map<string, Promise<unknown>>();

  /** Runs fn with the container's lock held. */
  async run<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(id) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chain = prev.then(() => mine);
    this.chains.set(id, chain);
    await settled(prev); // the previous holder's error went to its own caller
    try {
      return await fn();
    } finally {
      release();
      if (this.chains.get(id) === chain) this.chains.delete(id);
    }
  }
}
