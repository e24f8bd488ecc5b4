// A build context as received: the client's tar kept as one spool file plus an in-memory index of
// its entries (metadata and a content digest per file, computed as the bytes stream past). COPY's
// cache probes read the index, so a rebuild whose steps all hit the cache never extracts the
// context; the first step that needs the files on disk extracts the spool once (materialize).
// Creating thousands of small files is the expensive part of a build here (the filesystem spends
// ~0.3 ms of kernel time per new inode), so not doing it is what makes no-change rebuilds fast.
// The same index, built from a client's manifest and spread over several spools, serves contexts
// that berth's CLI syncs (context-cache.ts).
import { createHash } from 'node:crypto';
import { closeSync, constants as fsc, createReadStream, openSync, promises as fsp, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { badHardlinkTarget, checkEntrySafety, encodeHeader, endOfArchive, extractTar, padding, readTar, safeEntryComponents } from '../../archive/index.js';
import { writeAll } from '../../util/fs.js';
import { DiskTree, type SourceTree, type TreeStat } from './source-tree.js';
import { settled } from '../../util/best-effort.js';

const SPOOL_BATCH = 256 << 10;
const COPY_CHUNK = 1 << 20;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

interface IndexNode {
  kind: 'file' | 'dir' | 'symlink';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkname: string;
  /** Regular files: sha256 hex of the content (shared by hard links). */
  digest: string;
  /** Byte offset of the content in the spool file (regular files). */
  offset: number;
  /** The spool file holding the content, when not the index's own. */
  spool?: string;
  /** Synced contexts: the client's stat fingerprint of the file its content came from. */
  stamp?: string;
  /** The entry hash COPY computed for this node under a name (nodes are immutable once indexed). */
  hashMemo?: [name: string, hash: string];
  /** Seconds since the epoch. */
  mtime: number;
  children?: Set<string>;
}

class NodeStat implements TreeStat {
  constructor(private readonly n: IndexNode) {}
  isFile(): boolean {
    return this.n.kind === 'file';
  }
  isDirectory(): boolean {
    return this.n.kind === 'dir';
  }
  isSymbolicLink(): boolean {
    return this.n.kind === 'symlink';
  }
  get mode(): number {
    return this.n.mode;
  }
  get uid(): number {
    return this.n.uid;
  }
  get gid(): number {
    return this.n.gid;
  }
  get size(): number {
    return this.n.kind === 'file' ? this.n.size : 0;
  }
  get mtime(): Date {
    return new Date(this.n.mtime * 1000);
  }
  get atime(): Date {
    return this.mtime;
  }
}

const parentOf = (rel: string): string => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
const baseOf = (rel: string): string => rel.slice(rel.lastIndexOf('/') + 1);

/** A directory the tar does not list but its entries imply (extraction creates it 0755, ours). */
const implicitDir = (): IndexNode => ({ kind: 'dir', mode: S_IFDIR | 0o755, uid: 0, gid: 0, size: 0, linkname: '', digest: '', offset: 0, mtime: 0, children: new Set() });

export type { IndexNode };
export { S_IFDIR, S_IFLNK, S_IFREG };

/** The index of a context tar, as a SourceTree (paths relative to the context root). */
export class ContextIndex implements SourceTree {
  readonly nodes = new Map<string, IndexNode>();
  /** Set when the tar does something the index does not model (a parent reached through a symlink). */
  unmodelled = false;

  constructor(private readonly spoolPath = '') {
    this.nodes.set('', implicitDir());
  }

  /** Makes the parents of rel exist as directories (extraction creates them 0755, owned by us). */
  private ensureParents(rel: string): void {
    const comps = rel.split('/');
    let cur = '';
    for (let i = 0; i < comps.length - 1; i++) {
      const next = cur === '' ? comps[i] : `${cur}/${comps[i]}`;
      const n = this.nodes.get(next);
      if (!n) {
        this.nodes.set(next, implicitDir());
        this.nodes.get(cur)!.children!.add(comps[i]);
      } else if (n.kind !== 'dir') {
        // Extraction would resolve through the symlink (or replace the file): leave that to it.
        this.unmodelled = true;
        return;
      }
      cur = next;
    }
  }

  /** Drops rel and everything below it. */
  delete(rel: string): void {
    const n = this.nodes.get(rel);
    if (!n) return;
    if (n.children) for (const c of n.children) this.delete(rel === '' ? c : `${rel}/${c}`);
    this.nodes.delete(rel);
    this.nodes.get(parentOf(rel))?.children?.delete(baseOf(rel));
  }

  set(rel: string, node: IndexNode): void {
    this.ensureParents(rel);
    const existing = this.nodes.get(rel);
    if (existing?.kind === 'dir' && node.kind === 'dir') {
      Object.assign(existing, { ...node, children: existing.children });
      return;
    }
    if (existing) this.delete(rel);
    this.nodes.set(rel, node);
    this.nodes.get(parentOf(rel))?.children?.add(baseOf(rel));
  }

  async lstat(rel: string): Promise<TreeStat | undefined> {
    const n = this.nodes.get(rel);
    return n ? new NodeStat(n) : undefined;
  }
  async readlink(rel: string): Promise<string> {
    const n = this.nodes.get(rel);
    if (n?.kind !== 'symlink') throw Object.assign(new Error(`readlink ${rel}: invalid argument`), { code: 'EINVAL' });
    return n.linkname;
  }
  async readdir(rel: string): Promise<string[]> {
    const n = this.nodes.get(rel);
    if (n?.kind !== 'dir') throw Object.assign(new Error(`readdir ${rel}: not a directory`), { code: 'ENOTDIR' });
    return [...n.children!];
  }
  async contentDigest(rel: string): Promise<string> {
    return this.nodes.get(rel)!.digest;
  }
  /** Entry hashes kept on the nodes: a synced context's unchanged files carry them from build to build. */
  readonly hashMemo = {
    get: (rel: string, name: string): string | undefined => {
      const m = this.nodes.get(rel)?.hashMemo;
      return m && m[0] === name ? m[1] : undefined;
    },
    set: (rel: string, name: string, hash: string): void => {
      const n = this.nodes.get(rel);
      if (n && n.kind !== 'dir') n.hashMemo = [name, hash];
    },
  };

  private fds = new Map<string, number>();
  /** One read descriptor per spool file for every copy (closed by close()). */
  private fd(spool: string): number {
    let fd = this.fds.get(spool);
    if (fd === undefined) this.fds.set(spool, (fd = openSync(spool, 'r')));
    return fd;
  }
  async close(): Promise<void> {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  /** A copy whose nodes can be changed without touching this one (a build's view of a cached context). */
  clone(): ContextIndex {
    const c = new ContextIndex(this.spoolPath);
    for (const [k, n] of this.nodes) c.nodes.set(k, n.children ? { ...n, children: new Set(n.children) } : n);
    c.unmodelled = this.unmodelled;
    return c;
  }

  /** Paths in the order a depth-first walk with sorted names visits them (root excluded). */
  *walk(dir = ''): Generator<[string, IndexNode]> {
    const n = this.nodes.get(dir);
    if (!n?.children) return;
    for (const name of [...n.children].sort()) {
      const rel = dir === '' ? name : `${dir}/${name}`;
      const child = this.nodes.get(rel)!;
      yield [rel, child];
      if (child.kind === 'dir') yield* this.walk(rel);
    }
  }

  /** The index as a tar stream (content from the spools): what materialize extracts for a synced context. */
  async *tar(): AsyncGenerator<Buffer> {
    for (const [rel, n] of this.walk()) {
      const type = n.kind;
      yield encodeHeader({ path: rel, type, mode: n.mode & 0o7777, uid: n.uid, gid: n.gid, mtime: n.mtime, size: type === 'file' ? n.size : 0, linkpath: n.linkname });
      if (type !== 'file' || n.size === 0) continue;
      for (let pos = 0; pos < n.size; pos += COPY_CHUNK) yield await this.readRange(n, pos, Math.min(COPY_CHUNK, n.size - pos));
      yield padding(n.size);
    }
    yield endOfArchive();
  }

  private fileNode(rel: string): IndexNode {
    const n = this.nodes.get(rel);
    if (n?.kind !== 'file') throw Object.assign(new Error(`open ${rel}: no such file or directory`), { code: 'ENOENT' });
    return n;
  }

  /**
   * Reads [start, start+length) of a file's content from the spool. Synchronously: the spool was
   * just written, so this is a copy out of the page cache (microseconds, bounded by COPY_CHUNK),
   * far cheaper than a thread-pool round trip per file.
   */
  private async readRange(n: IndexNode, start: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    let off = 0;
    while (off < length) {
      const got = readSync(this.fd(n.spool ?? this.spoolPath), buf, off, length - off, n.offset + start + off);
      if (got === 0) throw new Error('short read from the build context spool');
      off += got;
    }
    return buf;
  }

  readFile(rel: string): Promise<Buffer> {
    const n = this.fileNode(rel);
    return this.readRange(n, 0, n.size);
  }

  async copyFile(rel: string, _st: TreeStat, dest: string): Promise<void> {
    const n = this.fileNode(rel);
    const flags = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC | fsc.O_NOFOLLOW;
    if (n.size <= COPY_CHUNK) {
      await fsp.writeFile(dest, await this.readRange(n, 0, n.size), { flag: flags, mode: n.mode & 0o777 });
      return;
    }
    const out = await fsp.open(dest, flags, n.mode & 0o777);
    try {
      for (let pos = 0; pos < n.size; pos += COPY_CHUNK) {
        await writeAll(out, await this.readRange(n, pos, Math.min(COPY_CHUNK, n.size - pos)));
      }
    } finally {
      await out.close();
    }
  }
}

/** A received build context: an index to read, and the files on disk once something needs them. */
export interface BuildContextSource {
  /** What lookups and cache hashes read: the index while the context is not extracted. */
  readonly tree: SourceTree;
  /** Removes a path (the Dockerfile or .dockerignore when .dockerignore excludes them). */
  remove(rel: string): Promise<void>;
  /** Extracts the context into its directory (once); afterwards `dir` holds every file. */
  materialize(): Promise<void>;
  /** Releases open files (after the build). */
  close(): Promise<void>;
}

/** A context that is already a directory (tests, callers that extracted it themselves). */
export function directoryContext(dir: string): BuildContextSource {
  return {
    tree: new DiskTree(dir),
    remove: (rel) => fsp.rm(path.join(dir, rel), { force: true }),
    materialize: async () => {},
    close: async () => {},
  };
}

/**
 * Receives a context tar (plain, already decompressed) into `spoolPath` and indexes it, in one
 * pass; `dir` is where it is extracted when needed. The spool must outlive the build (reads of the
 * index come from it) and must not be inside `dir`. Refuses what extraction would refuse (names outside the root, escaping links, device
 * nodes), so a hostile context fails here, before any step runs.
 */
export async function receiveContextTar(input: AsyncIterable<Buffer>, spoolPath: string, dir: string): Promise<BuildContextSource> {
  const index = new ContextIndex(spoolPath);
  const spool = await SpoolWriter.create(spoolPath);
  try {
    for await (const { entry, body, offset } of readTar(spool.tee(input))) {
      const comps = safeEntryComponents(entry.path);
      if (comps.length === 0) continue;
      const rel = comps.join('/');
      const base = { uid: entry.uid, gid: entry.gid, size: 0, linkname: '', digest: '', offset: 0, mtime: entry.mtime };
      const linkComps = checkEntrySafety(entry, comps);
      switch (entry.type) {
        case 'other':
          for await (const _ of body); // skipped, as extraction skips it
          continue;
        case 'dir':
          index.set(rel, { ...base, kind: 'dir', mode: S_IFDIR | (entry.mode & 0o7777), children: new Set() });
          continue;
        case 'symlink':
          index.set(rel, { ...base, kind: 'symlink', mode: S_IFLNK | 0o777, linkname: entry.linkpath });
          continue;
        case 'hardlink': {
          const target = index.nodes.get(linkComps!.join('/'));
          if (!target) throw badHardlinkTarget(entry, 'missing');
          if (target.kind === 'dir') throw badHardlinkTarget(entry, 'directory');
          // A link shares its target's inode: same metadata and content.
          index.set(rel, { ...target, children: undefined });
          continue;
        }
        case 'file': {
          const h = createHash('sha256');
          for await (const c of body) h.update(c);
          index.set(rel, { ...base, kind: 'file', mode: S_IFREG | (entry.mode & 0o7777), size: entry.size, digest: h.digest('hex'), offset });
          continue;
        }
      }
    }
  } finally {
    await spool.close();
  }
  const source = sourceFromIndex(index, dir, () => extractTar(createReadStream(spoolPath, { highWaterMark: 1 << 20 }), dir, { whiteouts: 'none', sameOwner: true }));
  if (index.unmodelled) await source.materialize();
  return source;
}

/**
 * A build's context source over an index: lookups and hashes read the index; materialize()
 * extracts (once) what `extract` produces into `dir`, less the paths removed meanwhile.
 */
export function sourceFromIndex(index: ContextIndex, dir: string, extract: () => Promise<unknown> = () => extractTar(index.tar(), dir, { whiteouts: 'none', sameOwner: true })): BuildContextSource {
  let materialized: Promise<void> | undefined;
  const removed: string[] = [];
  // Hashes always come from the index, extracted or not: a source must hash the same in every
  // build, whichever step happened to extract the context first.
  const source: BuildContextSource = {
    tree: index.unmodelled ? new DiskTree(dir) : index,
    async remove(rel) {
      index.delete(rel);
      removed.push(rel);
      if (materialized) await fsp.rm(path.join(dir, rel), { force: true });
    },
    materialize() {
      materialized ??= (async () => {
        await extract();
        for (const rel of removed) await fsp.rm(path.join(dir, rel), { force: true });
      })();
      return materialized;
    },
    close: () => index.close(),
  };
  return source;
}

/**
 * Appends a stream to a spool file as it passes through tee(). Clients send tars in small chunks
 * (the docker CLI's are ~5 KB): they are gathered into batches of SPOOL_BATCH, each written with
 * one call while the consumer parses it, so both see a few hundred chunks instead of ten thousand.
 * Offsets in the stream are offsets in the file.
 */
export class SpoolWriter {
  private constructor(private readonly fh: FileHandle) {}

  static async create(spoolPath: string): Promise<SpoolWriter> {
    return new SpoolWriter(await fsp.open(spoolPath, 'wx', 0o600));
  }

  async *tee(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let writing: Promise<void> = Promise.resolve();
    const batch = async (): Promise<Buffer> => {
      const data = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await writing; // in order, one write in flight
      writing = writeAll(this.fh, data);
      void settled(writing); // its error is surfaced by the next await of `writing`
      return data;
    };
    for await (const c of input) {
      pending.push(c);
      pendingBytes += c.length;
      if (pendingBytes >= SPOOL_BATCH) yield await batch();
    }
    if (pendingBytes) yield await batch();
    await writing;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
