// Content-addressed blobs under <dataRoot>/blobs/sha256/<hex>: written to a temp file, hashed
// while written, fsynced, and renamed into place only when the digest is what was expected.
import { createHash } from 'node:crypto';
import { promises as fsp, constants as fsc, createReadStream } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../errors.js';
import { tempPathFor, sweepTempFiles, writeAll } from '../../util/fs.js';
import { bestEffort } from '../../util/best-effort.js';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hexOf(digest: string): string {
  const m = /^(?:sha256:)?([a-f0-9]{64})$/.exec(digest);
  if (!m) throw new InvalidArgumentError(`invalid digest ${JSON.stringify(digest)}`);
  return m[1];
}

/** An open blob write: feed chunks, then commit (verify + rename) or abort. */
export class BlobWriter {
  private hash = createHash('sha256');
  private hex?: string;
  size = 0;
  private constructor(
    private readonly dir: string,
    private readonly tmp: string,
    private readonly fh: fsp.FileHandle,
  ) {}
  static async open(dir: string): Promise<BlobWriter> {
    const tmp = tempPathFor(path.join(dir, 'blob'));
    const fh = await fsp.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o644);
    return new BlobWriter(dir, tmp, fh);
  }
  async write(chunk: Buffer): Promise<void> {
    if (this.hex !== undefined) throw new Error('blob write after digest');
    this.hash.update(chunk);
    this.size += chunk.length;
    await writeAll(this.fh, chunk);
  }
  /** `sha256:…` of everything written; no writes after it. */
  digest(): string {
    this.hex ??= this.hash.digest('hex');
    return `sha256:${this.hex}`;
  }
  /** Verifies against `expected` (hex or sha256:hex) if given and moves the blob into place. */
  async commit(expected?: string): Promise<string> {
    const hex = hexOf(this.digest());
    try {
      await this.fh.sync();
      await this.fh.close();
      if (expected !== undefined && hexOf(expected) !== hex) {
        throw new InvalidArgumentError(`digest mismatch: expected sha256:${hexOf(expected)}, got sha256:${hex}`);
      }
      await fsp.rename(this.tmp, path.join(this.dir, hex));
    } catch (e) {
      await fsp.rm(this.tmp, { force: true });
      throw e;
    }
    return `sha256:${hex}`;
  }
  async abort(): Promise<void> {
    await bestEffort(this.fh.close(), 'closing an aborted blob write');
    await fsp.rm(this.tmp, { force: true });
  }
}

export class BlobStore {
  readonly dir: string;
  constructor(dataRoot: string) {
    this.dir = path.join(dataRoot, 'blobs', 'sha256');
  }
  async init(): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await sweepTempFiles(this.dir, 0);
  }
  path(digest: string): string {
    return path.join(this.dir, hexOf(digest));
  }
  async has(digest: string): Promise<boolean> {
    try {
      await fsp.access(this.path(digest));
      return true;
    } catch {
      return false;
    }
  }
  async size(digest: string): Promise<number> {
    return (await fsp.stat(this.path(digest))).size;
  }
  writer(): Promise<BlobWriter> {
    return BlobWriter.open(this.dir);
  }
  async putBuffer(data: Buffer): Promise<string> {
    const hex = sha256Hex(data);
    if (await this.has(hex)) return `sha256:${hex}`;
    const w = await this.writer();
    await w.write(data);
    return w.commit(hex);
  }
  /** Stores a stream; refuses it (nothing kept) when `expected` is given and does not match. */
  async putStream(src: Readable | AsyncIterable<Buffer>, expected?: string): Promise<{ digest: string; size: number }> {
    const w = await this.writer();
    try {
      for await (const c of src) await w.write(c as Buffer);
    } catch (e) {
      await w.abort();
      throw e;
    }
    const digest = await w.commit(expected);
    return { digest, size: w.size };
  }
  read(digest: string): Promise<Buffer> {
    return fsp.readFile(this.path(digest));
  }
  stream(digest: string): Readable {
    return createReadStream(this.path(digest));
  }
  async delete(digest: string): Promise<void> {
    await fsp.rm(this.path(digest), { force: true });
  }
}
