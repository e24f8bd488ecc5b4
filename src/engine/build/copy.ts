// COPY and ADD as the classic builder performs them (builder/dockerfile/copy.go): source lookup
// with wildcards, content hashes for the cache, destination rules (relative to WORKDIR, trailing
// slash or existing directory means "into"), directory contents rather than the directory,
// ownership (root, --chown, or preserved for --from), local tar auto-extraction for ADD.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { exists, lstatIfExists } from '../../util/fs.js';
import { MY_GID, MY_UID, UMASK } from '../../util/process-identity.js';
import { resolveInScope } from './scoped-path.js';
import { DiskTree, resolveInTree, type SourceTree, type TreeStat } from './source-tree.js';
import { eachLimit } from '../../util/each-limit.js';

export class CopyError extends Error {}

export interface CopyInfo {
  /** Root the path is relative to (context dir, image mount, download dir). */
  root: string;
  /** Slash path relative to root ('' for the root itself). */
  path: string;
  /** `file:<sha256>` / `dir:<sha256>` content hash used in cache keys and history. */
  hash: string;
  /** Remote downloads are never extracted, even by ADD. */
  noDecompress?: boolean;
}

export interface Identity {
  uid: number;
  gid: number;
}

const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);
const isGitUrl = (s: string): boolean => /^(git@|git:\/\/|github\.com\/)/.test(s) || /\.git(#.*)?$/.test(s) && isUrl(s);

function containsWildcards(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '?' || ch === '[') return true;
  }
  return false;
}

/** Go's filepath.Match as a RegExp (`*` and `?` never cross `/`). */
function globToRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '\\' && i + 1 < pattern.length) re += '\\' + pattern[++i];
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new CopyError('syntax error in pattern');
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = '^' + cls.slice(1).replace(/[\]\\]/g, '\\$&');
      else cls = cls.replace(/[\]\\^]/g, '\\$&');
      re += `[${cls}]`;
      i = end;
    } else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(re + '$', 's');
}

/** `name` goes into the hash (the path as the Dockerfile gave it); `rel` is where it is read. */
async function hashEntry(tree: SourceTree, rel: string, st: TreeStat, name = rel): Promise<string> {
  const known = tree.hashMemo?.get(rel, name);
  if (known) return known;
  // Like tarsum v1: name, mode, owner, size, link target and content; never the mtime, so a
  // touched but unchanged file still hits the cache.
  const link = st.isSymbolicLink() ? await tree.readlink(rel) : '';
  const content = st.isFile() ? await tree.contentDigest(rel, st) : '';
  const hash = createHash('sha256')
    .update(JSON.stringify([name, st.mode, st.uid, st.gid, st.isFile() ? st.size : 0, link]))
    .update(content)
    .digest('hex');
  tree.hashMemo?.set(rel, name, hash);
  return hash;
}

