// Where pushed blob bytes come from: anything that can be re-opened at an offset, so chunked
// uploads can resume after a failed chunk and retries can resend.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

export interface BlobSource {
  size: number;
  /** A stream of bytes [start, end). */
  open(start: number, end: number): Readable;
}

export function bufferSource(buf: Buffer): BlobSource {
  return { size: buf.length, open: (start, end) => Readable.from([buf.subarray(start, end)]) };
}

export function fileSource(file: string, size: number): BlobSource {
  return {
    size,
    open: (start, end) => (end <= start ? Readable.from([]) : createReadStream(file, { start, end: end - 1, highWaterMark: 1 << 20 })),
  };
}
