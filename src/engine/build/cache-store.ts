// The classic builder's cache, kept on disk so it survives daemon restarts: a step's cache key
// (cache-key.ts) → the image that step produced. One small JSON file per entry under
// <dataRoot>/build-cache/, each written atomically (temp + fsync + rename), so a crash loses at
// most the entry being written and never leaves a torn index. Entries whose image is gone are
// ignored by the builder (hasImage) and dropped here on load and on prune.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { atomicWriteJson, readJsonOrSkip, sweepTempFiles } from '../../util/fs.js';
import type { BuildCacheStore } from './backend.js';

interface CacheEntryFile {
  key: string;
  imageId: string;
  created: string;
  lastUsed?: string;
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

  async get(key: string): Promise<string | undefined> {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (!this.imageExists(e.imageId)) return undefined;
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

  /** All entries (live and dead), for `system df`-like reporting. */
  list(): Array<{ key: string; imageId: string; created: string }> {
    return [...this.entries.values()].map(({ key, imageId, created }) => ({ key, imageId, created }));
  }

  /**
   * `builder prune`: drops entries. `all` (or a dead image) removes an entry; without `all`, only
   * entries older than `until` (ms since epoch) when given, else every entry: the classic cache
   * has no notion of "in use" beyond the images themselves.
   */
  async prune(o: { until?: number } = {}): Promise<CachePruneResult> {
    const deleted: string[] = [];
    const images = new Set<string>();
    for (const e of [...this.entries.values()]) {
      const dead = !this.imageExists(e.imageId);
      if (!dead && o.until !== undefined && Date.parse(e.created) >= o.until) continue;
      await fsp.rm(this.file(e.key), { force: true });
      this.entries.delete(e.key);
      deleted.push(e.key);
      if (!dead) images.add(e.imageId);
    }
    return { CachesDeleted: deleted, images: [...images] };
  }
}
