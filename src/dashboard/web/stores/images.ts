// Every engine's images while a page shows them: one `images` stream per engine, opened when the
// first view mounts and closed when the last one goes (the server then drops its list too).
// Rows are replaced, never changed in place, and views redraw at most once a frame.
import { useEffect, useState } from 'preact/hooks';
import type { ImageSummary } from '../../../api-types/images.js';
import type { ListMessage } from '../../protocol.js';
import type { StreamHandle } from '../connection.js';
import { session } from '../session.js';

export interface ImageRow extends ImageSummary {
  host: string;
}

export const rowKey = (host: string, id: string) => `${host}/${id}`;

class ImagesStore {
  rows = new Map<string, ImageRow>();
  /** Hosts whose first list is in (or that failed). */
  loadedHosts = new Set<string>();
  hostsDown = new Map<string, string>();
  version = 0;
  private handles: StreamHandle[] = [];
  private users = 0;
  private listeners = new Set<() => void>();
  private queued = false;

  get loaded(): boolean {
    return session().hosts.every((h) => this.loadedHosts.has(h.id));
  }

  /** Keeps the streams open until the returned function is called. */
  use(): () => void {
    if (this.users++ === 0) {
      const { conn, hosts } = session();
      this.handles = hosts.map((h) =>
        conn.subscribe(
          { kind: 'images', host: h.id },
          {
            onMsg: (m) => this.apply(h.id, m),
            onReset: () => {
              this.loadedHosts.delete(h.id);
              this.changed();
            },
            onError: (message) => {
              this.hostsDown.set(h.id, message);
              this.loadedHosts.add(h.id);
              this.changed();
            },
          },
        ),
      );
    }
    return () => {
      if (--this.users > 0) return;
      for (const handle of this.handles) handle.close();
      this.handles = [];
      this.rows.clear();
      this.loadedHosts.clear();
      this.hostsDown.clear();
    };
  }

  private apply(host: string, m: ListMessage<ImageSummary>): void {
    switch (m.op) {
      case 'snapshot':
        for (const [k, r] of this.rows) if (r.host === host) this.rows.delete(k);
        for (const item of m.items) this.rows.set(rowKey(host, item.Id), { ...item, host });
        this.hostsDown.delete(host);
        this.loadedHosts.add(host);
        break;
      case 'upsert':
        this.rows.set(rowKey(host, m.key), { ...m.item, host });
        break;
      case 'remove':
        this.rows.delete(rowKey(host, m.key));
        break;
      case 'down':
        this.hostsDown.set(host, m.error ?? 'unreachable');
        this.loadedHosts.add(host);
        break;
    }
    this.changed();
  }

  private changed(): void {
    this.version++;
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      for (const fn of this.listeners) fn();
    });
  }

  listen(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** An image by id (full, or a prefix with or without "sha256:") or by one of its tags. */
  find(host: string, ref: string): ImageRow | undefined {
    const direct = this.rows.get(rowKey(host, ref));
    if (direct) return direct;
    for (const r of this.rows.values()) {
      if (r.host !== host) continue;
      if (r.Id.startsWith(ref) || r.Id.replace(/^sha256:/, '').startsWith(ref) || r.RepoTags?.includes(ref)) return r;
    }
    return undefined;
  }
}

export const images = new ImagesStore();

/** The images of every engine, streaming while the calling component is mounted. */
export function useImages(): ImagesStore {
  const [, setVersion] = useState(images.version);
  useEffect(() => {
    const stopListening = images.listen(() => setVersion(images.version));
    const release = images.use();
    return () => {
      stopListening();
      release();
    };
  }, []);
  return images;
}
