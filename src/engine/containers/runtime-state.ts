// The runtime's (runc's) state of containers that exited: deleted off the exit path, and the
// ones whose deletion failed remembered, so the container's next start or removal retries it.
import { runcDelete, type RuntimeInfo } from '../runtime/runc.js';
import { log } from '../../util/log.js';

export class RuntimeStateCleanup {
  /** Containers whose runtime state could not be deleted at exit (retried before reuse). */
  readonly leftovers = new Set<string>();
  /**
   * `runc delete` of containers that exited, while it runs. It is off the exit path (a Go program's
   * start-up, ~10 ms, that nothing a client waits for needs): only the container's next start
   * waits for it, and berthd's shutdown.
   */
  private deletes = new Map<string, Promise<void>>();

  /** Starts `runc delete` of an exited container once `after` is done. */
  deleteAfter(rt: RuntimeInfo, id: string, after: Promise<unknown>): void {
    const deleting = after
      .then(() => runcDelete(rt, id, true))
      .catch((e: Error) => {
        this.leftovers.add(id);
        log.warn(`runtime delete ${id.slice(0, 12)}: ${e.message}`);
      })
      .finally(() => {
        if (this.deletes.get(id) === deleting) this.deletes.delete(id);
      });
    this.deletes.set(id, deleting);
  }

  /** Resolves once a pending deletion of the container's runtime state is done. */
  async settled(id: string): Promise<void> {
    await this.deletes.get(id);
  }

  async close(): Promise<void> {
    await Promise.all(this.deletes.values());
  }
}
