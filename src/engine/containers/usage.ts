// What a container uses: disk (SizeRw, SizeRootFs), and which containers use an image or a volume.
import { directorySizes } from '../../util/dir-size.js';
import type { ContainerRecord } from './types.js';
import type { ContainerService } from './service.js';

/** SizeRw (the writable layer) and SizeRootFs (it plus the image), as inspect/ps -s/system df show them. */
export async function containerSizes(svc: ContainerService, id: string): Promise<{ rw: number; rootfs: number }> {
  return (await containerSizesOf(svc, [svc.get(id)])).get(id)!;
}

/**
 * The sizes of many containers at once (ps -s, system df): the writable layers nothing can be
 * writing to come from the cache, the others are walked together (directorySizes: one `find`,
 * not a walk per container in turn).
 */
export async function containerSizesOf(svc: ContainerService, recs: ContainerRecord[]): Promise<Map<string, { rw: number; rootfs: number }>> {
  const rw = new Map<string, number>();
  const walk: ContainerRecord[] = [];
  for (const rec of recs) {
    const cached = svc.rwSizes.get(rec);
    if (cached === undefined) walk.push(rec);
    else rw.set(rec.id, cached);
  }
  if (walk.length) {
    const before = walk.map((rec) => svc.rwSizes.stampOf(rec));
    const sizes = await directorySizes(walk.map((rec) => svc.rootfs(rec.id).upper));
    walk.forEach((rec, i) => {
      const n = sizes.get(svc.rootfs(rec.id).upper) ?? 0;
      rw.set(rec.id, n);
      // Kept only when the container was stopped for the whole walk.
      if (before[i] !== undefined) svc.rwSizes.set(rec, before[i], n);
    });
  }
  const out = new Map<string, { rw: number; rootfs: number }>();
  for (const rec of recs) out.set(rec.id, { rw: rw.get(rec.id)!, rootfs: rw.get(rec.id)! + (svc.o.images.find(rec.image)?.size ?? 0) });
  return out;
}

/**
 * SizeRw of containers whose writable layer cannot change: stopped (not running, paused or
 * restarting), measured since the stop and since berthd last wrote into the layer itself (a copy
 * into the container, a start: forget). dockerd walks every layer each time; with 200 containers
 * that walk is what makes system df slow.
 */
export class RwSizeCache {
  private readonly sizes = new Map<string, { stamp: string; rw: number }>();
  /** Writes into a layer by berthd (forget), per container. */
  private readonly writes = new Map<string, number>();

  /** What identifies the layer's content while it cannot change; undefined while it can. */
  stampOf(rec: ContainerRecord): string | undefined {
    const s = rec.state;
    if (s.Running || s.Paused || s.Restarting || s.Status === 'removing') return undefined;
    return `${s.StartedAt}|${s.FinishedAt}|${s.Status}|${this.writes.get(rec.id) ?? 0}`;
  }

  get(rec: ContainerRecord): number | undefined {
    const stamp = this.stampOf(rec);
    const e = this.sizes.get(rec.id);
    return stamp !== undefined && e?.stamp === stamp ? e.rw : undefined;
  }

  /** Records a size measured from a time the stamp was `stamp`; nothing if it has changed since. */
  set(rec: ContainerRecord, stamp: string, rw: number): void {
    if (this.stampOf(rec) === stamp) this.sizes.set(rec.id, { stamp, rw });
    else this.sizes.delete(rec.id);
  }

  /** berthd is writing into the layer (a start, a copy into the container). */
  forget(id: string): void {
    this.sizes.delete(id);
    this.writes.set(id, (this.writes.get(id) ?? 0) + 1);
  }

  /** The container is gone. */
  drop(id: string): void {
    this.sizes.delete(id);
    this.writes.delete(id);
  }
}

/** Which containers use an image (for rmi's conflict rules). */
export function usersOfImage(svc: ContainerService, imageId: string): Array<{ id: string; running: boolean }> {
  return svc.store
    .all()
    .filter((c) => c.image === imageId)
    .map((c) => ({ id: c.id, running: c.state.Running }));
}

/** Which containers mount a volume. */
export function usersOfVolume(svc: ContainerService, name: string): string[] {
  return svc.store
    .all()
    .filter((c) => c.mounts.some((m) => m.Type === 'volume' && m.Name === name))
    .map((c) => c.id);
}
