// A pass-through stream that hashes what flows through it, so blob bytes are checked while they
// are written (no second read of the file) and never buffered whole.
import { createHash, Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, TransformCallback } from 'node:stream';

export class HashingStream extends Transform {
  bytes = 0;
  constructor(readonly hash: Hash = createHash('sha256')) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

export async function sha256File(file: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}
