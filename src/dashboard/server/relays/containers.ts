// The container list of one engine, kept current from the engine's shared event stream
// (engine-events.ts: one GET /events per engine however many pages and lists follow it): a
// snapshot for each new page, then upserts and removals. An event names a container: its row is
// changed at once from what the event says (state, name, image, labels: eventRow), so the page
// shows a `docker run` without waiting for the engine to answer a list call, then re-read with a
// list call filtered by id (batched: the events of one tick cost one call) for the rest (ports,
// command, status text).
import type { ContainerRow, StreamMessages } from '../../protocol.js';
import type { EventMessage } from '../../../api-types/system.js';
import type { EngineEvents } from './engine-events.js';
import { errorText } from './relay.js';
import { log } from '../../../util/log.js';

type Msg = StreamMessages['containers'];

export class ContainersRelay {
  readonly rows = new Map<string, ContainerRow>();
  private readonly listeners = new Set<(m: Msg) => void>();
  private readonly dirty = new Set<string>();
  private flushing = false;
  private subscription?: { close: () => void; ready: Promise<void> };

  constructor(readonly events: EngineEvents) {}

  get host() {
    return this.events.host;
  }
  get up(): boolean {
    return this.events.up;
  }
  get error(): string | undefined {
    return this.events.error;
  }
  /** Resolves once the first list is in (or failed), so a snapshot is never empty by accident. */
  get ready(): Promise<void> {
    return this.subscription?.ready ?? Promise.resolve();
  }

  listen(fn: (m: Msg) => void): () => void {
    this.listeners.add(fn);
    this.subscription ??= this.events.listen({
      resync: () => this.relist(),
      status: (up, error) => this.emit({ op: 'host', host: this.host.info.id, up, error }),
      event: (e) => {
        if (e.Type !== 'container') return;
        const id = e.Actor?.ID ?? e.id;
        if (!id) return;
        if (e.Action === 'destroy') return this.removeRow(id);
        const row = eventRow(this.rows.get(id), e, this.host.info.id);
        if (row) this.upsert(row);
        this.markDirty(id);
      },
    });
    return () => this.listeners.delete(fn);
  }

  private emit(m: Msg): void {
    for (const fn of this.listeners) fn(m);
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
        // A container with an event since the call was made is re-read in the next round: what
        // this call says of it may be older than what its event said.
        for (const c of found) if (!this.dirty.has(c.Id)) this.upsert({ ...c, host: this.host.info.id });
        // Asked for by full id: one that is not listed is gone.
        for (const id of ids) if (!seen.has(id) && !this.dirty.has(id) && !found.some((c) => c.Id.startsWith(id))) this.removeRow(id);
      } catch (e) {
        log.debug(`dashboard: refreshing containers of ${this.host.info.label}: ${errorText(e)}`);
      }
    }
    this.flushing = false;
  }
}

/** The state an event puts a container in (actions that do not change it: undefined). */
const EVENT_STATE: Record<string, { State: string; Status: (e: EventMessage) => string }> = {
  create: { State: 'created', Status: () => 'Created' },
  start: { State: 'running', Status: () => 'Up Less than a second' },
  restart: { State: 'running', Status: () => 'Up Less than a second' },
  unpause: { State: 'running', Status: () => 'Up Less than a second' },
  pause: { State: 'paused', Status: () => 'Up Less than a second (Paused)' },
  die: { State: 'exited', Status: (e) => `Exited (${e.Actor.Attributes?.exitCode ?? 0}) Less than a second ago` },
};

/**
 * The row as a container event says it is now: the old row with the event's state, name, image
 * and labels (the engine puts the labels, `image` and `name` in an event's attributes), or a new
 * row from the event alone. Undefined when the event says nothing new of the row (then only the
 * list call changes it). The list call that follows replaces it with the engine's own row.
 */
export function eventRow(old: ContainerRow | undefined, e: EventMessage, host: string): ContainerRow | undefined {
  const state = EVENT_STATE[e.Action];
  const attrs = { ...e.Actor?.Attributes };
  const { name, image } = attrs;
  if (!old && (!state || !name)) return undefined;
  if (old && !state && e.Action !== 'rename') return undefined;
  delete attrs.name;
  delete attrs.image;
  delete attrs.exitCode;
  delete attrs.oldName;
  delete attrs.signal;
  const base: ContainerRow = old ?? { Id: e.Actor.ID, Names: [], Image: image ?? '', Created: e.time, Ports: [], Labels: attrs, host };
  return {
    ...base,
    ...(name ? { Names: [`/${name}`] } : {}),
    ...(state ? { State: state.State, Status: state.Status(e) } : {}),
  };
}
