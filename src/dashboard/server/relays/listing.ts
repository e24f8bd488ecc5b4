// A list of one engine's things (images, volumes, networks, …) kept current from the engine's
// shared event stream: one list call when the first page opens it, and again (once per burst:
// the events of one tick cost one call) after each event that concerns it. Pages get a snapshot,
// then only what changed (upserts and removals by key). The relay stays while any page watches
// and forgets its list when the last one goes, so an unwatched kind costs nothing.
import type { EventMessage } from '../../../api-types/system.js';
import type { ListMessage } from '../../protocol.js';
import type { EngineEvents } from './engine-events.js';
import { errorText, type Opened } from './relay.js';
import { log } from '../../../util/log.js';

export interface ListSource<T> {
  /** What the list is of, for messages ("images"). */
  what: string;
  list(): Promise<T[]>;
  key(item: T): string;
  /** Whether an event can change the list (so it is listed again). */
  concerns(e: EventMessage): boolean;
}

/** Where a list's messages go: the hub's sink for one subscription. */
export interface ListSink<T> {
  emit(msg: ListMessage<T>): void;
  fail(message: string): void;
}

export class ListRelay<T> {
  private readonly items = new Map<string, { item: T; json: string }>();
  /** Pages that have their snapshot, and get changes from here on. */
  private readonly sinks = new Set<ListSink<T>>();
  /** Pages waiting for their snapshot (the first list may still be on its way). */
  private readonly waiting = new Set<ListSink<T>>();
  private subscription?: { close: () => void; ready: Promise<void> };
  private listing = false;
  private again = false;
  /** The event stream broke: the pages were told `down`, and get a snapshot when it is back. */
  private down = false;

  constructor(
    private readonly events: EngineEvents,
    private readonly source: ListSource<T>,
  ) {}

  open(sink: ListSink<T>): Opened {
    this.waiting.add(sink);
    if (!this.subscription) {
      this.subscription = this.events.listen({
        resync: () => this.relist(),
        event: (e) => {
          if (this.source.concerns(e)) this.schedule();
        },
        status: (up, error) => {
          if (up) return;
          this.down = true;
          for (const s of this.sinks) s.emit({ op: 'down', error });
        },
      });
    }
    void this.subscription.ready.then(() => {
      if (!this.waiting.delete(sink)) return;
      this.sinks.add(sink);
      if (this.events.up) sink.emit({ op: 'snapshot', items: [...this.items.values()].map((v) => v.item), keys: [...this.items.keys()] });
      else {
        // Its snapshot comes when the engine is back (relist after `down`).
        this.down = true;
        sink.emit({ op: 'down', error: this.events.error });
      }
    });
    return {
      close: () => {
        this.sinks.delete(sink);
        this.waiting.delete(sink);
        if (this.sinks.size === 0 && this.waiting.size === 0) {
          this.subscription?.close();
          this.subscription = undefined;
          this.items.clear();
        }
      },
    };
  }

  private schedule(): void {
    if (this.listing) {
      this.again = true;
      return;
    }
    this.listing = true;
    setImmediate(() => void this.refresh());
  }

  private async refresh(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.relist();
      } catch (e) {
        log.debug(`dashboard: listing ${this.source.what} of ${this.events.host.info.label}: ${errorText(e)}`);
      }
    } while (this.again && this.subscription);
    this.listing = false;
  }

  /** Lists anew and sends each page what changed; on a fresh (re)connect also a snapshot. */
  private async relist(): Promise<void> {
    const list = await this.source.list();
    const seen = new Set<string>();
    const out: ListMessage<T>[] = [];
    for (const item of list) {
      const key = this.source.key(item);
      seen.add(key);
      const json = JSON.stringify(item);
      if (this.items.get(key)?.json === json) continue;
      this.items.set(key, { item, json });
      out.push({ op: 'upsert', key, item });
    }
    for (const key of [...this.items.keys()]) {
      if (seen.has(key)) continue;
      this.items.delete(key);
      out.push({ op: 'remove', key });
    }
    if (this.down) {
      // Back after `down`: the pages start over from the whole list.
      this.down = false;
      const items = [...this.items.values()].map((v) => v.item);
      const keys = [...this.items.keys()];
      for (const s of this.sinks) s.emit({ op: 'snapshot', items, keys });
    } else for (const s of this.sinks) for (const m of out) s.emit(m);
  }
}
