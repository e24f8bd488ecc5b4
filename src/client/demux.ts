// Docker's multiplexed stream: each frame is an 8-byte header (stream id: 0 stdin, 1 stdout,
// 2 stderr, 3 systemerr; three zero bytes; big-endian uint32 length) and the payload.

export interface Frame {
  stream: number;
  data: Buffer;
}

/** Incremental decoder: feed chunks as they arrive; complete frames come out, partial ones wait. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    let off = 0;
    while (this.pending.length - off >= 8) {
      const size = this.pending.readUInt32BE(off + 4);
      if (this.pending.length - off - 8 < size) break;
      frames.push({ stream: this.pending[off], data: this.pending.subarray(off + 8, off + 8 + size) });
      off += 8 + size;
    }
    this.pending = this.pending.subarray(off);
    return frames;
  }

  /** Bytes of an unfinished frame left over at end of stream. */
  get leftover(): number {
    return this.pending.length;
  }
}

export function encodeFrame(stream: number, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export interface DemuxTargets {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Copies a multiplexed stream to stdout/stderr until it ends. A systemerr frame (3) is the
 * daemon reporting a failure mid-stream: it rejects with that text.
 */
export function demuxTo(source: NodeJS.ReadableStream, targets: DemuxTargets): Promise<void> {
  const decoder = new FrameDecoder();
  return new Promise((resolve, reject) => {
    let systemError: string | undefined;
    source.on('data', (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) {
        if (f.stream === 2) targets.stderr.write(f.data);
        else if (f.stream === 3) systemError = (systemError ?? '') + f.data.toString();
        else targets.stdout.write(f.data);
      }
    });
    source.on('error', (e) => reject(e));
    source.on('end', () => (systemError ? reject(new Error(systemError.trim())) : resolve()));
    source.on('close', () => resolve());
  });
}

/** Copies a raw (TTY) stream to one writer until it ends. */
export function copyRawTo(source: NodeJS.ReadableStream, out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    source.on('data', (chunk: Buffer) => out.write(chunk));
    source.on('error', reject);
    source.on('end', resolve);
    source.on('close', resolve);
  });
}
