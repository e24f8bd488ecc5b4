// The real BuildBackend: the classic builder (builder.ts) over the engine. RUN steps are real
// containers (ContainerService create/start/wait, output followed from conmon's log file),
// COPY/ADD/WORKDIR write into a temporary overlay over the parent's layers, and every step
// becomes an image through ImageStore.createFromLayer with the builder's history strings.
//
// BuildService (engine.builds) owns what outlives one build: the persistent cache, the scratch
// directory <dataRoot>/build-tmp (contexts, overlays; swept at start-up, mounts included), and
// the builds in flight (cancel).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { BuildContextCache } from './context-cache.js';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine.js';
import { buildPruneUntil, type Filters } from '../filters.js';
import type { ImageRecord } from '../images/store.js';
import { ensureImage } from '../images/pull.js';
import type { JsonMessage } from '../images/distribution-progress.js';
import { findOpaqueDirs, overlayUpperToLayerTar, tarDirectory, type IdMapFn } from '../../archive/index.js';
import { createRootfs, mountRootfs, removeRootfs, rootfsPaths, unmountRootfs, type RootfsPaths } from '../storage/rootfs.js';
import { copyRecord, LogFollower } from '../runtime/logfile.js';
import type { CreateRequest } from '../containers/create.js';
import { runTool } from '../../archive/tools.js';
import type { BaseImage, BuildBackend, CommitOptions, MountedImage, RunConfig, RunOptions, WritableLayer } from './backend.js';
import { build, type BuildOptions, type BuildResult } from './builder.js';
import type { BuildOutput } from './output.js';
import { BuildCacheFileStore } from './cache-store.js';
import { classicCacheRecords } from './cache-usage.js';
import type { BuildCacheRecord } from '../../api-types/system.js';
import { cacheFromHit } from './cache-from.js';
import { lstatIfExists } from '../../util/fs.js';
import { bestEffort } from '../../util/best-effort.js';
import { removeTree, sweepTree } from '../../util/remove-tree.js';

/**
 * Files and directories a container's runtime creates in its root only to mount over them
 * (Docker keeps these in the container's init layer, so they never reach a commit).
 */
const MOUNTPOINT_ARTIFACTS: Array<{ rel: string; kind: 'file' | 'dir' }> = [
  { rel: 'etc/hosts', kind: 'file' },
  { rel: 'etc/hostname', kind: 'file' },
  { rel: 'etc/resolv.conf', kind: 'file' },
  { rel: '.dockerenv', kind: 'file' },
  { rel: 'proc', kind: 'dir' },
  { rel: 'sys', kind: 'dir' },
  { rel: 'dev', kind: 'dir' },
];

/**
 * Which paths of a RUN container's upper directory are mount-point leftovers rather than changes:
 * the empty files/dirs above, and directories (e.g. `etc`) that hold nothing but such leftovers.
 */
export async function mountpointLeftovers(upper: string): Promise<Set<string>> {
  const skip = new Set<string>();
  for (const a of MOUNTPOINT_ARTIFACTS) {
    const st = await lstatIfExists(path.join(upper, a.rel));
    if (!st) continue;
    if (a.kind === 'file' && st.isFile() && st.size === 0) skip.add(a.rel);
    // /dev is a tmpfs and /proc, /sys are mounts: nothing the step writes lands below them.
    if (a.kind === 'dir' && st.isDirectory()) skip.add(a.rel);
  }
  if (!skip.size) return skip;
  const opaque = await findOpaqueDirs(upper).catch(() => new Set<string>());
  // Parents of leftovers, deepest first, go too when everything in them is skipped.
  const parents = new Set<string>();
  for (const rel of skip) for (let d = path.posix.dirname(rel); d !== '.'; d = path.posix.dirname(d)) parents.add(d);
  for (const d of [...parents].sort((a, b) => b.length - a.length)) {
    if (opaque.has(path.resolve(upper, d))) continue;
    const children = await fsp.readdir(path.join(upper, d)).catch(() => [] as string[]);
    if (children.length && children.every((c) => skip.has(`${d}/${c}`))) skip.add(d);
  }
  return skip;
}

