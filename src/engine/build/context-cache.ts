// Build contexts kept between builds for clients that sync them (berth's CLI): the client sends a
// manifest of its context (paths, modes, sizes and a stat fingerprint per file), berthd answers
// which files it does not already hold with that fingerprint, the client uploads only those, and
// the build then runs on the synced context without any request body. A rebuild with nothing
// changed moves no file data at all. Like BuildKit's local sources, a file whose fingerprint
// (inode, size, mtime, ctime, mode) is unchanged is taken to be unchanged.
//
// Contexts live in memory plus spool files under build-tmp (swept at start-up: a restarted
// daemon simply asks for everything again). At most MAX_CONTEXTS are kept, least recently used
// first out; one whose spools grew far beyond its live content starts afresh on its next sync.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { checkEntrySafety, readTar, safeEntryComponents } from '../../archive/index.js';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { ContextIndex, S_IFDIR, S_IFLNK, S_IFREG, sourceFromIndex, SpoolWriter, type BuildContextSource, type IndexNode } from './context-spool.js';

const MAX_CONTEXTS = 4;
/** Entries per manifest: far above real contexts, low enough to bound memory. */
const MAX_ENTRIES = 1_000_000;

/** One manifest entry: [path, type, mode (permission bits), size, mtime (s), link target, fingerprint]. */
export type ManifestEntry = [string, 'f' | 'd' | 'l', number, number, number, string, string];

export interface ContextManifest {
  /** Chooses which kept context to compare with (the client's context directory, hashed). */
  key: string;
  entries: ManifestEntry[];
}

interface Generation {
  id: string;
  index: ContextIndex;
  /** Files still to be uploaded (path → size). */
  need: Map<string, number>;
  users: number;
}

interface KeptContext {
  key: string;
  dir: string;
  spools: number;
  spoolBytes: number;
  latest?: Generation;
  generations: Map<string, Generation>;
  created: number;
  lastUsed: number;
  /** Builds that read it. */
  uses: number;
}

/** A kept context as GET /system/df reports it (BuildKit's `source.local` record). */
export interface KeptContextUsage {
  id: string;
  size: number;
  inUse: boolean;
  created: number;
  lastUsed: number;
  uses: number;
}

export class BuildContextCache {
  private readonly contexts = new Map<string, KeptContext>();
  private readonly byGeneration = new Map<string, KeptContext>();

  constructor(private readonly root: () => Promise<string>) {}

