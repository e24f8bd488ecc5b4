// GET /system/df as dockerd 28 answers it (daemon/disk_usage.go, the system router's
// getDiskUsage): the images `docker images` lists with SharedSize and how many containers use
// each, LayersSize counting each of their layers once; every container with SizeRw/SizeRootFs;
// local volumes without mount options with UsageData; the build cache. `type` (API 1.42+) picks
// which of them are computed; the others are null. Concurrent requests share one computation of
// each part, as dockerd's singleflight groups do.
import type { BuildCacheRecord, DiskUsageObject, SystemDf } from '../api-types/system.js';
import type { ContainerSummary } from '../api-types/containers.js';
import { apiVersionAtLeast } from '../util/api-version.js';
import type { Engine } from './engine.js';
import { InvalidArgumentError } from './errors.js';
import { containerList } from './containers/views.js';
import { layersSize, sharedSizes, type LayeredImage } from './images/disk-usage.js';
import { listImages } from './images/views.js';

const OBJECTS: readonly DiskUsageObject[] = ['container', 'image', 'volume', 'build-cache'];

export interface DiskUsageRequest {
  /** The `type` query values; empty or absent: everything. */
  types?: string[];
  apiVersion?: string;
}

/** Which parts to compute: every part before API 1.42 or without `type`; an unknown type is a 400. */
export function diskUsageParts(req: DiskUsageRequest): Set<DiskUsageObject> {
  const version = req.apiVersion ?? '1.50';
  if (!apiVersionAtLeast(version, '1.42') || !req.types || req.types.length === 0) return new Set(OBJECTS);
  const out = new Set<DiskUsageObject>();
  for (const t of req.types) {
    if (!(OBJECTS as readonly string[]).includes(t)) throw new InvalidArgumentError(`unknown object type: ${t}`);
    out.add(t as DiskUsageObject);
  }
  return out;
}

/** One computation at a time per key; callers that come meanwhile get the one under way. */
class SharedRuns {
  private readonly running = new Map<string, Promise<unknown>>();
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const now = this.running.get(key) as Promise<T> | undefined;
    if (now) return now;
    const p = fn().finally(() => this.running.delete(key));
    this.running.set(key, p);
    return p;
  }
}

type ImageSummaryView = Record<string, unknown> & { Id: string; SharedSize: number };

export class DiskUsage {
  private readonly shared = new SharedRuns();

  constructor(private readonly engine: Engine) {}

  async compute(req: DiskUsageRequest = {}): Promise<SystemDf> {
    const parts = diskUsageParts(req);
    const version = req.apiVersion ?? '1.50';
    const [images, containers, volumes, buildCache] = await Promise.all([
      parts.has('image') ? this.images(version) : undefined,
      parts.has('container') ? this.shared.run('containers', () => this.containers()) : undefined,
      parts.has('volume') ? this.shared.run('volumes', () => this.engine.volumes.usage()) : undefined,
      parts.has('build-cache') ? this.shared.run('build-cache', () => this.buildCache()) : undefined,
    ]);
    const out: SystemDf = {
      LayersSize: images?.layersSize ?? 0,
      Images: (images?.summaries as SystemDf['Images']) ?? null,
      Containers: containers ?? null,
      Volumes: volumes ?? null,
      BuildCache: buildCache ?? null,
    };
    if (buildCache && !apiVersionAtLeast(version, '1.42')) {
      // Before 1.42 the build cache's total came as BuilderSize, and records had no Parents.
      out.BuilderSize = buildCache.reduce((n, r) => n + r.Size, 0);
      out.BuildCache = buildCache.map(({ Parents: _parents, ...r }) => r);
    }
    return out;
  }

  /** The images `docker images` lists, with SharedSize and their container counts, and LayersSize. */
  private images(apiVersion: string): Promise<{ layersSize: number; summaries: ImageSummaryView[] }> {
    return this.shared.run(`images ${apiVersion}`, async () => {
      const { images, containers } = this.engine;
      const users = new Map<string, number>();
      for (const c of containers.list()) users.set(c.image, (users.get(c.image) ?? 0) + 1);
      const summaries = listImages(images, { all: false, apiVersion, containerCount: (id) => users.get(id) ?? 0 }) as ImageSummaryView[];
      const diffSize = (l: string) => images.layers.get(l)?.size ?? 0;
      const layered = this.layeredImages();
      const shared = sharedSizes(layered, diffSize);
      for (const s of summaries) s.SharedSize = shared.get(s.Id) ?? 0;
      return { layersSize: layersSize(layered, diffSize), summaries };
    });
  }

  /** Every image as its layers, marked when `docker images` lists it. */
  private layeredImages(): LayeredImage[] {
    const all = this.engine.images.list();
    const parents = new Set(all.map((i) => i.parent).filter(Boolean));
    return all.map((i) => ({ id: i.id, layers: i.layers, topLevel: i.repoTags.length > 0 || i.repoDigests.length > 0 || !parents.has(i.id) }));
  }

  /** `ps -a -s`: every container, newest first, with SizeRw and SizeRootFs. */
  private containers(): Promise<ContainerSummary[]> {
    return containerList(this.engine.containers, { all: true, filters: new Map(), size: true });
  }

  private async buildCache(): Promise<BuildCacheRecord[]> {
    const topLevel = new Set<string>();
    for (const i of this.layeredImages()) if (i.topLevel) for (const l of i.layers) topLevel.add(l);
    return this.engine.builds.diskUsage(topLevel);
  }
}