const joinRel = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`);

/** Depth-first, names sorted in each directory; visit gets paths relative to the tree's root. */
async function walk(tree: SourceTree, dir: string, visit: (rel: string, st: TreeStat) => Promise<void>): Promise<void> {
  const names = (await tree.readdir(dir)).sort();
  // One directory's entries are stat'ed together; the visits stay in name order.
  const stats = await Promise.all(names.map((n) => tree.lstat(joinRel(dir, n))));
  for (let i = 0; i < names.length; i++) {
    const st = stats[i];
    if (!st) continue; // gone meanwhile
    const rel = joinRel(dir, names[i]);
    await visit(rel, st);
    if (st.isDirectory()) await walk(tree, rel, visit);
  }
}

/** `dir:`/`multi:` hashes combine the sorted member hashes as Docker's hashStringSlice does. */
export function hashStringSlice(prefix: string, xs: string[]): string {
  return `${prefix}:${createHash('sha256').update(xs.join(',')).digest('hex')}`;
}

/** The single hash a COPY/ADD step is cached and described by. */
export function sourceHash(infos: CopyInfo[]): string {
  return infos.length === 1 ? infos[0].hash : hashStringSlice('multi', infos.map((i) => i.hash));
}

async function infoFor(root: string, tree: SourceTree, rel: string, fromImage: boolean): Promise<CopyInfo> {
  const resolved = await resolveInTree(tree, rel);
  const st = await tree.lstat(resolved);
  if (!st) {
    const statErr = `stat ${rel}: file does not exist`;
    throw new CopyError(fromImage ? statErr : `file not found in build context or excluded by .dockerignore: ${statErr}`);
  }
  if (!st.isDirectory()) return { root, path: rel, hash: 'file:' + (await hashEntry(tree, resolved, st, rel)) };
  const hashes: string[] = [await hashEntry(tree, resolved, st, rel)];
  // The member hashes are sorted, so their order of computation is free: walk, then hash many at once.
  const members: Array<{ rel: string; st: TreeStat }> = [];
  await walk(tree, resolved, async (m, mst) => {
    members.push({ rel: m, st: mst });
  });
  await eachLimit(members, 32, async (m) => {
    hashes.push(await hashEntry(tree, m.rel, m.st));
  });
  return { root, path: rel, hash: hashStringSlice('dir', hashes.sort()) };
}

/**
 * Resolves COPY/ADD source paths under root (context or --from image), wildcards included.
 * `tree` is what is read for lookups and hashes (by default the directory itself).
 */
export async function collectLocalSources(root: string, sources: string[], fromImage: boolean, tree: SourceTree = new DiskTree(root)): Promise<CopyInfo[]> {
  const out: CopyInfo[] = [];
  for (let orig of sources) {
    orig = orig.replace(/^\/+/, '').replace(/^(\.\/)+/, '');
    if (!containsWildcards(orig)) {
      out.push(await infoFor(root, tree, orig === '.' ? '' : orig.replace(/\/+$/, ''), fromImage));
      continue;
    }
    const re = globToRegExp(orig);
    const matches: string[] = [];
    await walk(tree, '', async (rel) => {
      if (re.test(rel)) matches.push(rel);
    });
    for (const rel of matches) out.push(await infoFor(root, tree, rel, fromImage));
  }
  return out;
}

/** Writes heredoc sources (`COPY <<EOF /dst`) into a temp dir and describes them as sources. */
export async function heredocSources(tmpRoot: string, contents: Array<{ path: string; data: string }>): Promise<CopyInfo[]> {
  const out: CopyInfo[] = [];
  for (const c of contents) {
    const rel = path.posix.basename(c.path);
    const full = path.join(tmpRoot, rel);
    await fsp.writeFile(full, c.data, { mode: 0o644 });
    await fsp.chmod(full, 0o644);
    const h = createHash('sha256').update(rel).update('\0').update(c.data).digest('hex');
    out.push({ root: tmpRoot, path: rel, hash: 'file:' + h });
  }
  return out;
}

/** ADD <url>: downloads into tmpRoot; the name is the URL's last path segment. */
export async function downloadSource(url: string, dest: string, tmpRoot: string, checksum: string): Promise<CopyInfo> {
  if (isGitUrl(url)) throw new CopyError(`ADD of a git repository (${url}) is not supported by this builder`);
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(30_000) });
  } catch (e: any) {
    const cause = e?.cause?.message ?? e?.message ?? String(e);
    throw new CopyError(`Get "${url}": ${cause}`);
  }
  if (res.status >= 400) throw new CopyError(`failed to GET ${url} with status ${res.status} ${res.statusText}`);
  const body = Buffer.from(await res.arrayBuffer());
  if (checksum) {
    const [algo, want] = checksum.includes(':') ? checksum.split(':', 2) : ['sha256', checksum];
    if (algo !== 'sha256') throw new CopyError(`unsupported digest algorithm: ${algo}`);
    const got = createHash('sha256').update(body).digest('hex');
    if (got !== want) throw new CopyError(`digest mismatch for ${url}: expected sha256:${want}, got sha256:${got}`);
  }
  let name = '';
  try {
    const p = new URL(url).pathname;
    name = p.endsWith('/') ? '' : path.posix.basename(p);
  } catch {}
  const cd = res.headers.get('content-disposition');
  const m = cd ? /filename="?([^";]+)"?/i.exec(cd) : null;
  if (m) name = path.posix.basename(m[1]);
  if (name === '') {
    if (dest.endsWith('/')) throw new CopyError(`cannot determine filename for source ${url}`);
    name = '__unnamed__';
  }
  const full = path.join(tmpRoot, name);
  await fsp.writeFile(full, body, { mode: 0o600 });
  await fsp.chmod(full, 0o600);
  const lm = res.headers.get('last-modified');
  if (lm && !Number.isNaN(Date.parse(lm))) {
    const t = new Date(lm);
    await fsp.utimes(full, t, t);
  }
  const h = createHash('sha256').update(name).update('\0').update(body).digest('hex');
  return { root: tmpRoot, path: name, hash: 'file:' + h, noDecompress: true };
}

export { isUrl };

/** Docker's normalizeDest: relative destinations are under WORKDIR; a trailing slash is kept. */
export function normalizeDest(workingDir: string, requested: string): string {
  const endsInSlash = requested.endsWith('/');
  if (requested.startsWith('/')) return requested;
  let dest = path.posix.join('/', workingDir || '/', requested);
  if (endsInSlash && !dest.endsWith('/')) dest += '/';
  return dest;
}

export interface PerformCopyOptions {
  /** Owner for everything copied; undefined keeps the source's owner (COPY --from without --chown). */
  identity?: Identity;
  /** --chmod, applied to copied files and directories. */
  mode?: number;
  /** ADD: extract local tar archives. */
  decompress: boolean;
}

/**
 * Copies one source into the layer root at dest. Sources are read through `tree` (by default the
 * directory info.root; a build context's spool index for COPY from the context, so its files are
 * written once, straight into the layer).
 */
export async function performCopy(layerRoot: string, dest: string, src: CopyInfo, o: PerformCopyOptions, tree: SourceTree = new DiskTree(src.root)): Promise<void> {
  const srcRel = await resolveInTree(tree, src.path);
  let destPath = await resolveInScope(layerRoot, dest);
  const st = await tree.lstat(srcRel);
  if (!st) throw new CopyError(`source path not found: ${src.path}`);
  if (st.isDirectory()) {
    const existed = await isDir(destPath);
    await mkdirAll(destPath, o.identity);
    if (!existed) await applyOwnerMode(destPath, o, true);
    await copyTreeContents(tree, srcRel, destPath, o);
    return;
  }
  if (o.decompress && !src.noDecompress && tree instanceof DiskTree && (await isArchive(path.join(tree.root, srcRel)))) {
    await mkdirAll(destPath, o.identity);
    await extractArchive(path.join(tree.root, srcRel), destPath);
    return;
  }
  if ((await isDir(destPath)) || dest.endsWith('/')) {
    destPath = path.join(destPath, path.posix.basename(src.path === '' ? srcRel : src.path));
  }
  await mkdirAll(path.dirname(destPath), o.identity);
  await copyOne(tree, srcRel, destPath, st, o);
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** mkdir -p; directories it creates get 0755 and the identity (root when none is given). */
async function mkdirAll(dir: string, identity?: Identity): Promise<void> {
  const missing: string[] = [];
  let cur = dir;
  while (!(await exists(cur))) {
    missing.unshift(cur);
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  for (const d of missing) {
    await fsp.mkdir(d, { mode: 0o755 });
    await fsp.chmod(d, 0o755);
    if (identity) await fsp.lchown(d, identity.uid, identity.gid);
  }
}

async function applyOwnerMode(p: string, o: PerformCopyOptions, isDirectory: boolean, srcSt?: TreeStat, created?: { mode: number }): Promise<void> {
  const owner = o.identity ?? (srcSt ? { uid: srcSt.uid, gid: srcSt.gid } : undefined);
  // A file this copy just created already has our owner and its creation mode: skip the calls
  // that would not change anything (thousands of files in a context COPY).
  const chowned = owner !== undefined && !(created && owner.uid === MY_UID && owner.gid === MY_GID);
  if (chowned) await fsp.lchown(p, owner.uid, owner.gid);
  const mode = o.mode ?? (srcSt && !srcSt.isSymbolicLink() ? srcSt.mode & 0o7777 : undefined);
  if (mode !== undefined && (chowned || !created || created.mode !== mode)) await fsp.chmod(p, mode);
  void isDirectory;
}


/** `parentSetgid`: new entries in the destination directory inherit its group, not ours. */
async function copyOne(tree: SourceTree, src: string, dst: string, st: TreeStat, o: PerformCopyOptions, parentSetgid = true): Promise<void> {
  if (st.isSymbolicLink()) {
    await fsp.rm(dst, { force: true });
    await fsp.symlink(await tree.readlink(src), dst);
    await applyOwnerMode(dst, { ...o, mode: undefined }, false, st);
    // The link's own times, as Docker's copy keeps them (LUtimesNano), not the moment of copying.
    await fsp.lutimes(dst, st.atime, st.mtime);
    return;
  }
  // Paths below the destination are taken as they are, never through a symlink the image has
  // there (an absolute one would point at the host): a symlink or file in the way is replaced,
  // as Docker's untar replaces it.
  const existing = await lstatIfExists(dst);
  if (st.isDirectory()) {
    if (!existing?.isDirectory()) {
      if (existing) await fsp.rm(dst, { force: true });
      await fsp.mkdir(dst);
    }
    await applyOwnerMode(dst, o, true, st);
    await copyTreeContents(tree, src, dst, o);
    await fsp.utimes(dst, st.atime, st.mtime);
    return;
  }
  if (!st.isFile()) return; // devices, sockets and fifos are not copied from a context
  if (existing && !existing.isFile()) await fsp.rm(dst, { recursive: true, force: true });
  await tree.copyFile(src, st, dst);
  // A new file got (source mode & 0777) less the umask; an existing one kept its own mode.
  const created = existing?.isFile() || parentSetgid ? undefined : { mode: st.mode & 0o777 & ~UMASK };
  await applyOwnerMode(dst, o, false, st, created);
  await fsp.utimes(dst, st.atime, st.mtime);
}

async function copyTreeContents(tree: SourceTree, srcDir: string, dstDir: string, o: PerformCopyOptions): Promise<void> {
  const names = (await tree.readdir(srcDir)).sort();
  const stats = await Promise.all(names.map((n) => tree.lstat(joinRel(srcDir, n))));
  // The entries of one directory have distinct names: files and links are copied many at once,
  // subdirectories one after another (each fans out the same way).
  const idx = names.map((_, i) => i).filter((i) => stats[i] !== undefined);
  const setgid = ((await fsp.stat(dstDir)).mode & 0o2000) !== 0;
  await eachLimit(
    idx.filter((i) => !stats[i]!.isDirectory()),
    32,
    (i) => copyOne(tree, joinRel(srcDir, names[i]), path.join(dstDir, names[i]), stats[i]!, o, setgid),
  );
  for (const i of idx.filter((j) => stats[j]!.isDirectory())) await copyOne(tree, joinRel(srcDir, names[i]), path.join(dstDir, names[i]), stats[i]!, o);
}

/** A local file ADD extracts: a tar, optionally gzip/bzip2/xz/zstd compressed. */
async function isArchive(file: string): Promise<boolean> {
  const fh = await fsp.open(file, 'r');
  const head = Buffer.alloc(512);
  let n: number;
  try {
    ({ bytesRead: n } = await fh.read(head, 0, 512, 0));
  } finally {
    await fh.close();
  }
  const b = head.subarray(0, n);
  const compressed =
    (b[0] === 0x1f && b[1] === 0x8b) ||
    b.subarray(0, 3).toString('latin1') === 'BZh' ||
    b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) ||
    b.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
  if (!compressed && !(n >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar')) return false;
  // Compressed data that is not a tar is copied as a plain file, as Docker does.
  return (await runTar(['-tf', file])) === 0;
}

async function extractArchive(file: string, destDir: string): Promise<void> {
  const code = await runTar(['-xpf', file, '-C', destDir, '--same-owner', '--numeric-owner', '--no-overwrite-dir']);
  if (code !== 0) throw new CopyError(`failed to extract ${path.basename(file)}`);
}

function runTar(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn('tar', args, { stdio: 'ignore' });
    p.on('error', () => resolve(127));
    p.on('close', (code) => resolve(code ?? 1));
  });
}

// ---- --chown ---------------------------------------------------------------------------------

/** Resolves `user[:group]` against the layer's /etc/passwd and /etc/group (numbers pass through). */
export async function resolveChown(layerRoot: string, chown: string): Promise<Identity> {
  const parts = chown.split(':');
  if (parts.length > 2) throw new CopyError('invalid chown string format: ' + chown);
  const [userStr, grpStr] = parts.length === 1 ? [parts[0], parts[0]] : parts;
  const wrap = (msg: string): CopyError => new CopyError(`unable to convert uid/gid chown string to host mapping: ${msg}`);
  let uid: number;
  let gid: number;
  try {
    uid = await lookupId(layerRoot, 'etc/passwd', userStr, 2);
  } catch (e: any) {
    throw wrap(`can't find uid for user ${userStr}: ${e.message}`);
  }
  try {
    gid = await lookupId(layerRoot, 'etc/group', grpStr, 2);
  } catch (e: any) {
    throw wrap(`can't find gid for group ${grpStr}: ${e.message}`);
  }
  return { uid, gid };
}

async function lookupId(root: string, file: string, name: string, idField: number): Promise<number> {
  if (/^-?\d+$/.test(name)) return Number(name);
  const full = await resolveInScope(root, file);
  let text: string;
  try {
    text = await fsp.readFile(full, 'utf8');
  } catch {
    throw new Error(`open /${file}: no such file or directory`);
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length > idField) return Number(f[idField]);
  }
  throw new Error(`no such ${file.endsWith('passwd') ? 'user' : 'group'}: ${name}`);
}

/** Parses --chmod (octal only). */
export function parseChmod(s: string): number {
  if (!/^[0-7]{1,4}$/.test(s)) throw new CopyError(`invalid chmod parameter ${s}. it should be octal string and between 0 and 07777`);
  return parseInt(s, 8);
}

/** A fresh temp dir for downloads and heredoc files. */
export async function makeTempDir(): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), 'berth-build-'));
}
