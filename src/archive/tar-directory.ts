// Streams a directory tree (or one file) as a tar archive, keeping owners, modes, mtimes,
// symlinks and hard links: cp out of containers, export, build contexts, layer diffs.
import { promises as fsp, readFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { encodeHeader, endOfArchive, padding, type TarEntry } from './tar-header.js';
import { lstatIfExists } from '../util/fs.js';

export interface TarDirectoryOptions {
  /**
   * Name of the top entry in the archive. Default: the basename of `src` for a file, and no top
   * entry for a directory (its content at the archive root, as `docker export` does).
   */
  name?: string;
  /** Skips a path (relative to src, `/`-separated, no leading slash) and everything below it. */
  exclude?: (relPath: string, st: Stats) => boolean;
  /** Called for each entry before it is written: lets callers rewrite it (whiteouts, owners). */
  transform?: (entry: TarEntry, hostPath: string, st: Stats) => TarEntry | TarEntry[] | undefined;
  /** Follow `src` itself when it is a symlink (cp's trailing `/.` semantics are the caller's). */
  followRoot?: boolean;
}

/** The tar entry for one file-system object, undefined for sockets. */
export function entryFromStats(name: string, st: Stats, linkpath?: string): TarEntry | undefined {
  const base: TarEntry = { path: name, type: 'file', mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
  if (st.isDirectory()) return { ...base, type: 'dir' };
  if (st.isFile()) return { ...base, size: st.size };
  if (st.isSymbolicLink()) return { ...base, type: 'symlink', linkpath: linkpath ?? '' };
  const dev = { devmajor: Number((BigInt(st.rdev) >> 8n) & 0xfffn), devminor: Number((BigInt(st.rdev) & 0xffn) | ((BigInt(st.rdev) >> 12n) & 0xfff00n)) };
  if (st.isCharacterDevice()) return { ...base, type: 'char', ...dev };
  if (st.isBlockDevice()) return { ...base, type: 'block', ...dev };
  if (st.isFIFO()) return { ...base, type: 'fifo' };
  return undefined;
}

/** Reads exactly `size` bytes of a file (zero-filled if it shrank meanwhile), in chunks. */
async function* fileBody(hostPath: string, size: number): AsyncGenerator<Buffer> {
  const fh = await fsp.open(hostPath, 'r');
  try {
    let left = size;
    while (left > 0) {
      const buf = Buffer.allocUnsafe(Math.min(left, 256 * 1024));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) {
        yield Buffer.alloc(left);
        break;
      }
      left -= bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
  yield padding(size);
}

const SMALL_BODY = 256 * 1024;

/**
 * A small file's content read synchronously: open/read/close of cached data take microseconds,
 * while the promise API's FileHandle round trips cost ~20 times that in CPU (they dominated
 * tarring a tree of thousands of small files). undefined when it cannot be read (vanished).
 */
function readSmallFile(hostPath: string): Buffer | undefined {
  try {
    return readFileSync(hostPath);
  } catch {
    return undefined;
  }
}

/** Yields the tar bytes of a tree; entries sorted by name so output is reproducible. */
export async function* tarTreeChunks(src: string, opts: TarDirectoryOptions = {}): AsyncGenerator<Buffer> {
  yield* tarTreeEntries(src, opts);
  yield endOfArchive();
}

/** The entries of a tree without the end-of-archive marker: for archives of several trees or added files. */
export async function* tarTreeEntries(src: string, opts: TarDirectoryOptions = {}): AsyncGenerator<Buffer> {
  const rootSt = opts.followRoot ? await fsp.stat(src) : await fsp.lstat(src);
  const hardlinks = new Map<string, string>();
  const topName = opts.name ?? (rootSt.isDirectory() ? '' : path.basename(src));

  async function* emit(hostPath: string, name: string, st: Stats, rel: string): AsyncGenerator<Buffer> {
    if (rel !== '' && opts.exclude?.(rel, st)) return;
    if (name !== '') {
      const linkpath = st.isSymbolicLink() ? await fsp.readlink(hostPath) : undefined;
      let entry = entryFromStats(name, st, linkpath);
      if (entry && entry.type === 'file' && st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        const first = hardlinks.get(key);
        if (first !== undefined) entry = { ...entry, type: 'hardlink', linkpath: first, size: 0 };
        else hardlinks.set(key, name);
      }
      let entries: TarEntry[] = [];
      if (entry) {
        const t = opts.transform ? opts.transform(entry, hostPath, st) : entry;
        entries = t === undefined ? [] : Array.isArray(t) ? t : [t];
      }
      for (const e of entries) {
        yield encodeHeader(e);
        if (e.type === 'file' && (e.size ?? 0) > 0) {
          const data = e.size! <= SMALL_BODY ? readSmallFile(hostPath) : undefined;
          if (data && data.length === e.size) {
            yield data;
            yield padding(e.size!);
          } else yield* fileBody(hostPath, e.size!);
        }
      }
      if (entries.length === 0 && st.isDirectory()) return; // transform dropped the directory
    }
    if (!st.isDirectory()) return;
    const names = (await fsp.readdir(hostPath)).sort();
    // A directory's entries are stat'ed together: the tar stays in order, the disk sees many requests at once.
    const hosts = names.map((c) => path.join(hostPath, c));
    const stats = await Promise.all(hosts.map((h) => lstatIfExists(h)));
    for (let i = 0; i < names.length; i++) {
      const cst = stats[i];
      if (!cst) continue; // vanished while walking (live container)
      const child = names[i];
      yield* emit(hosts[i], name === '' ? child : `${name.replace(/\/$/, '')}/${child}`, cst, rel === '' ? child : `${rel}/${child}`);
    }
  }

  yield* emit(src, topName, rootSt, '');
}

/** A Readable tar stream of `src` (directory or file). */
export function tarDirectory(src: string, opts: TarDirectoryOptions = {}): Readable {
  return Readable.from(tarTreeChunks(src, opts), { objectMode: false });
}

/** A Readable tar stream of given entries with in-memory bodies (manifests, generated images). */
export function tarFromEntries(entries: Iterable<{ entry: TarEntry; body?: Buffer }> | AsyncIterable<{ entry: TarEntry; body?: Buffer }>): Readable {
  async function* gen(): AsyncGenerator<Buffer> {
    for await (const { entry, body } of entries as AsyncIterable<{ entry: TarEntry; body?: Buffer }>) {
      const e = entry.type === 'file' ? { ...entry, size: body?.length ?? 0 } : entry;
      yield encodeHeader(e);
      if (body && body.length) {
        yield body;
        yield padding(body.length);
      }
    }
    yield endOfArchive();
  }
  return Readable.from(gen(), { objectMode: false });
}