  /** Takes a manifest; returns the new generation's ID and the files the client must upload. */
  async sync(manifest: ContextManifest): Promise<{ id: string; need: string[] }> {
    if (typeof manifest?.key !== 'string' || !Array.isArray(manifest.entries)) throw new InvalidArgumentError('invalid context manifest');
    if (manifest.entries.length > MAX_ENTRIES) throw new InvalidArgumentError('context manifest too large');
    let kept = this.contexts.get(manifest.key);
    if (kept && this.bloated(kept)) {
      this.contexts.delete(kept.key);
      await this.dropIfUnused(kept);
      kept = undefined;
    }
    if (!kept) {
      const dir = await fsp.mkdtemp(path.join(await this.root(), 'synced-'));
      kept = { key: manifest.key, dir, spools: 0, spoolBytes: 0, generations: new Map(), created: Date.now(), lastUsed: Date.now(), uses: 0 };
      this.contexts.set(manifest.key, kept);
    }
    kept.lastUsed = Date.now();
    const previous = kept.latest?.index;
    const index = new ContextIndex();
    const need = new Map<string, number>();
    for (const e of manifest.entries) {
      if (!Array.isArray(e) || e.length !== 7) throw new InvalidArgumentError('invalid context manifest entry');
      const [p, type, mode, size, mtime, linkname, stamp] = e;
      const comps = safeEntryComponents(String(p));
      if (comps.length === 0) continue;
      const rel = comps.join('/');
      const base = { uid: 0, gid: 0, size: 0, linkname: '', digest: '', offset: 0, mtime: Number(mtime) || 0 };
      const perm = Number(mode) & 0o7777;
      if (type === 'd') index.set(rel, { ...base, kind: 'dir', mode: S_IFDIR | perm, children: new Set() });
      else if (type === 'l') {
        checkEntrySafety({ path: String(p), type: 'symlink', linkpath: String(linkname) }, comps);
        index.set(rel, { ...base, kind: 'symlink', mode: S_IFLNK | 0o777, linkname: String(linkname) });
      } else if (type === 'f') {
        const n = Number(size);
        if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`invalid size for ${JSON.stringify(p)}`);
        const old = previous?.nodes.get(rel);
        const node: IndexNode = { ...base, kind: 'file', mode: S_IFREG | perm, size: n, stamp: String(stamp) };
        if (old?.kind === 'file' && old.stamp === node.stamp && old.size === n && old.digest) {
          Object.assign(node, { digest: old.digest, offset: old.offset, spool: old.spool, hashMemo: old.mode === node.mode ? old.hashMemo : undefined });
        } else need.set(rel, n);
        index.set(rel, node);
      } else throw new InvalidArgumentError(`invalid entry type for ${JSON.stringify(p)}`);
    }
    // The client only describes what it has: a file under a symlinked directory is not something
    // a walk of a real directory produces.
    if (index.unmodelled) throw new InvalidArgumentError('invalid context manifest: an entry below a symlink or file');
    const gen: Generation = { id: randomBytes(16).toString('hex'), index, need, users: 0 };
    kept.generations.set(gen.id, gen);
    this.byGeneration.set(gen.id, kept);
    if (!need.size) this.promote(kept, gen);
    await this.evict();
    return { id: gen.id, need: [...need.keys()] };
  }

  /** Receives the needed files as a tar (their content only counts: metadata came with the manifest). */
  async upload(id: string, tar: AsyncIterable<Buffer>): Promise<void> {
    const { kept, gen } = this.lookup(id);
    if (!gen.need.size) return;
    const spoolPath = path.join(kept.dir, `spool-${kept.spools++}.tar`);
    const spool = await SpoolWriter.create(spoolPath);
    let bytes = 0;
    try {
      for await (const { entry, body, offset } of readTar(spool.tee(tar))) {
        const rel = safeEntryComponents(entry.path).join('/');
        const want = gen.need.get(rel);
        if (entry.type !== 'file' || want === undefined) {
          for await (const _ of body);
          continue;
        }
        if (entry.size !== want) throw new InvalidArgumentError(`${rel} changed while the context was sent (size ${entry.size}, expected ${want}): try again`);
        const h = createHash('sha256');
        for await (const c of body) h.update(c);
        Object.assign(gen.index.nodes.get(rel)!, { digest: h.digest('hex'), offset, spool: spoolPath });
        gen.need.delete(rel);
        bytes += entry.size;
      }
    } finally {
      await spool.close();
      kept.spoolBytes += bytes;
    }
    if (gen.need.size) throw new InvalidArgumentError(`the context upload lacks ${gen.need.size} file(s), e.g. ${JSON.stringify(gen.need.keys().next().value)}`);
    this.promote(kept, gen);
  }

  /** A build's view of a complete generation; release() when the build is over. */
  acquire(id: string, dir: string): { source: BuildContextSource; release(): Promise<void> } {
    const { kept, gen } = this.lookup(id);
    if (gen.need.size) throw new InvalidArgumentError(`build context ${id} is incomplete: ${gen.need.size} file(s) were not uploaded`);
    gen.users++;
    kept.uses++;
    kept.lastUsed = Date.now();
    // A build may drop the Dockerfile from its context (.dockerignore): it gets its own copy.
    const index = gen.index.clone();
    const source = sourceFromIndex(index, dir);
    return {
      source,
      release: async () => {
        await index.close();
        gen.users--;
        if (kept.latest !== gen && gen.users === 0) this.forget(kept, gen);
        if (!this.contexts.has(kept.key) || this.contexts.get(kept.key) !== kept) await this.dropIfUnused(kept);
      },
    };
  }

  /** The kept contexts: their spooled bytes, and whether a build reads one now. */
  usage(): KeptContextUsage[] {
    return [...this.contexts.values()].map((k) => ({
      id: k.key,
      size: k.spoolBytes,
      inUse: [...k.generations.values()].some((g) => g.users > 0),
      created: k.created,
      lastUsed: k.lastUsed,
      uses: k.uses,
    }));
  }

  /**
   * Drops the kept contexts (builder prune), only those last used before `until` (ms since the
   * epoch) when given; those in use go when their builds end. Returns the bytes freed.
   */
  async clear(until?: number): Promise<number> {
    let freed = 0;
    for (const kept of [...this.contexts.values()]) {
      if (until !== undefined && kept.lastUsed >= until) continue;
      this.contexts.delete(kept.key);
      if (![...kept.generations.values()].some((g) => g.users > 0)) freed += kept.spoolBytes;
      await this.dropIfUnused(kept);
    }
    return freed;
  }

  private lookup(id: string): { kept: KeptContext; gen: Generation } {
    const kept = this.byGeneration.get(id);
    const gen = kept?.generations.get(id);
    if (!kept || !gen) throw new NotFoundError(`no such build context: ${id}`);
    return { kept, gen };
  }

  private promote(kept: KeptContext, gen: Generation): void {
    const old = kept.latest;
    kept.latest = gen;
    if (old && old !== gen && old.users === 0) this.forget(kept, old);
  }

  private forget(kept: KeptContext, gen: Generation): void {
    kept.generations.delete(gen.id);
    this.byGeneration.delete(gen.id);
  }

  /** Live bytes of the latest generation against what its spools hold. */
  private bloated(kept: KeptContext): boolean {
    let live = 0;
    for (const n of kept.latest?.index.nodes.values() ?? []) if (n.kind === 'file') live += n.size;
    return kept.spoolBytes > 4 * live + (64 << 20);
  }

  private async evict(): Promise<void> {
    if (this.contexts.size <= MAX_CONTEXTS) return;
    const byAge = [...this.contexts.values()].sort((a, b) => a.lastUsed - b.lastUsed);
    for (const kept of byAge) {
      if (this.contexts.size <= MAX_CONTEXTS) break;
      this.contexts.delete(kept.key);
      await this.dropIfUnused(kept);
    }
  }

  /** Deletes a context no longer kept once no build reads it. */
  private async dropIfUnused(kept: KeptContext): Promise<void> {
    if (this.contexts.get(kept.key) === kept) return;
    if ([...kept.generations.values()].some((g) => g.users > 0)) return;
    for (const id of kept.generations.keys()) this.byGeneration.delete(id);
    kept.generations.clear();
    await fsp.rm(kept.dir, { recursive: true, force: true });
  }
}
