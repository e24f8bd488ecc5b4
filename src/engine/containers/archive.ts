// Files in and out of containers: cp (archive endpoints), export, diff, commit. Paths are resolved
// inside the container's root (symlinks never lead out) and through its mounts (volumes, binds),
// so `cp` sees what the container sees.
import { promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { extractTar, resolveInRoot, tarDirectory, diffOverlayUpper, overlayUpperToLayerTar, type ChangeItem, type TarEntry } from '../../archive/index.js';
import { isMountPoint, mountRootfs, unmountRootfs } from '../storage/rootfs.js';
import type { ContainerService } from './service.js';
import type { ContainerRecord } from './types.js';
import type { ContainerConfigDefaults, ImageRecord } from '../images/store.js';
import { applyConfigChanges } from '../images/config-changes.js';
import { bestEffort } from '../../util/best-effort.js';

export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** Go's os.FileMode bits, which the docker CLI decodes from X-Docker-Container-Path-Stat. */
export function goFileMode(st: Stats): number {
  let m = st.mode & 0o777;
  if (st.mode & 0o4000) m |= 1 << 23;
  if (st.mode & 0o2000) m |= 1 << 22;
  if (st.mode & 0o1000) m |= 1 << 20;
  if (st.isDirectory()) m |= 2 ** 31;
  else if (st.isSymbolicLink()) m |= 1 << 27;
  else if (st.isFIFO()) m |= 1 << 25;
  else if (st.isSocket()) m |= 1 << 24;
  else if (st.isCharacterDevice()) m |= (1 << 26) | (1 << 21);
  else if (st.isBlockDevice()) m |= 1 << 26;
  return m >>> 0;
}

export class ContainerFiles {
  /**
   * Copies under way per container whose rootfs berthd mounted for them (a stopped container's):
   * the last one to finish unmounts it, so one copy never pulls the rootfs from under another.
   */
  private copyMounts = new Map<string, { users: number; ready: Promise<void> }>();

  constructor(private svc: ContainerService) {}

  /** Rootfs mounts held for copies right now (berthd's resource report). */
  get mountedForCopies(): number {
    return this.copyMounts.size;
  }

  /**
   * Makes the container's rootfs available for a copy: mounted for it if it is not (a stopped
   * container); `release` (idempotent) unmounts it when the last such copy is done.
   */
  private async acquireRootfs(rec: ContainerRecord): Promise<{ merged: string; release: () => Promise<void> }> {
    const fs = this.svc.rootfs(rec.id);
    let held = this.copyMounts.get(rec.id);
    if (held) held.users++;
    else if (rec.driver === 'vfs' || (await isMountPoint(fs.merged))) return { merged: fs.merged, release: async () => undefined };
    else if ((held = this.copyMounts.get(rec.id))) held.users++;
    else {
      const ready = (async () => {
        const layers = await this.svc.lowerDirs(rec);
        await mountRootfs(rec.driver, fs, layers);
      })();
      held = { users: 1, ready };
      this.copyMounts.set(rec.id, held);
    }
    const entry = held;
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      if (--entry.users > 0) return;
      if (this.copyMounts.get(rec.id) === entry) this.copyMounts.delete(rec.id);
      // A container started meanwhile uses the mount itself.
      if (!rec.state.Running) await bestEffort(unmountRootfs(rec.driver, fs), `unmounting the copy rootfs of ${rec.id}`);
    };
    try {
      await entry.ready;
    } catch (e) {
      await release();
      throw e;
    }
    return { merged: fs.merged, release };
  }

  /** Runs fn with the container's rootfs mounted (a stopped container's is mounted for the call). */
  async withRootfs<T>(rec: ContainerRecord, fn: (merged: string) => Promise<T>): Promise<T> {
    const { merged, release } = await this.acquireRootfs(rec);
    try {
      return await fn(merged);
    } finally {
      await release();
    }
  }

  /**
   * A stream read from the container's rootfs, which stays mounted until the stream closes: at
   * its end, on an error, or when the consumer destroys it (a client gone mid-copy).
   */
  private async streamFromRootfs(rec: ContainerRecord, open: (merged: string) => Promise<Readable>): Promise<Readable> {
    const { merged, release } = await this.acquireRootfs(rec);
    let stream: Readable;
    try {
      stream = await open(merged);
    } catch (e) {
      await release();
      throw e;
    }
    stream.once('close', () => void release());
    return stream;
  }

  /** Host path of a container path: through the deepest mount covering it, else the rootfs. */
  async hostPath(rec: ContainerRecord, merged: string, p: string, followFinal = false): Promise<string> {
    const clean = path.posix.normalize('/' + p);
    let best: { dest: string; source: string } | undefined;
    for (const m of rec.mounts) {
      if (m.Type === 'tmpfs' || !m.Source) continue;
      if (clean === m.Destination || clean.startsWith(m.Destination.replace(/\/$/, '') + '/')) {
        if (!best || m.Destination.length > best.dest.length) best = { dest: m.Destination, source: m.Source };
      }
    }
    if (best) return resolveInRoot(best.source, path.posix.relative(best.dest, clean), { followFinal });
    return resolveInRoot(merged, clean, { followFinal });
  }

  async stat(ref: string, p: string): Promise<PathStat> {
    const rec = this.svc.get(ref);
    return this.withRootfs(rec, async (merged) => {
      const host = await this.hostPath(rec, merged, p);
      const st = await fsp.lstat(host).catch(() => {
        throw new NotFoundError(`Could not find the file ${p} in container ${ref}`);
      });
      return {
        name: path.posix.basename(p) || '/',
        size: st.size,
        mode: goFileMode(st),
        mtime: st.mtime.toISOString().replace(/\.\d+Z$/, 'Z'),
        linkTarget: st.isSymbolicLink() ? await fsp.readlink(host) : '',
      };
    });
  }

  /**
   * GET /containers/{id}/archive: the stat and a tar of the path (a directory as itself, named by
   * its basename, as docker cp expects). A stopped container's rootfs is mounted until the stream closes.
   */
  async getArchive(ref: string, p: string): Promise<{ stat: PathStat; stream: Readable }> {
    const rec = this.svc.get(ref);
    const stat = await this.stat(ref, p);
    const base = path.posix.basename(path.posix.normalize('/' + p)) || '.';
    const stream = await this.streamFromRootfs(rec, async (merged) => tarDirectory(await this.hostPath(rec, merged, p, /\/\.?$/.test(p)), { name: base, transform: this.ownersSeenInside(rec) }));
    return { stat, stream };
  }

  /** A remapped container's files leave with the owners its processes see, as dockerd's archives. */
  private ownersSeenInside(rec: ContainerRecord): ((e: TarEntry) => TarEntry) | undefined {
    const map = this.svc.remapFor(rec)?.toContainerIds;
    return map && ((e) => ({ ...e, ...map({ uid: e.uid ?? 0, gid: e.gid ?? 0 }) }));
  }

  /** PUT /containers/{id}/archive: extracts a tar into a directory of the container. */
  async putArchive(ref: string, p: string, body: Readable, o: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean }): Promise<void> {
    const rec = this.svc.get(ref);
    if (rec.hostConfig.ReadonlyRootfs) {
      const onMount = rec.mounts.some((m) => m.RW && m.Type !== 'tmpfs' && (p === m.Destination || p.startsWith(m.Destination + '/')));
      if (!onMount) throw new InvalidArgumentError('container rootfs is marked read-only');
    }
    try {
      await this.withRootfs(rec, async (merged) => {
        const host = await this.hostPath(rec, merged, p, true);
        const st = await fsp.stat(host).catch(() => {
          throw new NotFoundError(`Could not find the file ${p} in container ${ref}`);
        });
        if (!st.isDirectory()) throw new InvalidArgumentError('extraction point is not a directory');
        await extractTar(body, host, { whiteouts: 'none', noOverwriteDirNonDir: o.noOverwriteDirNonDir, sameOwner: true, idMap: this.svc.remapFor(rec)?.toHostIds });
      });
    } finally {
      this.svc.rwSizes.forget(rec.id); // after the last write: a size measured meanwhile is not kept
    }
  }

  /** The container's whole filesystem as a tar; a stopped container's rootfs is mounted until the stream closes. */
  async export(ref: string): Promise<Readable> {
    const rec = this.svc.get(ref);
    return this.streamFromRootfs(rec, async (merged) => tarDirectory(merged, { transform: this.ownersSeenInside(rec) }));
  }

  async changes(ref: string): Promise<ChangeItem[]> {
    const rec = this.svc.get(ref);
    if (rec.driver === 'vfs') throw new InvalidArgumentError('diff is not supported with the vfs storage driver');
    const lowers = this.svc.o.images.find(rec.image) ? await this.svc.o.images.layerDirs(rec.image) : [];
    const items = await diffOverlayUpper(this.svc.rootfs(rec.id).upper, lowers);
    // The generated files are bind mounts, never part of the container's changes.
    return items.filter((i) => !['/etc/hostname', '/etc/hosts', '/etc/resolv.conf'].includes(i.Path) || i.Kind !== 1);
  }

  /** POST /commit: a new image from the container's changes over its image. */
  async commit(ref: string, o: { repo?: string; tag?: string; comment?: string; author?: string; changes?: string[]; pause?: boolean; config?: Partial<ContainerConfigDefaults> }): Promise<ImageRecord> {
    const rec = this.svc.get(ref);
    const pause = o.pause !== false && rec.state.Running && !rec.state.Paused;
    if (pause) await this.svc.pause(rec.id);
    try {
      const c = rec.config;
      let config: ContainerConfigDefaults = {
        Hostname: c.Hostname, Domainname: c.Domainname, User: c.User, AttachStdin: false, AttachStdout: false, AttachStderr: false,
        ExposedPorts: c.ExposedPorts, Tty: false, OpenStdin: false, StdinOnce: false, Env: c.Env, Cmd: c.Cmd, Image: rec.image,
        Volumes: c.Volumes, WorkingDir: c.WorkingDir, Entrypoint: c.Entrypoint, OnBuild: null, Labels: c.Labels, StopSignal: c.StopSignal,
      };
      if (o.config) config = { ...config, ...stripEmpty(o.config) };
      if (o.changes?.length) config = applyConfigChanges(config as any, o.changes) as ContainerConfigDefaults;
      const layer =
        rec.driver === 'vfs'
          ? tarDirectory(this.svc.rootfs(rec.id).merged)
          : overlayUpperToLayerTar(this.svc.rootfs(rec.id).upper, { idMap: this.svc.remapFor(rec)?.toContainerIds });
      const tag = o.repo ? `${o.repo}${o.tag ? ':' + o.tag : ''}` : undefined;
      const img = await this.svc.o.images.createFromLayer({
        parent: rec.image,
        layer,
        config,
        history: { created_by: [rec.path, ...rec.args].join(' '), comment: o.comment, author: o.author },
        author: o.author,
        tag,
      });
      this.svc.emit(rec, 'commit', { comment: o.comment ?? '', imageID: img.id, imageRef: tag ?? '' });
      return img;
    } finally {
      if (pause) await bestEffort(this.svc.unpause(rec.id), `unpausing ${rec.id} after commit`);
    }
  }
}

function stripEmpty(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0) continue;
    out[k] = v;
  }
  return out;
}
