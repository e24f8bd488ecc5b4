// Every engine's images, as the images pages use them: the shared `images` list (host-lists.ts)
// with each row carrying its host, and a look-up by id prefix or tag.
import type { ImageSummary } from '../../../api-types/images.js';
import { hostListStore, useHostLists, type HostListStore } from './host-lists.js';

export interface ImageRow extends ImageSummary {
  host: string;
}

export const rowKey = (host: string, id: string) => `${host}/${id}`;

/**
 * Each item with its host, made once per item: items are replaced, never changed in place, so the
 * same item gives the same row and a row that did not change is not drawn again.
 */
const withHost = new WeakMap<ImageSummary, ImageRow>();
function row(item: ImageSummary, host: string): ImageRow {
  let r = withHost.get(item);
  if (!r) withHost.set(item, (r = { ...item, host }));
  return r;
}

/** All rows of every host, keyed by rowKey. */
export function imageRows(store: HostListStore<ImageSummary> = hostListStore('images')): Map<string, ImageRow> {
  const rows = new Map<string, ImageRow>();
  for (const [host, items] of store.items) for (const item of items.values()) rows.set(rowKey(host, item.Id), row(item, host));
  return rows;
}

/** An image by id (full, or a prefix with or without "sha256:") or by one of its tags. */
export function findImage(store: HostListStore<ImageSummary>, host: string, ref: string): ImageRow | undefined {
  const items = store.items.get(host);
  if (!items) return undefined;
  const direct = items.get(ref);
  if (direct) return row(direct, host);
  for (const r of items.values()) {
    if (r.Id.startsWith(ref) || r.Id.replace(/^sha256:/, '').startsWith(ref) || r.RepoTags?.includes(ref)) return row(r, host);
  }
  return undefined;
}

/** The images of every engine, streaming while the calling component is mounted. */
export function useImages(): HostListStore<ImageSummary> {
  return useHostLists('images');
}
