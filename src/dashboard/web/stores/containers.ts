// Every engine's containers, kept by the one `containers` stream of the page: the snapshot, then
// upserts and removals. Rows are replaced, never changed in place, so a view compares them by
// identity and redraws only the rows that changed.
import { useEffect, useState } from 'preact/hooks';
import type { ContainerRow, StreamMessages } from '../../protocol.js';
import { session } from '../session.js';
import { FrameNotifier } from './frame-notifier.js';

export const rowKey = (host: string, id: string) => `${host}/${id}`;

class ContainersStore {
  rows = new Map<string, ContainerRow>();
  hostsDown = new Map<string, string>();
  loaded = false;
  private readonly notifier = new FrameNotifier();

  start(): void {
    session().conn.subscribe(
      { kind: 'containers' },
      {
        onMsg: (m) => this.apply(m),
        // A reconnect keeps the rows shown (the header says it is reconnecting) until the new
        // snapshot replaces them: a page built on them (an open terminal) stays up meanwhile.
        onReset: () => undefined,
      },
    );
  }

  private apply(m: StreamMessages['containers']): void {
    switch (m.op) {
      case 'snapshot':
        this.rows = new Map(m.rows.map((r) => [rowKey(r.host, r.Id), r]));
        this.hostsDown.clear();
        this.loaded = true;
        break;
      case 'upsert':
        this.rows.set(rowKey(m.row.host, m.row.Id), m.row);
        break;
      case 'remove':
        this.rows.delete(rowKey(m.host, m.id));
        break;
      case 'host':
        if (m.up) this.hostsDown.delete(m.host);
        else this.hostsDown.set(m.host, m.error ?? 'unreachable');
        break;
    }
    this.changed();
  }

  get version(): number {
    return this.notifier.version;
  }

  private changed(): void {
    this.notifier.changed();
  }

  listen(fn: () => void): () => void {
    return this.notifier.listen(fn);
  }

  find(host: string, idOrName: string): ContainerRow | undefined {
    const direct = this.rows.get(rowKey(host, idOrName));
    if (direct) return direct;
    for (const r of this.rows.values()) if (r.host === host && (r.Id.startsWith(idOrName) || r.Names?.some((n) => n.replace(/^\//, '') === idOrName))) return r;
    return undefined;
  }
}

export const containers = new ContainersStore();

/** Re-renders the calling component when the list changes. */
export function useContainers(): ContainersStore {
  const [, setVersion] = useState(containers.version);
  useEffect(() => containers.listen(() => setVersion(containers.version)), []);
  return containers;
}
