// A live list of one kind (images, volumes, networks, …) from every engine: one subscription per
// host while any view that uses it is mounted (server/relays/listing.ts sends a snapshot, then
// upserts and removals by key), one shared store per kind so two views of the same list cost one
// stream. Items are replaced, never changed in place; views re-render at most once a frame
// however many changes came in it.
import { useEffect, useState } from 'preact/hooks';
import type { ListMessage, StreamMessages, Subscription } from '../../protocol.js';
import type { StreamHandle } from '../connection.js';
import { session } from '../session.js';
import { FrameNotifier } from './frame-notifier.js';

/** The stream kinds that carry a ListMessage list of one engine. */
export type ListKind = { [K in keyof StreamMessages]: StreamMessages[K] extends ListMessage<unknown> ? K : never }[keyof StreamMessages];
export type ItemOf<K extends ListKind> = StreamMessages[K] extends ListMessage<infer T> ? T : never;

export class HostListStore<T> {
  /** Per host, its items by key. */
  readonly items = new Map<string, Map<string, T>>();
  /** Hosts whose list has come (or that are down). */
  readonly loaded = new Set<string>();
  /** Hosts whose engine cannot be reached, with why. */
  readonly down = new Map<string, string>();
  private handles: StreamHandle[] = [];
  private users = 0;
  private readonly notifier = new FrameNotifier();

  constructor(private readonly kind: ListKind) {}

  /** Every host's list is in (or its engine is down). */
  get allLoaded(): boolean {
    return session().hosts.every((h) => this.loaded.has(h.id));
  }

  /** Keeps the streams open until the returned function is called (the last user closes them). */
  use(): () => void {
    if (this.users++ === 0) {
      const { conn, hosts } = session();
      this.handles = hosts.map((h) =>
        conn.subscribe({ kind: this.kind, host: h.id } as Subscription, {
          onMsg: (m) => this.apply(h.id, m as ListMessage<T>),
          onError: (message) => {
            this.down.set(h.id, message);
            this.loaded.add(h.id);
            this.changed();
          },
          onReset: () => {
            this.loaded.delete(h.id);
            this.changed();
          },
        }),
      );
    }
    return () => {
      if (--this.users > 0) return;
      for (const handle of this.handles) handle.close();
      this.handles = [];
      this.items.clear();
      this.loaded.clear();
      this.down.clear();
    };
  }

  get version(): number {
    return this.notifier.version;
  }

  listen(fn: () => void): () => void {
    return this.notifier.listen(fn);
  }

  private apply(host: string, m: ListMessage<T>): void {
    const items = this.items.get(host) ?? new Map<string, T>();
    this.items.set(host, items);
    switch (m.op) {
      case 'snapshot':
        this.items.set(host, new Map(m.items.map((item, i) => [m.keys[i], item])));
        this.loaded.add(host);
        this.down.delete(host);
        break;
      case 'upsert':
        items.set(m.key, m.item);
        break;
      case 'remove':
        items.delete(m.key);
        break;
      case 'down':
        this.down.set(host, m.error ?? 'unreachable');
        this.loaded.add(host);
        break;
    }
    this.changed();
  }

  private changed(): void {
    this.notifier.changed();
  }
}

const stores = new Map<ListKind, HostListStore<unknown>>();

/** The shared store of a kind (made on first use). */
export function hostListStore<K extends ListKind>(kind: K): HostListStore<ItemOf<K>> {
  let s = stores.get(kind);
  if (!s) stores.set(kind, (s = new HostListStore<unknown>(kind)));
  return s as HostListStore<ItemOf<K>>;
}

/** Every engine's list of `kind`, streaming while the calling component is mounted. */
export function useHostLists<K extends ListKind>(kind: K): HostListStore<ItemOf<K>> {
  const store = hostListStore(kind);
  const [, setVersion] = useState(store.version);
  useEffect(() => {
    const stopListening = store.listen(() => setVersion(store.version));
    const release = store.use();
    return () => {
      stopListening();
      release();
    };
  }, [kind]);
  return store;
}
