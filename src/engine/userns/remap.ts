// The engine's side of --userns-remap: the remapped root, the idmapped view of the image layers
// that remapped containers' overlays stack, and each container's user-namespace file.
//
// Layers stay on disk as unpacked (owned by host root, shared by every container of this data
// root); one idmapped mount of the layers directory shows them shifted into the remap range, so a
// container's root sees the image's root-owned files as its own. Nothing is chowned or copied.
// A container's writable layer (overlay upper) holds shifted IDs, as dockerd's does.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ContainerRecord } from '../containers/types.js';
import { isMountPoint } from '../storage/rootfs.js';
import { removeNetns } from '../network/netns.js';
import { bestEffort } from '../../util/best-effort.js';
import { rootPair, toContainer, toHost, type IdMapping } from './id-mapping.js';
import { idmapMount } from './namespaces.js';

/** What the daemon resolved from `--userns-remap` (src/daemon/userns-remap.ts). */
export interface UsernsRemap {
  user: string;
  group: string;
  mapping: IdMapping;
  /** The per-mapping data root, <data-root>/<uid>.<gid>. */
  dataRoot: string;
}

export class RemappedRoot {
  /** Host uid and gid of a remapped container's root. */
  readonly root: { uid: number; gid: number };
  readonly mapping: IdMapping;
  private readonly layersDir: string;
  private readonly viewDir: string;
  private readonly usernsDir: string;

  constructor(
    readonly remap: UsernsRemap,
    dataRoot: string,
    execRoot: string,
  ) {
    this.mapping = remap.mapping;
    this.root = rootPair(remap.mapping);
    this.layersDir = path.join(dataRoot, 'layers');
    this.viewDir = path.join(dataRoot, 'layers-idmapped');
    this.usernsDir = path.join(execRoot, 'userns');
  }

  /** Mounts the idmapped view of the layers (kept across berthd restarts: one mount per data root). */
  async init(): Promise<void> {
    await fsp.mkdir(this.viewDir, { recursive: true, mode: 0o700 });
    if (await isMountPoint(this.viewDir)) return;
    try {
      await idmapMount(this.layersDir, this.viewDir, this.mapping);
    } catch (e) {
      throw new Error(`userns-remap: idmapped mount of the image layers failed (needs Linux ≥ 5.19 and a filesystem with idmapped mounts): ${(e as Error).message}`, { cause: e });
    }
  }

  /** Whether this container runs in a remapped user namespace (`--userns=host` opts out). */
  applies(rec: ContainerRecord): boolean {
    return rec.hostConfig.UsernsMode !== 'host';
  }

  /** The layers' idmapped paths, for the overlay of a remapped container. */
  layerView(dirs: string[]): string[] {
    return dirs.map((d) => {
      const rel = path.relative(this.layersDir, d);
      return rel.startsWith('..') || path.isAbsolute(rel) ? d : path.join(this.viewDir, rel);
    });
  }

  /** Host owner → the owner the container sees (commit, build: layers store container IDs); unmapped IDs stay. */
  readonly toContainerIds = (ids: { uid: number; gid: number }) => ({ uid: toContainer(this.mapping.uids, ids.uid) ?? ids.uid, gid: toContainer(this.mapping.gids, ids.gid) ?? ids.gid });

  /** Container owner → host owner (cp into the container); IDs beyond the ranges become the remapped root's. */
  readonly toHostIds = (ids: { uid: number; gid: number }) => ({ uid: orElse(() => toHost(this.mapping.uids, ids.uid), this.root.uid), gid: orElse(() => toHost(this.mapping.gids, ids.gid), this.root.gid) });

  /** Where the container's user namespace is bind-mounted while it runs on a network of its own. */
  usernsFile(id: string): string {
    return path.join(this.usernsDir, id);
  }

  /** Lets go of the container's user-namespace file (safe to repeat). */
  releaseUserns(id: string): Promise<void> {
    return removeNetns(this.usernsFile(id));
  }

  /** Start-up: files of containers that no longer run (a crash, or berthd down while they exited). */
  async sweep(isRunning: (id: string) => boolean): Promise<void> {
    const names = await fsp.readdir(this.usernsDir).catch(() => [] as string[]);
    for (const n of names) if (!isRunning(n)) await bestEffort(this.releaseUserns(n), `removing the user namespace file of ${n}`);
  }
}

function orElse(f: () => number, fallback: number): number {
  try {
    return f();
  } catch {
    return fallback;
  }
}
