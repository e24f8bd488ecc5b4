// `docker import`: a root file-system tarball (plain or gzip) becomes a one-layer image, with
// Dockerfile-like `changes` applied to an empty config and an optional repo:tag.
import { Readable } from 'node:stream';
import { decompressStream } from '../../archive/compression.js';
import { InvalidArgumentError } from '../errors.js';
import { applyConfigChanges } from './config-changes.js';
import { parseRepoAndTag, referenceString, type NamedReference } from './reference.js';
import type { ImageRecord, ImageStore } from './store.js';

export interface ImportOptions {
  /** `-` for the request body, or an http(s) URL. */
  source: string;
  repo?: string;
  tag?: string;
  message?: string;
  changes?: string[];
}

/** Opens the import source: the given body for `-`, otherwise an HTTP download. */
async function openSource(source: string, body: Readable | undefined): Promise<Readable> {
  if (source === '-') {
    if (!body) throw new InvalidArgumentError('no tarball given');
    return body;
  }
  let url: URL;
  try {
    url = new URL(source.includes('://') ? source : `http://${source}`);
  } catch {
    throw new InvalidArgumentError(`invalid URL ${JSON.stringify(source)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`unsupported URL scheme ${url.protocol}`);
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new InvalidArgumentError(`error downloading ${source}: ${res.status} ${res.statusText}`);
  return Readable.fromWeb(res.body as any);
}

export async function importImage(store: ImageStore, o: ImportOptions, body?: Readable): Promise<ImageRecord> {
  // Validate everything before consuming the upload.
  let ref: NamedReference | undefined;
  if (o.repo) ref = parseRepoAndTag(o.repo, o.tag);
  const config = applyConfigChanges({}, o.changes ?? []);
  const message = o.message || `Imported from ${o.source}`;
  const src = await openSource(o.source, body);
  const img = await store.createFromLayer({
    layer: decompressStream(src),
    config,
    history: { created_by: '', comment: message },
    comment: message,
  });
  store.opts.events.publish('image', 'import', img.id, { name: img.id });
  if (ref) await store.tag(img.id, referenceString(ref));
  return img;
}
