// The classic builder's cache, kept on disk so it survives daemon restarts: a step's cache key
// (cache-key.ts) → the image that step produced. One small JSON file per entry under
// <dataRoot>/build-cache/, each written atomically (temp + fsync + rename), so a crash loses at
// most the entry being written and never leaves a torn index. Entries whose image is gone are
// ignored by the builder (hasImage) and dropped here on load and on prune.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { atomicWriteJson, readJsonOrSkip, sweepTempFiles } from '../../util/fs.js';
import { bestEffort } from '../../util/best-effort.js';
import type { BuildCacheStore } from './backend.js';
import type { CacheEntryFacts } from './cache-usage.js';

interface CacheEntryFile {
  key: string;
  imageId: string;
  created: string;
  /** When a build last took this step from the cache (BuildKit's LastUsedAt), and how often. */
  lastUsed?: string;
  usageCount?: number;
}

export interface CachePruneResult {
  /** Keys of the removed entries. */
  CachesDeleted: string[];
  /** Image IDs the removed entries pointed at (the caller decides whether to delete them). */
  images: string[];
}

const KEY_RE = /^[a-f0-9]{64}$/;

export class BuildCacheFileStore implements BuildCacheStore {
  private readonly dir: string;
  private readonly entries = new Map<string, CacheEntryFile>();

  constructor(
    dataRoot: string,
    /** Answers whether an image still exists; entries for removed images are dead. */
    private readonly imageExists: (imageId: string) => boolean,
  ) {
    this.dir = path.join(dataRoot, 'build-cache');
  }

  async init(): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await sweepTempFiles(this.dir, 0);
    this.entries.clear();
    for (const name of await fsp.readdir(this.dir)) {
      const key = name.replace(/\.json$/, '');
      if (!KEY_RE.test(key) || !name.endsWith('.json')) continue;
      const e = await readJsonOrSkip<CacheEntryFile>(path.join(this.dir, name), 'build cache entry');
      if (!e || e.key !== key || typeof e.imageId !== 'string') {
        await fsp.rm(path.join(this.dir, name), { force: true });
        continue;
      }
      this.entries.set(key, e);
    }
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  /** The image a step's key leads to; a hit counts as a use (LastUsedAt, UsageCount, prune's `until`). */
  async get(key: string): Promise<string | undefined> {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (!this.imageExists(e.imageId)) return undefined;
    const used: CacheEntryFile = { ...e, lastUsed: new Date().toISOString(), usageCount: (e.usageCount ?? 0) + 1 };
    this.entries.set(key, used);
    // The use only ages the entry more slowly; a build must not fail for want of recording it.
    await bestEffort(atomicWriteJson(this.file(key), used), `recording the use of build cache entry ${key}`);
    return e.imageId;
  }

  async put(key: string, imageId: string): Promise<void> {
    if (!KEY_RE.test(key)) throw new Error(`invalid build cache key ${key}`);
    const prev = this.entries.get(key);
    if (prev && prev.imageId === imageId) return;
    const e: CacheEntryFile = { key, imageId, created: new Date().toISOString() };
    await atomicWriteJson(this.file(key), e);
    this.entries.set(key, e);
  }

  /** Number of live entries (for `system df` and tests). */
  size(): number {
    return this.entries.size;
  }

  /** All entries (live and dead), for `system df`. */
  list(): CacheEntryFacts[] {
    return [...this.entries.values()].map(({ key, imageId, created, lastUsed, usageCount }) => ({ key, imageId, created, lastUsed, usageCount }));
  }

  /**
   * `builder prune`: drops entries. A dead image's entry always goes; with `until` (ms since the
   * epoch) only entries last used (else created) before it, as BuildKit's keep-duration; else
   * every entry: the classic cache has no notion of "in use" beyond the images themselves.
   */
  async prune(o: { until?: number } = {}): Promise<CachePruneResult> {
    const deleted: string[] = [];
    const images = new Set<string>();
    for (const e of [...this.entries.values()]) {
      const dead = !this.imageExists(e.imageId);
      if (!dead && o.until !== undefined && Date.parse(e.lastUsed ?? e.created) >= o.until) continue;
      await fsp.rm(this.file(e.key), { force: true });
      this.entries.delete(e.key);
      deleted.push(e.key);
      if (!dead) images.add(e.imageId);
    }
    return { CachesDeleted: deleted, images: [...images] };
  }
}
