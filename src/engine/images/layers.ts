// Unpacked image layers, shared by every image that has them: <dataRoot>/layers/<chainID hex>/diff
// plus meta.json written LAST (a layer exists only once its meta does). Each layer's uncompressed
// tar is also kept as blob <diffID> so `save` reproduces the exact bytes (and digests).
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { extractTar } from '../archive/extract.js';
import { InvalidArgumentError } from '../errors.js';
import { atomicWriteJson, readJsonIfExists, TEMP_MARK, tempPathFor } from '../../util/fs.js';
import { hexOf, sha256Hex, type BlobStore } from './blobs.js';

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

export class LayerStore {
  readonly dir: string;
  private metas = new Map<string, LayerMeta>();
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
        await fsp.rm(p, { recursive: true, force: true });
        continue;
      }
      const meta = await readJsonIfExists<LayerMeta>(path.join(p, 'meta.json')).catch(() => undefined);
      if (!meta) {
        await fsp.rm(p, { recursive: true, force: true });
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
   * Unpacks an uncompressed layer tar on top of `parentChainId`. The tar is hashed while it is
   * extracted into a temp dir and stored as a blob; a diffID other than `expectedDiffId` discards
   * everything. An already present layer is reused (and the new copy dropped).
   */
  async unpack(parentChainId: string | undefined, tar: Readable | AsyncIterable<Buffer>, expectedDiffId?: string): Promise<LayerMeta> {
    if (parentChainId && !this.metas.has(parentChainId)) throw new Error(`parent layer ${parentChainId} does not exist`);
    const tmp = tempPathFor(path.join(this.dir, 'unpack'));
    await fsp.mkdir(path.join(tmp, 'diff'), { recursive: true, mode: 0o755 });
    const hash = createHash('sha256');
    const blob = await this.blobs.writer();
    let committed = false;
    try {
      async function* teed(): AsyncGenerator<Buffer> {
        for await (const chunk of tar) {
          const b = chunk as Buffer;
          hash.update(b);
          await blob.write(b);
          yield b;
        }
      }
      const src = teed();
      const res = await extractTar(src, path.join(tmp, 'diff'), { whiteouts: 'overlay', sameOwner: true });
      for await (const _ of src); // the extractor stops at the end blocks: hash what follows too
      const diffId = `sha256:${hash.digest('hex')}`;
      if (expectedDiffId && expectedDiffId !== diffId) {
        throw new InvalidArgumentError(`invalid diffID for layer: expected ${JSON.stringify(expectedDiffId)}, got ${JSON.stringify(diffId)}`);
      }
      await blob.commit(diffId);
      committed = true;
      const chainId = chainIdOf(parentChainId, diffId);
      const existing = this.metas.get(chainId);
      if (existing) {
        await fsp.rm(tmp, { recursive: true, force: true });
        return existing;
      }
      const meta: LayerMeta = {
        chainId,
        diffId,
        ...(parentChainId ? { parent: parentChainId } : {}),
        size: res.size,
        whiteouts: res.whiteouts,
        opaqueDirs: res.opaqueDirs,
        created: new Date().toISOString(),
      };
      const final = path.join(this.dir, hexOf(chainId));
      await fsp.rm(final, { recursive: true, force: true }); // a leftover without meta
      await fsp.rename(tmp, final);
      await atomicWriteJson(path.join(final, 'meta.json'), meta);
      this.metas.set(chainId, meta);
      return meta;
    } catch (e) {
      if (!committed) await blob.abort();
      await fsp.rm(tmp, { recursive: true, force: true });
      throw e;
    }
  }

  /** Removes a layer: meta first (so a crash leaves an orphan that init sweeps), then data. */
  async remove(chainId: string): Promise<void> {
    const meta = this.metas.get(chainId);
    if (!meta) return;
    this.metas.delete(chainId);
    const dir = path.join(this.dir, hexOf(chainId));
    await fsp.rm(path.join(dir, 'meta.json'), { force: true });
    await fsp.rm(dir, { recursive: true, force: true });
    // The tar blob may be shared by another chain with the same diff.
    if (![...this.metas.values()].some((m) => m.diffId === meta.diffId)) await this.blobs.delete(meta.diffId);
  }
}
