// `docker system prune` as the docker CLI composes it from the per-kind prune calls (the Engine
// API has no single endpoint): stopped containers, unused networks, optionally unused anonymous
// volumes, dangling (or all unused) images, then the build cache. One home for the order and the
// options: `berth system prune` prints the result, the dashboard's host page shows it.
import type { FilterInput } from '../api-types/common.js';
import type { ImageDeleteItem, ImagePruneResponse } from '../api-types/images.js';
import type { EngineClient } from './client.js';

export interface SystemPruneOptions {
  /** All unused images and all build cache, not only dangling images and unused cache. */
  all?: boolean;
  volumes?: boolean;
  filters?: string[];
}

export interface SystemPruneResult {
  containers: string[];
  networks: string[];
  volumes: string[];
  images: ImageDeleteItem[];
  buildCache: string[];
  /** Bytes freed in all. */
  reclaimed: number;
}

/** `image prune`: dangling images, or with `all` every image no container uses (the CLI's `-a`). */
export function pruneImages(client: EngineClient, o: { all?: boolean; filters?: string[] } = {}): Promise<ImagePruneResponse> {
  return client.images.prune({ filters: [...(o.filters ?? []), `dangling=${o.all ? 'false' : 'true'}`] });
}

/** One removed image as the docker CLI lists it after a prune ("untagged: …" or "deleted: …"). */
export function imageDeletionLine(d: ImageDeleteItem): string {
  return d.Untagged ? `untagged: ${d.Untagged}` : `deleted: ${d.Deleted}`;
}

export async function systemPrune(client: EngineClient, o: SystemPruneOptions = {}): Promise<SystemPruneResult> {
  const filters: FilterInput = o.filters ?? [];
  const out: SystemPruneResult = { containers: [], networks: [], volumes: [], images: [], buildCache: [], reclaimed: 0 };
  const c = await client.containers.prune({ filters });
  out.reclaimed += c.SpaceReclaimed ?? 0;
  out.containers = c.ContainersDeleted ?? [];
  out.networks = (await client.networks.prune({ filters })).NetworksDeleted ?? [];
  if (o.volumes) {
    const v = await client.volumes.prune({ filters });
    out.reclaimed += v.SpaceReclaimed ?? 0;
    out.volumes = v.VolumesDeleted ?? [];
  }
  const i = await pruneImages(client, o);
  out.reclaimed += i.SpaceReclaimed ?? 0;
  out.images = i.ImagesDeleted ?? [];
  try {
    const b = await client.images.pruneBuildCache({ all: o.all });
    out.reclaimed += b.SpaceReclaimed ?? 0;
    out.buildCache = b.CachesDeleted ?? [];
  } catch {
    // A daemon without a build cache endpoint has nothing to prune there.
  }
  return out;
}
