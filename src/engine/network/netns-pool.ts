// Network namespaces made ahead of time (unshare + `ip link set lo up` is ~10 ms of every start):
// a start takes one, exits and empty-handed starts refill the pool in the background. A pooled
// file belongs to nobody until a sandbox record names it, so a crash leaves it to the sweep.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { log } from '../../util/log.js';
import { createNetns, removeNetns } from './netns.js';

/** Names of the pooled netns files under the netns directory (container IDs are hex, so never clash). */
export const NETNS_POOL_PREFIX = 'pool-';

export class NetnsPool {
  private ready: string[] = [];
  private filling: Promise<void> | undefined;
  private paused = false;
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly size: number,
  ) {}

  /** A ready namespace file, or undefined when the pool is empty (the caller makes its own). */
  take(): string | undefined {
    return this.ready.shift();
  }

  /** Tops the pool up in the background; errors only mean the next start makes its own. */
  refill(): void {
    if (this.filling || this.closed || this.paused || this.ready.length >= this.size) return;
    this.filling = (async () => {
      try {
        while (!this.closed && !this.paused && this.ready.length < this.size) {
          this.ready.push(await createNetns(this.dir, `${NETNS_POOL_PREFIX}${randomBytes(6).toString('hex')}`));
        }
      } catch (e) {
        log.warn(`network namespace pool: ${(e as Error).message}`);
      } finally {
        this.filling = undefined;
      }
    })();
  }

  /**
   * Runs fn with refilling stopped and any fill in progress finished, giving it the names of the
   * pooled files: a namespace being made is in no list yet, and a sweep would remove it.
   */
  async whilePaused<T>(fn: (pooledNames: Set<string>) => Promise<T>): Promise<T> {
    this.paused = true;
    try {
      await this.filling;
      return await fn(new Set(this.ready.map((p) => path.basename(p))));
    } finally {
      this.paused = false;
    }
  }

  /** Removes the pooled namespaces for good (berthd shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    await this.filling;
    for (const p of this.ready.splice(0)) await removeNetns(p);
  }
}
