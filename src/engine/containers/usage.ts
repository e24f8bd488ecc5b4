// What a container uses: disk (SizeRw, SizeRootFs), and which containers use an image or a volume.
import { directorySize } from '../../util/dir-size.js';
import type { ContainerService } from './service.js';

/** SizeRw (the writable layer) and SizeRootFs (it plus the image), as inspect/ps -s/system df show them. */
export async function containerSizes(svc: ContainerService, id: string): Promise<{ rw: number; rootfs: number }> {
  const rec = svc.get(id);
  const rw = await directorySize(svc.rootfs(rec.id).upper).catch(() => 0);
  return { rw, rootfs: rw + (svc.o.images.find(rec.image)?.size ?? 0) };
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
