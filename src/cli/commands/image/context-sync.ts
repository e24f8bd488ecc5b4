// berth's context sync (berthd's POST /berth/build-contexts): instead of tarring the whole context
// for every build, send a manifest (path, type, mode, size, mtime and a stat fingerprint per entry)
// and upload only the files berthd does not already hold with that fingerprint. A rebuild with
// nothing changed sends no file data. Daemons without the endpoint (dockerd) get the classic tar.
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { EngineClient } from '../../../client/client.js';
import { ApiError } from '../../../client/errors.js';
import type { BuildContextEntry, BuildContextSyncResponse } from '../../../api-types/images.js';
import { encodeHeader, endOfArchive, padding } from '../../../archive/tar-header.js';

type ManifestEntry = BuildContextEntry;

/** The context as manifest entries, parents before children, .dockerignore'd paths left out. */
export function contextManifest(dir: string, filter: (rel: string) => boolean): { entries: ManifestEntry[]; sizes: Map<string, number> } {
  const entries: ManifestEntry[] = [];
  const sizes = new Map<string, number>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(rel === '' ? dir : path.join(dir, rel)).sort()) {
      const child = rel === '' ? name : `${rel}/${name}`;
      if (!filter(child)) continue;
      const st = lstatSync(path.join(dir, child));
      const stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.mode}`;
      const mtime = st.mtimeMs / 1000;
      if (st.isDirectory()) {
        entries.push([child, 'd', st.mode & 0o7777, 0, mtime, '', stamp]);
        walk(child);
      } else if (st.isSymbolicLink()) entries.push([child, 'l', 0o777, 0, mtime, readlinkSync(path.join(dir, child)), stamp]);
      else if (st.isFile()) {
        entries.push([child, 'f', st.mode & 0o7777, st.size, mtime, '', stamp]);
        sizes.set(child, st.size);
      }
      // sockets, FIFOs and devices are not part of a build context
    }
  };
  walk('');
  return { entries, sizes };
}

const CHUNK = 1 << 20;

/** A tar of the given regular files (content is what counts; berthd has their metadata). */
async function* filesTar(dir: string, files: string[], sizes: Map<string, number>, count: (n: number) => void): AsyncGenerator<Buffer> {
  for (const rel of files) {
    const size = sizes.get(rel) ?? 0;
    yield encodeHeader({ path: rel, type: 'file', mode: 0o644, size });
    const fd = openSync(path.join(dir, rel), 'r');
    try {
      for (let pos = 0; pos < size; ) {
        const buf = Buffer.allocUnsafe(Math.min(CHUNK, size - pos));
        const got = readSync(fd, buf, 0, buf.length, pos);
        if (got === 0) throw new Error(`${rel} shrank while the context was being sent`);
        pos += got;
        count(got);
        yield got === buf.length ? buf : buf.subarray(0, got);
      }
    } finally {
      closeSync(fd);
    }
    yield padding(size);
  }
  yield endOfArchive();
}

/**
 * Syncs the context with berthd; returns the synced context's ID and the bytes of file data sent,
 * or undefined when the daemon has no sync endpoint (the caller sends the classic tar).
 */
export async function syncContext(client: EngineClient, dir: string, filter: (rel: string) => boolean): Promise<{ id: string; sent: number } | undefined> {
  const { entries, sizes } = contextManifest(dir, filter);
  const key = createHash('sha256').update(`${hostname()}\0${realpathSync(dir)}`).digest('hex');
  let answer: BuildContextSyncResponse | undefined;
  try {
    answer = await client.buildContexts.sync({ key, entries });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
  if (!answer || typeof answer.id !== 'string' || !Array.isArray(answer.need)) return undefined;
  let sent = 0;
  if (answer.need.length) {
    const body = Readable.from(filesTar(dir, answer.need, sizes, (n) => (sent += n)), { objectMode: false });
    await client.buildContexts.upload(answer.id, body);
  }
  return { id: answer.id, sent };
}
