// The one tar extractor berth uses (image layers, import, load, cp into containers, build
// contexts). It refuses what could escape or subvert the target: `..` components, absolute
// names, symlinks and hard links pointing outside, device nodes and FIFOs. Parents are resolved
// inside the root (symlinks scoped to it) and the final component is never followed.
// In layer mode AUFS whiteouts (`.wh.x`, `.wh..wh..opq`) become overlayfs whiteouts and are
// also returned, so a vfs fallback can apply them without reading xattrs.
import { promises as fsp, constants as fsc } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../util/errors.js';
import { pathComponents, resolveInRoot } from './resolve.js';
import { readTar, type TarReadEntry } from './tar-reader.js';
import { runTool } from './tools.js';
import { MY_GID, MY_UID, UMASK } from '../util/process-identity.js';
import { writeAll } from '../util/fs.js';
import { bestEffort } from '../util/best-effort.js';

export const WHITEOUT_PREFIX = '.wh.';
export const WHITEOUT_META_PREFIX = '.wh..wh.';
export const WHITEOUT_OPAQUE = '.wh..wh..opq';

export interface ExtractOptions {
  /**
   * `overlay`: the archive is an image layer; whiteout entries become overlay whiteouts.
   * `none` (default): `.wh.` names are ordinary files (cp, build context).
   */
  whiteouts?: 'overlay' | 'none';
  /** Keep owners from the archive (default: true when running as root). */
  sameOwner?: boolean;
  /** Refuse replacing a directory with a non-directory and vice versa (cp's noOverwriteDirNonDir). */
  noOverwriteDirNonDir?: boolean;
  /** Owner for every entry instead of the archive's (cp with --chown-like semantics, build COPY). */
  chown?: { uid: number; gid: number };
  /** Turns the owner asked for into the host's (a user-namespace mapping: cp into a remapped container). */
  idMap?: IdMapFn;
}

/** Owner IDs from one side of a user-namespace mapping to the other. */
export type IdMapFn = (ids: { uid: number; gid: number }) => { uid: number; gid: number };

export interface ExtractResult {
  /** Paths (relative to the root, no leading slash) that the layer deletes. */
  whiteouts: string[];
  /** Directories (relative; `.` for the root) whose lower content the layer hides. */
  opaqueDirs: string[];
  /** Bytes of regular files plus symlink targets, hard links counted once (Docker's layer size). */
  size: number;
  entries: number;
}

function refuse(msg: string): InvalidArgumentError {
  return new InvalidArgumentError(msg);
}

/** Validates an archive name and returns its components; refuses absolute names and `..`. */
export function safeEntryComponents(name: string): string[] {
  if (name.startsWith('/')) throw refuse(`invalid archive entry ${JSON.stringify(name)}: absolute path`);
  const comps = pathComponents(name);
  if (comps.includes('..')) throw refuse(`invalid archive entry ${JSON.stringify(name)}: path is outside of the root`);
  return comps;
}

/** True when a relative symlink target, seen from the directory of `entryComps`, climbs above the root. */
export function symlinkEscapes(entryComps: string[], linkpath: string): boolean {
  if (linkpath.startsWith('/')) return false; // interpreted inside the root
  const depth: string[] = entryComps.slice(0, -1);
  for (const c of pathComponents(linkpath)) {
    if (c === '..') {
      if (depth.length === 0) return true;
      depth.pop();
    } else depth.push(c);
  }
  return false;
}

/**
 * Refuses what no extraction accepts: a device node or FIFO, a symlink climbing above the root, a
 * hard link naming a path outside it. For a hard link, returns its target's components.
 */
export function checkEntrySafety(entry: { path: string; type: string; linkpath: string }, comps: string[]): string[] | undefined {
  if (entry.type === 'char' || entry.type === 'block' || entry.type === 'fifo') {
    throw refuse(`refusing to extract device node or FIFO ${JSON.stringify(entry.path)}`);
  }
  if (entry.type === 'symlink' && symlinkEscapes(comps, entry.linkpath)) {
    throw refuse(`invalid symlink ${JSON.stringify(entry.path)} -> ${JSON.stringify(entry.linkpath)}: points outside of the root`);
  }
  if (entry.type !== 'hardlink') return undefined;
  const linkComps = pathComponents(entry.linkpath);
  if (linkComps.includes('..') || linkComps.length === 0) {
    throw refuse(`invalid hardlink ${JSON.stringify(entry.path)} -> ${JSON.stringify(entry.linkpath)}: points outside of the root`);
  }
  return linkComps;
}

/** The refusal of a hard link whose target does not exist or is a directory. */
export function badHardlinkTarget(entry: { path: string; linkpath: string }, problem: 'missing' | 'directory'): InvalidArgumentError {
  return problem === 'missing'
    ? refuse(`invalid hardlink ${JSON.stringify(entry.path)} -> ${JSON.stringify(entry.linkpath)}: target does not exist`)
    : refuse(`invalid hardlink ${JSON.stringify(entry.path)}: target is a directory`);
}

interface PendingXattr {
  file: string;
  name: string;
  value: Buffer;
}