/** True when `upper` holds no change once `skip` is left out. */
async function upperIsEmpty(upper: string, skip: Set<string>): Promise<boolean> {
  const top = await fsp.readdir(upper).catch(() => [] as string[]);
  return top.every((n) => skip.has(n));
}

function baseImageOf(img: ImageRecord): BaseImage {
  const c = img.config as ImageRecord['config'] & { variant?: string };
  return { id: img.id, config: (c.config ?? {}) as RunConfig, os: c.os, architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) };
}

/** A pull progress message as the text line the classic builder streams. */
function progressLine(m: JsonMessage): string | undefined {
  const msg = m as { status?: string; id?: string; progress?: string };
  if (!msg.status || msg.progress) return undefined;
  return `${msg.id ? `${msg.id}: ` : ''}${msg.status}\n`;
}

export interface EngineBackendOptions {
  /** Scratch directory for overlays (under the data root, swept at start-up). */
  tmpRoot: string;
  cache: BuildCacheFileStore;
}

/** One build's view of the engine; tracks what it created so nothing outlives the build. */
export class EngineBuildBackend implements BuildBackend {
  readonly cache: BuildCacheFileStore;
  /** Step containers not yet removed. */
  readonly liveContainers = new Set<string>();
  private readonly openLayers = new Set<RootfsPaths>();

  constructor(
    private readonly engine: Engine,
    private readonly o: EngineBackendOptions,
  ) {
    this.cache = o.cache;
  }

  private get images() {
    return this.engine.images;
  }
  private get containers() {
    return this.engine.containers;
  }

  async getImage(ref: string, opts: { pull: boolean; platform?: string; onProgress?: (line: string) => void }): Promise<BaseImage> {
    const img = await ensureImage(this.engine, ref, {
      pull: opts.pull ? 'always' : 'missing',
      platform: opts.platform,
      progress: (m) => {
        const line = progressLine(m);
        if (line && opts.onProgress) opts.onProgress(line);
      },
    });
    return baseImageOf(img);
  }

  cacheFromHit(parentImageId: string, sources: string[], step: CommitOptions): Promise<string | undefined> {
    return cacheFromHit(this.images, parentImageId, sources, step);
  }

  async hasImage(imageId: string): Promise<boolean> {
    return imageId !== '' && this.images.find(imageId) !== undefined;
  }

  async run(o: RunOptions): Promise<{ containerId: string; exitCode: number }> {
    const c = o.config;
    const req: CreateRequest = {
      Image: o.imageId,
      Cmd: c.Cmd ?? null,
      Entrypoint: c.Entrypoint ?? null,
      Env: c.Env ?? [],
      User: c.User ?? '',
      WorkingDir: c.WorkingDir ?? '',
      Volumes: c.Volumes ?? null,
      Labels: c.Labels ?? {},
      Healthcheck: c.Healthcheck ?? undefined,
      HostConfig: {
        NetworkMode: o.network === 'default' ? undefined : o.network,
        ExtraHosts: o.extraHosts?.length ? o.extraHosts : null,
      },
    };
    const { Id: id } = await this.containers.create(undefined, req);
    this.liveContainers.add(id);
    // A marker per live step container: if the daemon dies mid-build, the next start removes it.
    await fsp.writeFile(stepMarker(this.o.tmpRoot, id), '');
    o.onCreated(id);
    const logPath = this.containers.logPath(id);
    await fsp.writeFile(logPath, '', { flag: 'a' });
    const follower = new LogFollower(logPath, 0, (v) => o.onOutput(copyRecord(v).data, v.stream));
    await follower.start();
    // Registered before start so an instant exit is not missed.
    const exited = this.containers.nextExit(id);
    const onAbort = (): void => void bestEffort(this.containers.kill(id, 'SIGKILL'), `kill of aborted build step ${id}`);
    o.signal?.addEventListener('abort', onAbort);
    try {
      if (o.signal?.aborted) throw new Error('Build cancelled');
      await this.containers.start(id);
      const exitCode = await exited;
      await follower.drain();
      return { containerId: id, exitCode };
    } finally {
      follower.close();
      o.signal?.removeEventListener('abort', onAbort);
    }
  }

