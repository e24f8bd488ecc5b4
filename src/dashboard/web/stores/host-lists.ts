// A live list of one kind (volumes, networks, …) from every engine: one subscription per host
// while the page that uses it is shown (server/relays/listing.ts sends a snapshot, then upserts
// and removals by key). Items are replaced, never changed in place; the view re-renders at most
// once a frame however many changes came in it.
import { useEffect, useState } from 'preact/hooks';
import type { ListMessage, StreamMessages, Subscription } from '../../protocol.js';
import { session } from '../session.js';

/** The stream kinds that carry a ListMessage list of one engine. */
export type ListKind = { [K in keyof StreamMessages]: StreamMessages[K] extends ListMessage<unknown> ? K : never }[keyof StreamMessages];
export type ItemOf<K extends ListKind> = StreamMessages[K] extends ListMessage<infer T> ? T : never;

export interface HostLists<T> {
  /** Per host, its items by key. */
  items: Map<string, Map<string, T>>;
  /** Hosts whose list has come (and is not down). */
  loaded: Set<string>;
  /** Hosts whose engine cannot be reached, with why. */
  down: Map<string, string>;
  version: number;
}

export function useHostLists<K extends ListKind>(kind: K): HostLists<ItemOf<K>> {
  const [state] = useState<HostLists<ItemOf<K>>>(() => ({ items: new Map(), loaded: new Set(), down: new Map(), version: 0 }));
  const [, setVersion] = useState(0);
  useEffect(() => {
    let queued = false;
    const changed = () => {
      state.version++;
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        setVersion(state.version);
      });
    };
    const apply = (host: string, m: ListMessage<ItemOf<K>>) => {
      const items = state.items.get(host) ?? new Map<string, ItemOf<K>>();
      state.items.set(host, items);
      switch (m.op) {
        case 'snapshot':
          state.items.set(host, new Map(m.items.map((item, i) => [m.keys[i], item])));
          state.loaded.add(host);
          state.down.delete(host);
          break;
        case 'upsert':
          items.set(m.key, m.item);
          break;
        case 'remove':
          items.delete(m.key);
          break;
        case 'down':
          state.down.set(host, m.error ?? 'unreachable');
          state.loaded.add(host);
          break;
      }
      changed();
    };
    const handles = session().hosts.map((h) =>
      session().conn.subscribe({ kind, host: h.id } as Subscription, {
        onMsg: (m) => apply(h.id, m as ListMessage<ItemOf<K>>),
        onError: (message) => {
          state.down.set(h.id, message);
          state.loaded.add(h.id);
          changed();
        },
        onReset: () => {
          state.loaded.delete(h.id);
          changed();
        },
      }),
    );
    return () => handles.forEach((h) => h.close());
  }, [kind]);
  return state;
}
