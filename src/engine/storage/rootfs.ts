// A container's root filesystem: overlayfs over the image's unpacked layers (upper and work dirs
// per container), or a full copy (vfs) where the kernel has no overlay. Mounting and unmounting
// are direct system calls (util/mount.ts); the mount(8) and umount(8) binaries are the fallback.
import { execFile } from 'node:child_process';
import { promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LayerMeta } from '../images/layers.js';
import { SystemError } from '../errors.js';
import { sysMount, sysUmount } from '../../util/mount.js';
import { removeTree } from '../../util/remove-tree.js';

export type StorageDriverName = 'overlay' | 'vfs';

/** mount(2) takes at most one page of option data, its terminating NUL included. */
const MOUNT_DATA_LIMIT = 4096;

function run(cmd: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd }, (err, _o, stderr) => (err ? reject(new SystemError(`${cmd} ${args[0] ?? ''}: ${(stderr || err.message).trim()}`)) : resolve()));
  });
}

export function overlaySupported(): boolean {
  try {
    return /\boverlay\b/.test(readFileSync('/proc/filesystems', 'utf8'));
  } catch {
    return false;
  }
}

export function pickDriver(configured: string): StorageDriverName {
  if (configured === 'vfs') return 'vfs';
  if (configured === 'overlay' || configured === 'overlay2') return 'overlay';
  return overlaySupported() ? 'overlay' : 'vfs';
}

export interface RootfsPaths {
  /** The directory holding upper/, work/, merged/ (overlay) or merged/ (vfs). */
  dir: string;
  upper: string;
  work: string;
  merged: string;
}

export function rootfsPaths(dir: string): RootfsPaths {
  return { dir, upper: path.join(dir, 'diff'), work: path.join(dir, 'work'), merged: path.join(dir, 'merged') };
}

/**
 * --userns-remap: the rootfs directory's group is the remapped root's (0710, so the runtime, in
 * the container's user namespace, reaches `merged`), and a remapped container's upper directory
 * (the overlay's root directory) belongs to its remapped root.
 */
export interface RootfsOwner {
  dirGid: number;
  upper?: { uid: number; gid: number };
}

/** Prepares the writable layer once, at create. For vfs it is the full copy of the image. */
export async function createRootfs(driver: StorageDriverName, p: RootfsPaths, layerDirs: string[], layers: LayerMeta[], owner?: RootfsOwner): Promise<void> {
  await fsp.mkdir(p.dir, { recursive: true, mode: 0o710 });
  if (owner) await fsp.chown(p.dir, process.getuid?.() ?? 0, owner.dirGid);
  await fsp.mkdir(p.merged, { recursive: true });
  if (driver === 'overlay') {
    await fsp.mkdir(p.upper, { recursive: true, mode: 0o755 });
    if (owner?.upper) await fsp.chown(p.upper, owner.upper.uid, owner.upper.gid);
    await fsp.mkdir(p.work, { recursive: true, mode: 0o700 });
    return;
  }
  // vfs: copy each layer in order, applying its deletions first.
  for (let i = 0; i < layerDirs.length; i++) {
    const meta = layers[i];
    for (const o of meta?.opaqueDirs ?? []) {
      const d = path.join(p.merged, o);
      for (const e of await fsp.readdir(d).catch(() => [] as string[])) await fsp.rm(path.join(d, e), { recursive: true, force: true });
    }
    for (const w of meta?.whiteouts ?? []) await fsp.rm(path.join(p.merged, w), { recursive: true, force: true });
    await run('cp', ['-a', '--no-preserve=xattr', '--', `${layerDirs[i]}/.`, p.merged]);
    // The copied layer still holds overlay whiteout devices: drop them.
    for (const w of meta?.whiteouts ?? []) await fsp.rm(path.join(p.merged, w), { recursive: true, force: true });
  }
}

/** Mounts the overlay (no-op for vfs). Idempotent: an existing mount is kept. */
export async function mountRootfs(driver: StorageDriverName, p: RootfsPaths, layerDirs: string[]): Promise<void> {
  if (driver === 'vfs') return;
  if (await isMountPoint(p.merged)) return;
  if (layerDirs.length === 0) {
    // scratch image: overlay needs a lower dir; an empty one does.
    const empty = path.join(p.dir, 'empty');
    await fsp.mkdir(empty, { recursive: true });
    layerDirs = [empty];
  }
  // lowerdir lists the top layer first.
  const top = [...layerDirs].reverse();
  const options = (lower: string[]) => `lowerdir=${lower.join(':')},upperdir=${p.upper},workdir=${p.work},index=off`;
  const absolute = options(top);
  if (absolute.length < MOUNT_DATA_LIMIT && (await sysMount('overlay', p.merged, 'overlay', 0, absolute))) return;
  // Too long for one page, or refused: mount(8) in the layers' common parent, with paths relative
  // to it (many layers fit, as in Docker's overlay2), and its own words for any error.
  const base = commonParent(layerDirs);
  await run('mount', ['-t', 'overlay', 'overlay', '-o', options(top.map((d) => path.relative(base, d))), p.merged], base);
}

export async function unmountRootfs(driver: StorageDriverName, p: RootfsPaths): Promise<void> {
  if (driver === 'vfs') return;
  if (await sysUmount(p.merged)) return;
  if (!(await isMountPoint(p.merged))) return;
  try {
    await run('umount', [p.merged]);
  } catch (e) {
    // Busy (an exec'd process holding it): detach lazily, as Docker falls back to.
    await run('umount', ['-l', p.merged]).catch(() => {
      throw e;
    });
  }
}

export async function removeRootfs(driver: StorageDriverName, p: RootfsPaths): Promise<void> {
  // Usually unmounted already (the container exited): look before trying.
  if (driver !== 'vfs' && (await isMountPoint(p.merged))) await unmountRootfs(driver, p);
  await removeTree(p.dir);
}

function commonParent(dirs: string[]): string {
  const split = dirs.map((d) => path.resolve(d).split('/'));
  const first = split[0];
  let n = first.length - 1;
  for (const s of split) {
    let i = 0;
    while (i < n && i < s.length - 1 && s[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join('/') || '/';
}

export async function isMountPoint(p: string): Promise<boolean> {
  const mounts = await fsp.readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const target = path.resolve(p);
  for (const line of mounts.split('\n')) {
    const f = line.split(' ');
    if (f[4] && unescapeMount(f[4]) === target) return true;
  }
  return false;
}

const unescapeMount = (s: string) => s.replace(/\\([0-7]{3})/g, (_m, o) => String.fromCharCode(parseInt(o, 8)));
