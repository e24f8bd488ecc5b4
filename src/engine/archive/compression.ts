// Detects gzip by its magic bytes and decompresses on the fly: layers, imports and build
// contexts may come compressed or plain. Other compressions are refused as Docker would do
// for formats it does not know.
import { Readable, PassThrough, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidArgumentError } from '../errors.js';

export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** Returns a stream of the decompressed bytes of `input` (unchanged when not compressed). */
export function decompressStream(input: Readable | AsyncIterable<Buffer>): Readable {
  const out = new PassThrough();
  (async () => {
    const it = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    let head = Buffer.alloc(0);
    let done = false;
    while (head.length < 6) {
      const r = await it.next();
      if (r.done) {
        done = true;
        break;
      }
      head = Buffer.concat([head, r.value]);
    }
    const kind = detectCompression(head);
    if (kind !== 'none' && kind !== 'gzip') throw new InvalidArgumentError(`unsupported compression format ${kind}`);
    async function* rest(): AsyncGenerator<Buffer> {
      if (head.length) yield head;
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    }
    const src = Readable.from(rest(), { objectMode: false });
    if (kind === 'gzip') pipeline(src, createGunzip(), out, () => {});
    else pipeline(src, out, () => {});
  })().catch((e) => out.destroy(e));
  return out;
}
