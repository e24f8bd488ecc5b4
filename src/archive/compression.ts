// Detects gzip by its magic bytes and decompresses on the fly: layers, imports and build
// contexts may come compressed or plain. Other compressions are refused as Docker would do
// for formats it does not know.
import { Readable, PassThrough, pipeline, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidArgumentError } from '../util/errors.js';

/**
 * Output chunk size for gunzip: zlib's default 16 KiB makes consumers (the unpacker, hashes, blob
 * writes) do thousands of small operations per layer; 1 MiB chunks cut that 64-fold.
 */
export const GUNZIP_CHUNK = 1 << 20;

export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** Returns a stream of the decompressed bytes of `input` (unchanged when not compressed). */
/**
 * Reads at least `n` bytes from the front of a stream (fewer only if it ends sooner) and returns
 * them with a stream of everything, those bytes included.
 */
export async function peekStream(input: Readable | AsyncIterable<Buffer>, n: number): Promise<{ head: Buffer; all: Readable }> {
  const it = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let have = 0;
  let done = false;
  while (have < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value);
    have += r.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, all: Readable.from(rest(), { objectMode: false }) };
}

export function decompressStream(input: Readable | AsyncIterable<Buffer>): Readable {
  const out = new PassThrough();
  (async () => {
    const { head, all: src } = await peekStream(input, 6);
    const kind = detectCompression(head);
    if (kind !== 'none' && kind !== 'gzip') throw new InvalidArgumentError(`unsupported compression format ${kind}`);
    if (kind === 'gzip') pipeline(src, createGunzip({ chunkSize: GUNZIP_CHUNK }), out, () => {});
    else pipeline(src, out, () => {});
  })().catch((e) => out.destroy(e));
  return out;
}

/**
 * Up to `n` bytes from the start of `stream`, left in it (unshifted) for whoever reads it next.
 * Fewer only when the stream ends sooner; rejects when it fails first.
 */
export async function peekHead(stream: Readable, n = 6): Promise<Buffer> {
  for (;;) {
    // read(n) answers n bytes, or fewer once the stream has ended, or null (wait for more). The
    // bytes go back at once, before the stream can emit 'end' (an unshift after it is lost).
    const head = stream.read(n) as Buffer | null;
    if (head !== null) {
      stream.unshift(head);
      return head;
    }
    if (stream.errored) throw stream.errored;
    if (stream.readableEnded || stream.destroyed) return Buffer.alloc(0);
    await new Promise<void>((resolve, reject) => {
      const settle = (e?: Error) => {
        stream.off('readable', settle);
        stream.off('end', settle);
        stream.off('close', settle);
        stream.off('error', settle);
        if (e) reject(e);
        else resolve();
      };
      stream.on('readable', settle);
      stream.on('end', settle);
      stream.on('close', settle);
      stream.on('error', settle);
    });
  }
}

/**
 * The decompressing stage for a stream that starts with `head` (see peekHead): a gunzip with
 * large output chunks for gzip, nothing (undefined) for a plain tar; other compressions are
 * refused as decompressStream refuses them.
 */
export function decompressorFor(head: Buffer): Transform | undefined {
  const kind = detectCompression(head);
  if (kind === 'gzip') return createGunzip({ chunkSize: GUNZIP_CHUNK });
  if (kind === 'none') return undefined;
  throw new InvalidArgumentError(`unsupported compression format ${kind}`);
}
