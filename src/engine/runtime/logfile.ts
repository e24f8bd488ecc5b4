// conmon's k8s-file log: `TIMESTAMP STREAM F|P CONTENT\n` per record (P = partial: no newline).
// Readers for `logs` (tail, since, until, follow) and for attach (live output from the end).
import { open, read, close, watch, type FSWatcher } from 'node:fs';
import { promises as fsp } from 'node:fs';

export interface LogRecord {
  /** RFC 3339 time with nanoseconds, as conmon wrote it. */
  time: string;
  /** Nanoseconds since the epoch (for since/until comparisons). */
  timeNs: bigint;
  stream: 'stdout' | 'stderr';
  /** The bytes, with the newline restored for full (F) records. */
  data: Buffer;
}

/** Parses one k8s-file line (without its trailing newline). */
export function parseLogLine(line: Buffer): LogRecord | undefined {
  const s1 = line.indexOf(0x20);
  if (s1 < 0) return undefined;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const s3 = line.indexOf(0x20, s2 + 1);
  const time = line.subarray(0, s1).toString();
  const stream = line.subarray(s1 + 1, s2).toString();
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const flag = s3 < 0 ? line.subarray(s2 + 1).toString() : line.subarray(s2 + 1, s3).toString();
  const content = s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1);
  const data = flag === 'P' ? Buffer.from(content) : Buffer.concat([content, Buffer.from('\n')]);
  return { time, timeNs: parseTimeNs(time), stream, data };
}

/** `2026-11-23T04:52:31.643162609+00:00` → ns since epoch. */
export function parseTimeNs(t: string): bigint {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) return 0n;
  const ms = Date.parse(m[1] + (m[3] === 'Z' ? 'Z' : m[3]));
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  return BigInt(ms) * 1_000_000n + BigInt(frac);
}

/** Splits a growing byte stream into complete lines, keeping the unfinished tail. */
export class LineSplitter {
  private rest: Buffer = Buffer.alloc(0);
  push(chunk: Buffer, onLine: (line: Buffer) => void): void {
    let buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    let nl;
    while ((nl = buf.indexOf(0x0a)) >= 0) {
      onLine(buf.subarray(0, nl));
      buf = buf.subarray(nl + 1);
    }
    this.rest = Buffer.from(buf);
  }
}

/** Reads the whole log file (bounded by `tail` records from the end when given). */
export async function readLogRecords(file: string, opts: { tail?: number; sinceNs?: bigint; untilNs?: bigint } = {}): Promise<{ records: LogRecord[]; size: number }> {
  let buf: Buffer;
  try {
    buf = await fsp.readFile(file);
  } catch {
    return { records: [], size: 0 };
  }
  // Only complete lines count; a line still being written is picked up by a follower.
  const end = buf.lastIndexOf(0x0a) + 1;
  const records: LogRecord[] = [];
  new LineSplitter().push(buf.subarray(0, end), (line) => {
    const r = parseLogLine(line);
    if (!r) return;
    if (opts.sinceNs !== undefined && r.timeNs < opts.sinceNs) return;
    if (opts.untilNs !== undefined && r.timeNs > opts.untilNs) return;
    records.push(r);
  });
  const out = opts.tail !== undefined && opts.tail >= 0 ? tailRecords(records, opts.tail) : records;
  return { records: out, size: end };
}

/** The last n lines: a line can span P records, so count F (newline-ended) records from the end. */
function tailRecords(records: LogRecord[], n: number): LogRecord[] {
  if (n === 0) return [];
  let lines = 0;
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    if (r.data.length && r.data[r.data.length - 1] === 0x0a) {
      lines++;
      if (lines > n) return records.slice(i + 1);
    }
  }
  return records;
}

/**
 * Follows a log file from byte `offset`, calling onRecord for each new record. `drain()` reads
 * whatever is left (call it when the container has exited), then the follower closes.
 */
export class LogFollower {
  /** Followers holding a descriptor or a watch right now (berthd's resource report). */
  static open = 0;
  private watcher?: FSWatcher;
  private fd?: number;
  private offset: number;
  private reading = false;
  private again = false;
  private closed = false;
  private splitter = new LineSplitter();
  private drainWaiters: Array<() => void> = [];

  constructor(
    private file: string,
    offset: number,
    private onRecord: (r: LogRecord) => void,
  ) {
    this.offset = offset;
  }

  start(): Promise<void> {
    return new Promise((resolve) => {
      open(this.file, 'r', (err, fd) => {
        if (err) {
          resolve();
          return;
        }
        // Closed while the open was under way (the client went): nothing may outlive close().
        if (this.closed) {
          close(fd, () => {});
          resolve();
          return;
        }
        this.fd = fd;
        LogFollower.open++;
        try {
          this.watcher = watch(this.file, () => this.kick());
        } catch {}
        this.kick();
        resolve();
      });
    });
  }

  /** Reads to the end now, then closes. */
  drain(): Promise<void> {
    return new Promise((resolve) => {
      this.drainWaiters.push(resolve);
      this.kick();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    // A read in flight still uses the descriptor: its callback releases it (closing it now could
    // let the number be reused by another file under the read).
    if (!this.reading) this.releaseFd();
    for (const w of this.drainWaiters.splice(0)) w();
  }

  private releaseFd(): void {
    if (this.fd === undefined) return;
    close(this.fd, () => {});
    this.fd = undefined;
    LogFollower.open--;
  }

  private kick(): void {
    if (this.closed || this.fd === undefined) {
      for (const w of this.drainWaiters.splice(0)) w();
      return;
    }
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    this.readMore();
  }

  private readMore(): void {
    if (this.fd === undefined) return;
    const buf = Buffer.allocUnsafe(256 * 1024);
    read(this.fd, buf, 0, buf.length, this.offset, (err, n) => {
        if (err || this.closed) {
          this.reading = false;
          if (this.closed) this.releaseFd();
          return;
        }
        if (n > 0) {
          this.offset += n;
          this.splitter.push(buf.subarray(0, n), (line) => {
            const r = parseLogLine(line);
            if (r) this.onRecord(r);
          });
          this.readMore();
          return;
        }
        this.reading = false;
        if (this.again) {
          this.again = false;
          this.kick();
          return;
        }
        if (this.drainWaiters.length) this.close();
    });
  }
}