  async commitContainer(containerId: string, opts: CommitOptions): Promise<string> {
    const rec = this.containers.get(containerId);
    const fs = this.containers.rootfs(rec.id);
    let layer: Readable | undefined;
    if (rec.driver === 'vfs') {
      layer = tarDirectory(fs.merged);
    } else {
      const skip = await mountpointLeftovers(fs.upper);
      if (!(await upperIsEmpty(fs.upper, skip))) layer = layerTarWithout(fs.upper, skip, this.containers.remapFor(rec)?.toContainerIds);
    }
    const img = await this.images.createFromLayer({
      parent: rec.image,
      layer,
      config: opts.config,
      history: { created_by: opts.createdBy, author: opts.author },
      author: opts.author,
      extra: { container: rec.id, container_config: opts.containerConfig },
    });
    return img.id;
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.containers.remove(containerId, { force: true, volumes: true }).catch((e: { statusCode?: number }) => {
      if (e?.statusCode !== 404) throw e;
    });
    this.liveContainers.delete(containerId);
    await fsp.rm(stepMarker(this.o.tmpRoot, containerId), { force: true });
  }

  /** A temporary overlay (upper over the parent's layers) the builder writes into. */
  private async mountOverlay(parentImageId: string): Promise<RootfsPaths> {
    const dir = path.join(this.o.tmpRoot, `layer-${randomBytes(8).toString('hex')}`);
    const p = rootfsPaths(dir);
    const driver = this.containers.driver;
    const layerDirs = parentImageId ? await this.images.layerDirs(parentImageId) : [];
    this.openLayers.add(p);
    try {
      await createRootfs(driver, p, layerDirs, parentImageId ? this.images.layerInfo(parentImageId) : []);
      await mountRootfs(driver, p, layerDirs);
    } catch (e) {
      await this.releaseOverlay(p);
      throw e;
    }
    return p;
  }

  private async releaseOverlay(p: RootfsPaths): Promise<void> {
    await removeRootfs(this.containers.driver, p);
    this.openLayers.delete(p);
  }

  async openLayer(parentImageId: string): Promise<WritableLayer> {
    const p = await this.mountOverlay(parentImageId);
    const driver = this.containers.driver;
    return {
      root: p.merged,
      commit: async (opts: CommitOptions): Promise<string> => {
        let layer: Readable | undefined;
        let layerDir: { dir: string; tarOf: (dir: string) => Readable } | undefined;
        if (driver === 'vfs') layer = tarDirectory(p.merged);
        else {
          // Once the overlay is gone the upper dir is exactly a layer in the store's form: it is
          // moved into the store rather than tarred and extracted again.
          await unmountRootfs(driver, p);
          if (!(await upperIsEmpty(p.upper, new Set()))) layerDir = { dir: p.upper, tarOf: overlayUpperToLayerTar };
        }
        const img = await this.images.createFromLayer({
          parent: parentImageId || undefined,
          layer,
          layerDir,
          config: opts.config,
          history: { created_by: opts.createdBy, author: opts.author },
          author: opts.author,
          extra: { container_config: opts.containerConfig },
        });
        return img.id;
      },
      release: () => this.releaseOverlay(p),
    };
  }

  async commitConfig(parentImageId: string, opts: CommitOptions): Promise<string> {
    const img = await this.images.createFromLayer({
      parent: parentImageId || undefined,
      config: opts.config,
      history: { created_by: opts.createdBy, author: opts.author, empty_layer: true },
      author: opts.author,
      extra: { container_config: opts.containerConfig },
    });
    return img.id;
  }

  /** COPY --from reads through an overlay of the image that is dropped unchanged. */
  async mountImage(imageId: string): Promise<MountedImage> {
    const p = await this.mountOverlay(imageId);
    return { root: p.merged, release: () => this.releaseOverlay(p) };
  }

  async tag(imageId: string, ref: string): Promise<void> {
    await this.images.tag(imageId, ref);
  }

  /** After the build: step containers go (unless kept with --rm=false), overlays are unmounted. */
  async finish(o: { keepContainers: boolean }): Promise<void> {
    for (const id of [...this.liveContainers]) {
      if (o.keepContainers) await fsp.rm(stepMarker(this.o.tmpRoot, id), { force: true });
      else await bestEffort(this.removeContainer(id), `removal of build step container ${id}`);
    }
    for (const p of [...this.openLayers]) await bestEffort(this.releaseOverlay(p), `unmount of build overlay ${p}`);
  }
}

