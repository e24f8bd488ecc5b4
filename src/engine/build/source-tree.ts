// What COPY/ADD source lookup needs from a tree of files: lstat, readlink, readdir and a content
// digest. A directory on disk is one such tree (an image mounted for COPY --from); a build
// context that was only indexed, never extracted (context-spool.ts), is another, so a rebuild
// whose COPY steps all hit the cache never writes the context to disk.
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';

export interface TreeStat {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  /** st_mode: type bits and permissions. */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  atime: Date;
  mtime: Date;
}

export interface SourceTree {
  /** lstat of a slash path relative to the root ('' is the root); undefined when it does not exist. */
  lstat(rel: string): Promise<TreeStat | undefined>;
  readlink(rel: string): Promise<string>;
  /** Names in a directory, any order. */
  readdir(rel: string): Promise<string[]>;
  /** sha256 (hex) of a regular file's content. */
  contentDigest(rel: string, st: TreeStat): Promise<string>;
  readFile(rel: string): Promise<Buffer>;
  /** Writes a regular file's content to `dest` (a new file; mode and owner are the caller's job). */
  copyFile(rel: string, st: TreeStat, dest: string): Promise<void>;
  /** Trees that can keep computed entry hashes (a build context's index) remember them here. */
  hashMemo?: { get(rel: string, name: string): string | undefined; set(rel: string, name: string, hash: string): void };
}

/** A SourceTree over a directory on disk. */
export class DiskTree implements SourceTree {
  readonly root: string;
  constructor(root: string) {
    this.root = path.resolve(root);
  }
  private full(rel: string): string {
    return rel === '' ? this.root : path.join(this.root, rel);
  }
  async lstat(rel: string): Promise<TreeStat | undefined> {
    try {
      return await fsp.lstat(this.full(rel));
    } catch {
      return undefined;
    }
  }
  readlink(rel: string): Promise<string> {
    return fsp.readlink(this.full(rel));
  }
  readdir(rel: string): Promise<string[]> {
    return fsp.readdir(this.full(rel));
  }
  async contentDigest(rel: string, st: TreeStat): Promise<string> {
    const h = createHash('sha256');
    // Small files in one read (a stream per file costs more than the hashing).
    if (st.size <= 1 << 20) h.update(await fsp.readFile(this.full(rel)));
    else for await (const chunk of createReadStream(this.full(rel))) h.update(chunk as Buffer);
    return h.digest('hex');
  }
  readFile(rel: string): Promise<Buffer> {
    return fsp.readFile(this.full(rel));
  }
  copyFile(rel: string, _st: TreeStat, dest: string): Promise<void> {
    return fsp.copyFile(this.full(rel), dest);
  }
}

const MAX_LINKS = 255;

/**
 * Resolves `rel` inside a tree the way Docker's symlink.FollowSymlinkInScope does: symlinks are
 * followed, but every absolute target and every `..` is interpreted relative to the root. Returns
 * the resolved slash path relative to the root ('' for the root). Missing components are kept.
 */
export async function resolveInTree(tree: SourceTree, rel: string): Promise<string> {
  let pending = rel.split('/').filter((s) => s !== '' && s !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length) {
    const seg = pending.shift()!;
    if (seg === '..') {
      done.pop();
      continue;
    }
    const candidate = [...done, seg].join('/');
    const st = await tree.lstat(candidate);
    // Missing components are fine: the caller may be about to create them.
    if (!st || !st.isSymbolicLink()) {
      done.push(seg);
      continue;
    }
    if (++links > MAX_LINKS) throw new Error(`too many links in ${rel}`);
    const target = await tree.readlink(candidate);
    const targetSegs = target.split('/').filter((s) => s !== '' && s !== '.');
    if (target.startsWith('/')) done.length = 0;
    pending = [...targetSegs, ...pending];
  }
  return done.join('/');
}