// Only these extended attributes are taken from archives; trusted.overlay.* in particular would
// let a tar forge whiteouts or redirects.
const ALLOWED_XATTR = /^(security\.capability|user\..+)$/;

async function removeExisting(target: string, isDir: boolean, opts: ExtractOptions): Promise<'keep-dir' | 'clear'> {
  let st;
  try {
    st = await fsp.lstat(target);
  } catch {
    return 'clear';
  }
  if (st.isDirectory() && isDir) return 'keep-dir';
  if (opts.noOverwriteDirNonDir && st.isDirectory() !== isDir) {
    throw refuse(
      st.isDirectory()
        ? `cannot overwrite directory ${JSON.stringify(target)} with non-directory`
        : `cannot overwrite non-directory ${JSON.stringify(target)} with directory`,
    );
  }
  await fsp.rm(target, { recursive: true, force: true });
  return 'clear';
}

/** Files up to this size are buffered and written concurrently; larger ones stream in order. */
const SMALL_FILE = 1 << 20;
const MAX_INFLIGHT = 32;

async function writeBody(target: string, mode: number, body: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<void> {
  const fh = await fsp.open(target, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, mode & 0o777);
  try {
    for await (const chunk of body) await writeAll(fh, chunk);
  } finally {
    await fh.close();
  }
}

/** Extracts a tar stream (plain; decompress first) into `root`, which must exist. */
export async function extractTar(input: Readable | AsyncIterable<Buffer>, root: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  const rootAbs = path.resolve(root);
  const sameOwner = opts.sameOwner ?? process.getuid?.() === 0;
  const layerMode = opts.whiteouts === 'overlay';
  const result: ExtractResult = { whiteouts: [], opaqueDirs: [], size: 0, entries: 0 };
  const whiteoutHostPaths: string[] = [];
  const opaqueHostDirs: string[] = [];
  const dirTimes: Array<{ p: string; mtime: number }> = [];
  const xattrs: PendingXattr[] = [];
  // Parent directories already resolved (and known to exist) in this extraction: most entries
  // share them. An entry that replaces a path drops that path and everything under it, so a
  // directory turned into a symlink is resolved afresh (never written through).
  const resolvedDirs = new Map<string, string>();
  const parentDir = async (rel: string): Promise<string> => {
    const hit = resolvedDirs.get(rel);
    if (hit !== undefined) return hit;
    const host = await resolveInRoot(rootAbs, rel);
    await fsp.mkdir(host, { recursive: true, mode: 0o755 });
    resolvedDirs.set(rel, host);
    return host;
  };
  const forget = (rel: string) => {
    for (const k of resolvedDirs.keys()) if (k === rel || k.startsWith(rel + '/')) resolvedDirs.delete(k);
  };

  // Small regular files are written concurrently (their bodies read into memory first): the tar
  // is read in order, but creating thousands of files one await at a time is what made context
  // and layer extraction slow. Any other entry waits for the writes before it (a barrier), so
  // directories, links and replacements see the tree exactly as a sequential extraction would.
  const inflight = new Map<string, Promise<void>>();
  let failure: unknown;
  const barrier = async () => {
    await Promise.all(inflight.values());
    if (failure) throw failure;
  };

  for await (const { entry, body } of readTar(input)) {
    if (failure) throw failure;
    result.entries++;
    const comps = safeEntryComponents(entry.path);
    if (comps.length === 0) continue; // the root itself (`./`): keep the target's own metadata
    const base = comps[comps.length - 1];
    const parentRel = comps.slice(0, -1).join('/');

    const rel = comps.join('/');
    if (entry.type === 'file' && entry.size <= SMALL_FILE && !(layerMode && base.startsWith(WHITEOUT_PREFIX))) {
      const parentHost = await parentDir(parentRel);
      const target = path.join(parentHost, base);
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c);
      const data = Buffer.concat(chunks);
      forget(rel);
      result.size += entry.size;
      const before = inflight.get(target);
      const task = (async () => {
        if (before) await before;
        // Most targets are new: try the exclusive create first, clear the way only when it exists.
        try {
          await writeBody(target, entry.mode, [data]);
        } catch (e: any) {
          if (e?.code !== 'EEXIST') throw e;
          await removeExisting(target, false, opts);
          await writeBody(target, entry.mode, [data]);
        }
        await applyMetadata(target, entry, sameOwner, opts.chown, opts.idMap);
        for (const [name, value] of Object.entries(entry.xattrs)) if (ALLOWED_XATTR.test(name)) xattrs.push({ file: target, name, value });
      })().catch((e) => {
        failure ??= e;
      });
      const tracked = task.finally(() => {
        if (inflight.get(target) === tracked) inflight.delete(target);
      });
      inflight.set(target, tracked);
      if (inflight.size >= MAX_INFLIGHT) await Promise.race(inflight.values());
      continue;
    }
    await barrier();

    if (layerMode && base.startsWith(WHITEOUT_PREFIX)) {
      const parentHost = await parentDir(parentRel);
      if (base === WHITEOUT_OPAQUE) {
        result.opaqueDirs.push(parentRel === '' ? '.' : parentRel);
        opaqueHostDirs.push(parentHost);
      } else if (!base.startsWith(WHITEOUT_META_PREFIX)) {
        const name = base.slice(WHITEOUT_PREFIX.length);
        if (name === '' || name === '.' || name === '..') throw refuse(`invalid whiteout entry ${JSON.stringify(entry.path)}`);
        const host = path.join(parentHost, name);
        forget(parentRel === '' ? name : `${parentRel}/${name}`);
        await fsp.rm(host, { recursive: true, force: true });
        result.whiteouts.push(parentRel === '' ? name : `${parentRel}/${name}`);
        whiteoutHostPaths.push(host);
      }
      continue; // other .wh..wh. meta entries (plink, aufs) carry nothing for us
    }

    const linkComps = checkEntrySafety(entry, comps);
    if (entry.type === 'other') continue; // unknown type: skipped, as its body is
    const linkSource = linkComps ? await resolveInRoot(rootAbs, linkComps.join('/'), { followFinal: false }) : undefined;

    const parentHost = await parentDir(parentRel);
    const target = path.join(parentHost, base);
    const existing = await removeExisting(target, entry.type === 'dir', opts);
    if (existing !== 'keep-dir') forget(rel);

    switch (entry.type) {
      case 'dir':
        if (existing !== 'keep-dir') await fsp.mkdir(target, { mode: 0o700 });
        break;
      case 'file':
        await writeBody(target, entry.mode, body);
        result.size += entry.size;
        break;
      case 'symlink':
        await fsp.symlink(entry.linkpath, target);
        result.size += Buffer.byteLength(entry.linkpath);
        break;
      case 'hardlink': {
        let st;
        try {
          st = await fsp.lstat(linkSource!);
        } catch {
          throw badHardlinkTarget(entry, 'missing');
        }
        if (st.isDirectory()) throw badHardlinkTarget(entry, 'directory');
        await fsp.link(linkSource!, target);
        continue; // shares the target's inode and metadata
      }
    }

    await applyMetadata(target, entry, sameOwner, opts.chown, opts.idMap);
    if (entry.type === 'dir') dirTimes.push({ p: target, mtime: entry.mtime });
    for (const [name, value] of Object.entries(entry.xattrs)) {
      if (ALLOWED_XATTR.test(name)) xattrs.push({ file: target, name, value });
    }
  }

  await barrier();
  if (whiteoutHostPaths.length) await makeOverlayWhiteouts(whiteoutHostPaths);
  if (opaqueHostDirs.length) await runTool('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', '--', ...opaqueHostDirs]);
  if (xattrs.length) await restoreXattrs(xattrs);
  // Directory times last: creating entries inside a directory changes its mtime.
  // A directory's time is cosmetic: one that cannot be set (removed by a later entry) is left.
  for (const d of dirTimes.reverse()) await bestEffort(fsp.lutimes(d.p, d.mtime, d.mtime), `setting the time of ${d.p}`);
  return result;
}