const STEP_MARKER_PREFIX = 'step-';
const stepMarker = (tmpRoot: string, containerId: string): string => path.join(tmpRoot, `${STEP_MARKER_PREFIX}${containerId}`);

/** overlayUpperToLayerTar, leaving out `skip` (paths relative to the upper dir). */
function layerTarWithout(upper: string, skip: Set<string>, idMap?: IdMapFn): Readable {
  if (!skip.size) return overlayUpperToLayerTar(upper, { idMap });
  // Leftovers are dropped from a hard-linked shadow of the upper dir: cheap (no data copied),
  // and the whiteout/opaque conversion stays in one place (overlayUpperToLayerTar).
  return lazyReadable(async () => {
    const shadow = `${upper}.commit`;
    await fsp.rm(shadow, { recursive: true, force: true });
    await runTool('cp', ['-al', '--', upper, shadow]);
    for (const rel of skip) await fsp.rm(path.join(shadow, rel), { recursive: true, force: true });
    const tar = overlayUpperToLayerTar(shadow, { idMap });
    tar.once('close', () => void fsp.rm(shadow, { recursive: true, force: true }));
    return tar;
  });
}

/** A Readable that is created on first read (lets async preparation precede a stream). */
function lazyReadable(make: () => Promise<Readable>): Readable {
  async function* gen(): AsyncGenerator<Buffer> {
    const r = await make();
    for await (const chunk of r) yield chunk as Buffer;
  }
  return Readable.from(gen(), { objectMode: false });
}

export interface EngineBuildOptions extends Omit<BuildOptions, 'signal'> {
  /** Client-chosen build ID (`buildid` query) for /build/cancel. */
  buildId?: string;
}

/** engine.builds: runs builds, owns the persistent cache and the scratch directory. */
export class BuildService {
  private cacheStore?: BuildCacheFileStore;
  private ready?: Promise<void>;
  private readonly running = new Map<string, AbortController>();
  /** Contexts synced by clients (berth's CLI) and kept between builds. */
  readonly contexts = new BuildContextCache(async () => {
    await this.init();
    return this.tmpRoot;
  });

  constructor(private readonly engine: Engine) {}

  get tmpRoot(): string {
    return this.engine.dataPath('build-tmp');
  }

  /** Loads the cache and sweeps what a crashed daemon left in build-tmp (unmounting first). */
  init(): Promise<void> {
    this.ready ??= (async () => {
      await fsp.mkdir(this.tmpRoot, { recursive: true, mode: 0o700 });
      const mounts = (await fsp.readFile('/proc/self/mountinfo', 'utf8').catch(() => ''))
        .split('\n')
        .map((l) => l.split(' ')[4])
        .filter((m): m is string => !!m && m.startsWith(this.tmpRoot + '/'))
        .sort((a, b) => b.length - a.length);
      for (const m of mounts) await bestEffort(runTool('umount', ['-l', m]), `unmount of leftover build mount ${m}`);
      for (const name of await fsp.readdir(this.tmpRoot)) {
        // Step containers of a build the daemon did not live to finish.
        if (name.startsWith(STEP_MARKER_PREFIX)) {
          const id = name.slice(STEP_MARKER_PREFIX.length);
          if (this.engine.containers.store.find(id)) await bestEffort(this.engine.containers.remove(id, { force: true, volumes: true }), `removal of leftover build step container ${id}`);
        }
        await sweepTree(path.join(this.tmpRoot, name), 'build scratch');
      }
      const cache = new BuildCacheFileStore(this.engine.dataRoot, (id) => this.engine.images.find(id) !== undefined);
      await cache.init();
      this.cacheStore = cache;
    })();
    return this.ready;
  }

  async cache(): Promise<BuildCacheFileStore> {
    await this.init();
    return this.cacheStore!;
  }

  /** A fresh directory for a build context; the caller removes it (removeScratch). */
  async scratchDir(prefix: string): Promise<string> {
    await this.init();
    return fsp.mkdtemp(path.join(this.tmpRoot, `${prefix}-`));
  }

