// Unpacked image layers, shared by every image that has them: <dataRoot>/layers/<chainID hex>/diff
// plus meta.json written LAST (a layer exists only once its meta does). Each layer's uncompressed
// tar is also kept as blob <diffID> so `save` reproduces the exact bytes (and digests).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { extractTar, safeEntryComponents, WHITEOUT_META_PREFIX, WHITEOUT_OPAQUE, WHITEOUT_PREFIX } from '../../archive/extract.js';
import { readTar } from '../../archive/tar-reader.js';
import { InvalidArgumentError } from '../errors.js';
import { atomicWriteJson, readJsonOrSkip, TEMP_MARK, tempPathFor } from '../../util/fs.js';
import { removeTree, sweepTree } from '../../util/remove-tree.js';
import { hexOf, sha256Hex, type BlobStore, type BlobWriter } from './blobs.js';
import { settled } from '../../util/best-effort.js';

export interface LayerMeta {
  /** `sha256:…` of the layer and all below it (the directory name). */
  chainId: string;
  /** `sha256:…` of this layer's uncompressed tar. */
  diffId: string;
  parent?: string;
  /** Unpacked size in bytes (files + symlink targets), Docker's layer DiffSize. */
  size: number;
  /** Paths this layer deletes from the layers below (relative, no leading slash). */
  whiteouts: string[];
  /** Directories whose lower content this layer hides (`.` = root). */
  opaqueDirs: string[];
  created: string;
}

export function chainIdOf(parentChainId: string | undefined, diffId: string): string {
  if (!parentChainId) return diffId;
  return `sha256:${sha256Hex(`${parentChainId} ${diffId}`)}`;
}

/** Chain IDs for a list of diff IDs, bottom first. */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  let prev: string | undefined;
  for (const d of diffIds) {
    prev = chainIdOf(prev, d);
    out.push(prev);
  }
  return out;
}

/** A layer extracted into a temp dir with its tar blob stored, not yet part of any chain. */
export interface PreparedLayer {
  diffId: string;
  /** The temp dir (holding diff/), renamed into place by register(). */
  dir: string;
  size: number;
  whiteouts: string[];
  opaqueDirs: string[];
}

/**
 * Writes a stream's chunks to a blob behind its consumer: the extraction goes on while the
 * previous chunks are written (both are thread-pool writes), in order, at most `limit` queued.
 */
class WriteBehind {
  private queue: Promise<void>[] = [];
  private failure: unknown;
  constructor(
    private readonly writer: BlobWriter,
    private readonly limit = 4,
  ) {}
  async push(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    const before = this.queue.at(-1) ?? Promise.resolve();
    const p = before.then(() => (this.failure ? undefined : this.writer.write(chunk))).catch((e) => {
      this.failure ??= e;
    });
    this.queue.push(p);
    if (this.queue.length >= this.limit) await this.queue.shift();
  }
  async drain(): Promise<void> {
    await Promise.all(this.queue);
    this.queue = [];
    if (this.failure) throw this.failure;
  }
}

export class LayerStore {
  readonly dir: string;
  private metas = new Map<string, LayerMeta>();
  /** Prepared (not yet registered or discarded) layers per diffID: their tar blob must stay. */
  private pending = new Map<string, number>();
  constructor(
    dataRoot: string,
    private readonly blobs: BlobStore,
  ) {
    this.dir = path.join(dataRoot, 'layers');
  }