async function applyMetadata(target: string, e: TarReadEntry, sameOwner: boolean, chown?: { uid: number; gid: number }, idMap?: IdMapFn): Promise<void> {
  const asked = chown ?? (sameOwner ? { uid: e.uid, gid: e.gid } : undefined);
  const owner = asked && idMap ? idMap(asked) : asked;
  // A new file already belongs to us: skip the chown when that is the owner asked for.
  const chowned = owner !== undefined && !(owner.uid === MY_UID && owner.gid === MY_GID);
  if (chowned) await fsp.lchown(target, owner.uid, owner.gid);
  // chmod after chown (chown clears setuid/setgid); not needed when open/mkdir already gave the mode.
  const mode = e.mode & 0o7777;
  const created = e.type === 'dir' ? 0o700 : mode & 0o777 & ~UMASK;
  if (e.type !== 'symlink' && (chowned || mode !== created)) await fsp.chmod(target, mode);
  if (e.type !== 'dir') await fsp.lutimes(target, e.mtime, e.mtime);
}

/** overlayfs whiteouts are 0:0 character devices; Node has no mknod, so one shell does them all. */
export async function makeOverlayWhiteouts(hostPaths: string[]): Promise<void> {
  for (let i = 0; i < hostPaths.length; i += 500) {
    const chunk = hostPaths.slice(i, i + 500);
    await runTool('sh', ['-c', 'for p do mknod -m 0 "$p" c 0 0 || exit 1; done', 'sh', ...chunk]);
  }
}

function escapeGetfattrPath(p: string): string {
  return Buffer.from(p, 'utf8')
    .toString('latin1')
    .replace(/[\\\x00-\x20\x7f-\xff]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));
}

/** Applies extended attributes (file capabilities) in one `setfattr --restore` run. */
async function restoreXattrs(list: PendingXattr[]): Promise<void> {
  const dump = list.map((x) => `# file: ${escapeGetfattrPath(x.file)}\n${x.name}=0s${x.value.toString('base64')}\n`).join('\n');
  await runTool('setfattr', ['-h', '--restore=-'], dump);
}