  async removeScratch(dir: string): Promise<void> {
    if (!dir.startsWith(this.tmpRoot + '/')) return;
    await removeTree(dir);
  }

  /** Runs one build; step containers and overlays are cleaned up however it ends. */
  async build(opts: EngineBuildOptions, output: BuildOutput, signal?: AbortSignal): Promise<BuildResult> {
    const cache = await this.cache();
    const backend = new EngineBuildBackend(this.engine, { tmpRoot: this.tmpRoot, cache });
    const ac = new AbortController();
    const onAbort = (): void => ac.abort();
    signal?.addEventListener('abort', onAbort);
    if (signal?.aborted) ac.abort();
    if (opts.buildId) this.running.set(opts.buildId, ac);
    try {
      return await build(backend, { ...opts, signal: ac.signal }, output);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (opts.buildId && this.running.get(opts.buildId) === ac) this.running.delete(opts.buildId);
      // As dockerd's evaluator: with --rm (the default) a step's container goes when the step
      // succeeds, so what is left here is the failed step's, which stays for the user to debug
      // unless --force-rm; with --rm=false every one stays. A cancelled build's go (dockerd
      // removes the container it was running).
      await backend.finish({ keepContainers: !opts.forceRemove && (!ac.signal.aborted || opts.remove === false) });
    }
  }

  /** /build/cancel: aborts the build with that ID; true when there was one. */
  cancel(buildId: string): boolean {
    const ac = this.running.get(buildId);
    if (!ac) return false;
    ac.abort();
    return true;
  }

  /**
   * GET /system/df's BuildCache: the classic cache's entries (cache-usage.ts) and the contexts kept
   * for clients that sync them (BuildKit's `source.local` records). `topLevelLayers`: the layers of
   * the images `docker images` lists, whose bytes Images already counts.
   */
  async diskUsage(topLevelLayers: ReadonlySet<string>): Promise<BuildCacheRecord[]> {
    const cache = await this.cache();
    const images = this.engine.images;
    const records: BuildCacheRecord[] = classicCacheRecords({
      entries: cache.list(),
      image: (id) => {
        const img = images.find(id);
        if (!img) return undefined;
        return { layers: img.layers, parent: img.parent, createdBy: img.config.history?.at(-1)?.created_by ?? '' };
      },
      diffSize: (l) => images.layers.get(l)?.size ?? 0,
      topLevelLayers,
    });
    for (const c of this.contexts.usage()) {
      records.push({
        ID: c.id,
        Parents: null,
        Type: 'source.local',
        Description: 'local source for context',
        InUse: c.inUse,
        Shared: false,
        Size: c.size,
        CreatedAt: new Date(c.created).toISOString(),
        LastUsedAt: new Date(c.lastUsed).toISOString(),
        UsageCount: c.uses,
      });
    }
    return records;
  }

  /**
   * `builder prune`: drops cache entries and deletes the images they pointed at when nothing else
   * needs them (untagged, no children, no container), with their now-dangling parents.
   */
  async prune(filters: Filters = new Map()): Promise<{ CachesDeleted: string[] | null; SpaceReclaimed: number }> {
    const o = { until: buildPruneUntil(filters) };
    const cache = await this.cache();
    const { CachesDeleted, images } = await cache.prune(o);
    // Synced contexts are cache too (BuildKit's prune drops its local source snapshots likewise).
    let space = await this.contexts.clear(o.until);
    const layerSizes = new Map(this.engine.images.layers.all().map((l) => [l.chainId, l.size] as [string, number]));
    for (const id of images) {
      const img = this.engine.images.find(id);
      if (!img || img.repoTags.length || img.repoDigests.length) continue;
      if (this.engine.images.children(id).length || this.engine.containers.usersOfImage(id).length) continue;
      const removed = await this.engine.images.remove(id, {}).catch(() => []);
      for (const r of removed) if (r.Deleted && layerSizes.has(r.Deleted)) space += layerSizes.get(r.Deleted)!;
    }
    // As dockerd (API 1.42+): followers of the event stream (the dashboard's disk use) learn of it.
    this.engine.events.publish('builder', 'prune', '', { reclaimed: String(space) });
    return { CachesDeleted: CachesDeleted.length ? CachesDeleted : null, SpaceReclaimed: space };
  }
}
