// The container list of one engine, kept current from its event stream: one GET /events per
// engine however many pages watch, a snapshot for each new page, then upserts and removals. An
// event names a container; the row is re-read with a list call filtered by id (batched: the
// events of one tick cost one call). When the stream breaks the relay says the host is down,
// and subscribes again after a pause.
import type { ContainerRow, StreamMessages } from '../../protocol.js';
import type { EngineHost } from '../hosts.js';
import { errorText } from './relay.js';
import { log } from '../../../util/log.js';

type Msg = StreamMessages['containers'];
const RETRY_MS = 2000;

export class ContainersRelay {
  readonly rows = new Map<string, ContainerRow>();
  up = false;
  error?: string;
  private readonly listeners = new Set<(m: Msg) => void>();
  private readonly dirty = new Set<string>();
  private flushing = false;
  private started = false;
  private readonly stopping = new AbortController();
  /** Resolves once the first list is in (or failed), so a snapshot is never empty by accident. */
  ready: Promise<void> = Promise.resolve();

  constructor(readonly host: EngineHost) {}

  listen(fn: (m: Msg) => void): () => void {
    this.listeners.add(fn);
    if (!this.started) {
      this.started = true;
      this.ready = new Promise((resolve) => void this.run(resolve));
    }
    return () => this.listeners.delete(fn);
  }

  stop(): void {
    this.stopping.abort();
  }

  private emit(m: Msg): void {
    for (const fn of this.listeners) fn(m);
  }

  private setUp(up: boolean, error?: string): void {
    if (this.up === up && this.error === error) return;
    this.up = up;
    this.error = error;
    this.emit({ op: 'host', host: this.host.info.id, up, error });
  }

  /** Subscribe to events, then list; on failure wait and do both again. */
  private async run(ready: () => void): Promise<void> {
    while (!this.stopping.signal.aborted) {
      const attempt = new AbortController();
      const onStop = () => attempt.abort();
      this.stopping.signal.addEventListener('abort', onStop);
      try {
        // Events from a second before the list: a change between the two is replayed, not lost.
        const since = Math.floor(Date.now() / 1000) - 1;
        const events = this.host.client.system.events({ filters: { type: ['container'] }, since, signal: attempt.signal });
        const first = events.next();
        await this.relist();
        this.setUp(true);
        ready();
        for (let r = await first; !r.done; r = await events.next()) {
          const e = r.value;
          const id = e.Actor?.ID ?? e.id;
          if (!id) continue;
          if (e.Action === 'destroy') this.removeRow(id);
          else this.markDirty(id);
        }
        throw new Error('event stream ended');
      } catch (e) {
        if (this.stopping.signal.aborted) break;
        log.debug(`dashboard: events of ${this.host.info.label}: ${errorText(e)}`);
        this.setUp(false, errorText(e));
        ready();
        attempt.abort();
        await pause(RETRY_MS, this.stopping.signal);
      } finally {
        this.stopping.signal.removeEventListener('abort', onStop);
      }
    }
  }

  private async relist(): Promise<void> {
    const list = await this.host.client.containers.list({ all: true });
    const seen = new Set<string>();
    for (const c of list) {
      seen.add(c.Id);
      this.upsert({ ...c, host: this.host.info.id });
    }
    for (const id of [...this.rows.keys()]) if (!seen.has(id)) this.removeRow(id);
  }

  private upsert(row: ContainerRow): void {
    const old = this.rows.get(row.Id);
    if (old && JSON.stringify(old) === JSON.stringify(row)) return;
    this.rows.set(row.Id, row);
    this.emit({ op: 'upsert', row });
  }

  private removeRow(id: string): void {
    this.dirty.delete(id);
    if (!this.rows.delete(id)) return;
    this.emit({ op: 'remove', host: this.host.info.id, id });
  }

  private markDirty(id: string): void {
    this.dirty.add(id);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Re-reads the rows of the containers that had events (one list call for all of them). */
  private async flush(): Promise<void> {
    while (this.dirty.size) {
      const ids = [...this.dirty];
      this.dirty.clear();
      try {
        const found = await this.host.client.containers.list({ all: true, filters: { id: ids } });
        const seen = new Set(found.map((c) => c.Id));
        for (const c of found) this.upsert({ ...c, host: this.host.info.id });
        // Asked for by full id: one that is not listed is gone.
        for (const id of ids) if (!seen.has(id) && !found.some((c) => c.Id.startsWith(id))) this.removeRow(id);
      } catch (e) {
        log.debug(`dashboard: refreshing containers of ${this.host.info.label}: ${errorText(e)}`);
      }
    }
    this.flushing = false;
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