  /** Loads layer metadata; removes temp dirs and directories that never got their meta.json. */
  async init(): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    for (const name of await fsp.readdir(this.dir)) {
      const p = path.join(this.dir, name);
      if (name.includes(TEMP_MARK) || !/^[a-f0-9]{64}$/.test(name)) {
        await sweepTree(p, 'interrupted layer extraction');
        continue;
      }
      const meta = await readJsonOrSkip<LayerMeta>(path.join(p, 'meta.json'), 'layer metadata');
      if (!meta) {
        await sweepTree(p, 'layer without metadata');
        continue;
      }
      this.metas.set(meta.chainId, meta);
    }
  }

  get(chainId: string): LayerMeta | undefined {
    return this.metas.get(chainId);
  }
  all(): LayerMeta[] {
    return [...this.metas.values()];
  }
  diffDir(chainId: string): string {
    return path.join(this.dir, hexOf(chainId), 'diff');
  }

  /**
   * Unpacks an uncompressed layer tar on top of `parentChainId` (prepare, then register). An
   * already present layer is reused (and the new copy dropped).
   */
  async unpack(parentChainId: string | undefined, tar: Readable | AsyncIterable<Buffer>, expectedDiffId?: string): Promise<LayerMeta> {
    if (parentChainId && !this.metas.has(parentChainId)) throw new Error(`parent layer ${parentChainId} does not exist`);
    const prepared = await this.prepare(tar, { expectedDiffId });
    return this.register(parentChainId, prepared);
  }

  /**
   * The part of adding a layer that needs no parent: the tar is extracted into a temp dir while it
   * is hashed and kept as a blob (written alongside, not in the way of the extraction). A diffID
   * other than `expectedDiffId` discards everything. The blob is committed only once `verified`
   * (e.g. the compressed digest check) has resolved too. Pull prepares all of an image's layers at
   * once; only register() must go bottom-up. Follow with register() or discard().
   */
  async prepare(tar: Readable | AsyncIterable<Buffer>, opts: { expectedDiffId?: string; verified?: Promise<unknown> } = {}): Promise<PreparedLayer> {
    const tmp = tempPathFor(path.join(this.dir, 'unpack'));
    await fsp.mkdir(path.join(tmp, 'diff'), { recursive: true, mode: 0o755 });
    return this.storeLayerTar(() => tar, tmp, (src) => extractTar(src, path.join(tmp, 'diff'), { whiteouts: 'overlay', sameOwner: true }), opts);
  }

  /**
   * prepare() for a tree already in the store's own form (a build's overlay upper dir, unmounted):
   * the directory is moved in instead of being extracted again (on these filesystems creating the
   * files is what costs), and its layer tar — `tarOf(the moved dir)` — is only hashed, kept as the
   * blob and scanned for the layer's metadata. `dir` must be on the store's filesystem; it is gone
   * afterwards, whatever happens.
   */
  async prepareFromDir(dir: string, tarOf: (dir: string) => Readable): Promise<PreparedLayer> {
    const tmp = tempPathFor(path.join(this.dir, 'adopt'));
    await fsp.mkdir(tmp, { mode: 0o755 });
    try {
      await fsp.rename(dir, path.join(tmp, 'diff'));
    } catch (e: any) {
      await removeTree(tmp);
      if (e?.code !== 'EXDEV') throw e;
      // Another filesystem: extract a copy after all.
      try {
        return await this.prepare(tarOf(dir));
      } finally {
        await removeTree(dir);
      }
    }
    return this.storeLayerTar(() => tarOf(path.join(tmp, 'diff')), tmp, scanLayerTar, {});
  }

  /**
   * The common part of prepare and prepareFromDir: `consume` reads the layer tar (`openTar()`) (extracting or
   * scanning it into `tmp`/diff) while the tar is written alongside as the blob, which also hashes
   * it into the diffID. A diffID other than `expectedDiffId` discards everything; the blob is
   * committed only once `verified` has resolved too. On failure `tmp` is removed.
   */
  private async storeLayerTar(
    openTar: () => Readable | AsyncIterable<Buffer>,
    tmp: string,
    consume: (src: AsyncIterable<Buffer>) => Promise<{ size: number; whiteouts: string[]; opaqueDirs: string[] }>,
    opts: { expectedDiffId?: string; verified?: Promise<unknown> },
  ): Promise<PreparedLayer> {
    const blob = await this.blobs.writer();
    const blobWrites = new WriteBehind(blob);
    let committedDiffId: string | undefined;
    try {
      const tar = openTar();
      async function* teed(): AsyncGenerator<Buffer> {
        for await (const chunk of tar) {
          const b = chunk as Buffer;
          await blobWrites.push(b);
          yield b;
        }
      }
      const src = teed();
      const res = await consume(src);
      for await (const _ of src); // the reader stops at the end blocks: what follows is part of the blob too
      await blobWrites.drain();
      const diffId = blob.digest(); // the blob writer hashes what it writes: one pass
      if (opts.expectedDiffId && opts.expectedDiffId !== diffId) {
        throw new InvalidArgumentError(`invalid diffID for layer: expected ${JSON.stringify(opts.expectedDiffId)}, got ${JSON.stringify(diffId)}`);
      }
      await opts.verified;
      this.pending.set(diffId, (this.pending.get(diffId) ?? 0) + 1);
      committedDiffId = diffId;
      await blob.commit(diffId);
      return { diffId, dir: tmp, size: res.size, whiteouts: res.whiteouts, opaqueDirs: res.opaqueDirs };
    } catch (e) {
      await settled(blobWrites.drain()); // the extraction's own error is the one to report
      if (committedDiffId) this.release(committedDiffId);
      else await blob.abort();
      await removeTree(tmp);
      throw e;
    }
  }

  /** Makes a prepared layer the layer on top of `parentChainId` (which must exist): rename, then meta. */
  async register(parentChainId: string | undefined, prepared: PreparedLayer): Promise<LayerMeta> {
    try {
      if (parentChainId && !this.metas.has(parentChainId)) throw new Error(`parent layer ${parentChainId} does not exist`);
      const chainId = chainIdOf(parentChainId, prepared.diffId);
      const existing = this.metas.get(chainId);
      if (existing) {
        await removeTree(prepared.dir);
        return existing;
      }
      const meta: LayerMeta = {
        chainId,
        diffId: prepared.diffId,
        ...(parentChainId ? { parent: parentChainId } : {}),
        size: prepared.size,
        whiteouts: prepared.whiteouts,
        opaqueDirs: prepared.opaqueDirs,
        created: new Date().toISOString(),
      };
      const final = path.join(this.dir, hexOf(chainId));
      await removeTree(final); // a leftover without meta
      await fsp.rename(prepared.dir, final);
      await atomicWriteJson(path.join(final, 'meta.json'), meta);
      this.metas.set(chainId, meta);
      return meta;
    } catch (e) {
      await removeTree(prepared.dir);
      throw e;
    } finally {
      this.release(prepared.diffId);
    }
  }

  /** Drops a prepared layer that will not be registered (its tar blob too, unless a layer uses it). */
  async discard(prepared: PreparedLayer): Promise<void> {
    await removeTree(prepared.dir);
    const orphan = (this.pending.get(prepared.diffId) ?? 0) <= 1 && ![...this.metas.values()].some((m) => m.diffId === prepared.diffId);
    this.release(prepared.diffId);
    if (orphan) await this.blobs.delete(prepared.diffId);
  }

  /** One prepared layer fewer holding the tar blob `diffId`. */
  private release(diffId: string): void {
    const n = (this.pending.get(diffId) ?? 0) - 1;
    if (n > 0) this.pending.set(diffId, n);
    else this.pending.delete(diffId);
  }

  /** Removes a layer: meta first (so a crash leaves an orphan that init sweeps), then data. */
  async remove(chainId: string): Promise<void> {
    const meta = this.metas.get(chainId);
    if (!meta) return;
    this.metas.delete(chainId);
    const dir = path.join(this.dir, hexOf(chainId));
    await fsp.rm(path.join(dir, 'meta.json'), { force: true });
    await removeTree(dir);
    // The tar blob may be shared by another chain with the same diff.
    if (![...this.metas.values()].some((m) => m.diffId === meta.diffId)) await this.blobs.delete(meta.diffId);
  }
}

/** What extraction would report of a layer tar (size, whiteouts, opaque dirs), without extracting. */
async function scanLayerTar(tar: AsyncIterable<Buffer>): Promise<{ size: number; whiteouts: string[]; opaqueDirs: string[] }> {
  const out = { size: 0, whiteouts: [] as string[], opaqueDirs: [] as string[] };
  for await (const { entry } of readTar(tar)) {
    const comps = safeEntryComponents(entry.path);
    if (comps.length === 0) continue;
    const base = comps[comps.length - 1];
    const parent = comps.slice(0, -1).join('/');
    if (base === WHITEOUT_OPAQUE) out.opaqueDirs.push(parent === '' ? '.' : parent);
    else if (base.startsWith(WHITEOUT_META_PREFIX)) continue;
    else if (base.startsWith(WHITEOUT_PREFIX)) {
      const name = base.slice(WHITEOUT_PREFIX.length);
      out.whiteouts.push(parent === '' ? name : `${parent}/${name}`);
    } else if (entry.type === 'file') out.size += entry.size;
    else if (entry.type === 'symlink') out.size += Buffer.byteLength(entry.linkpath);
  }
  return out;
}
