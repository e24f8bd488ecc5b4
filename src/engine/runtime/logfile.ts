// Reading container logs. Two line formats, told apart line by line:
// - Docker's json-file (`{"log":"…","stream":"stdout","time":"…Z"}`), which berth-logger writes
//   (native/berth-logger.c), rotated as dockerd rotates: `<file>.1`, `<file>.2.gz` …;
// - conmon's k8s-file (`TIMESTAMP STREAM F|P CONTENT`, P = partial: no newline), which berth wrote
//   before berth-logger (`container.log` of older containers), and which conmon still writes for
//   exec sessions and for the attach-only output of `none` containers.
// Readers for `logs` (all files oldest first, tail, since, until) and a follower for `-f` and
// attach that keeps following when the file it reads is rotated away.
import { open, read, close, fstat, stat, watch, createReadStream, type FSWatcher } from 'node:fs';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { createGunzip, gunzipSync } from 'node:zlib';
import { orUndefined } from '../../util/best-effort.js';

import { RecordScanner, parseLogLine, type LogRecord, type RecordView } from './log-lines.js';
export { parseLogLine, parseK8sLine, parseJsonLine, parseTimeNs, LineSplitter, copyRecord, type LogRecord, type RecordView } from './log-lines.js';

// ───────────────────────────── the files of a log ─────────────────────────────

/** A container's log: the file written now, and older files that may precede it. */
export interface LogFiles {
  /** The file being written (json-file: `<id>-json.log`). */
  current: string;
  /** A k8s-file log from before berth-logger (`container.log`), read before everything else. */
  legacy?: string;
}

/** Rotated files of `current`, oldest first: `.N[.gz]` … `.1[.gz]` (a plain `.n` wins over `.n.gz`). */
export async function rotatedFiles(current: string): Promise<string[]> {
  const dir = path.dirname(current);
  const base = path.basename(current);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const byIndex = new Map<number, string>();
  for (const n of names) {
    const m = /^\.(\d+)(\.gz)?$/.exec(n.slice(base.length));
    if (!n.startsWith(base) || !m) continue;
    const i = Number(m[1]);
    if (!m[2] || !byIndex.has(i)) byIndex.set(i, path.join(dir, n));
  }
  return [...byIndex.entries()].sort((a, b) => b[0] - a[0]).map((e) => e[1]);
}

export interface ReadOptions {
  /** The last `tail` lines only (a line may span partial records). */
  tail?: number;
  sinceNs?: bigint;
  untilNs?: bigint;
  /** Keep the current file open and hand its descriptor over (to a LogFollower, which closes it). */
  keepOpen?: boolean;
}

/** Called for each record, a view valid during the call only (see log-lines.ts). */
export type RecordSink = (v: RecordView) => void;
/** Called after each chunk read; a promise holds the reading back (the client is slow). */
export type ChunkEnd = () => void | Promise<void>;

/**
 * Reads a log from its oldest file to the end of the current one, as it is when called. Returns
 * where the current file ended (with `keepOpen`, its descriptor too).
 */
export async function readLog(files: LogFiles, o: ReadOptions, sink: RecordSink, flush?: ChunkEnd): Promise<{ fd?: number; offset: number }> {
  // The current file first, so a rotation meanwhile cannot make us miss its content. A raw
  // descriptor (not a FileHandle, which GC would close) as the follower goes on with it.
  const fh = await RawFile.open(files.current);
  const size = fh ? await fh.size() : 0;
  const older = [...(files.legacy ? [files.legacy] : []), ...(await rotatedFiles(files.current))];
  const filtered: RecordSink =
    o.sinceNs === undefined && o.untilNs === undefined ? sink : (v) => (o.sinceNs === undefined || v.timeNs >= o.sinceNs) && (o.untilNs === undefined || v.timeNs <= o.untilNs) && sink(v);
  try {
    if (o.tail === 0) return handOver(fh, size, o.keepOpen);
    if (o.tail !== undefined && o.tail > 0) {
      // Newest first until `tail` lines are found, then those records in order.
      const parts: LogRecord[][] = [];
      let need = o.tail;
      const sources: Array<(n: number) => Promise<{ taken: LogRecord[]; lines: number }>> = [
        async (n) => (fh ? tailOf(fh, size, n) : { taken: [], lines: 0 }),
        ...older.reverse().map((f) => (n: number) => tailOfFile(f, n)),
      ];
      for (const src of sources) {
        const { taken, lines } = await src(need);
        parts.unshift(taken);
        need -= lines;
        if (need <= 0) break;
      }
      for (const part of parts) for (const r of part) filtered({ stream: r.stream, timeNs: r.timeNs, buf: r.data, start: 0, end: r.data.length });
    } else {
      for (const f of older) await streamFile(f, undefined, filtered, flush);
      if (fh) await streamFile(files.current, { fh, size }, filtered, flush);
    }
    await flush?.();
    return handOver(fh, size, o.keepOpen);
  } catch (e) {
    fh?.close();
    throw e;
  }
}

function handOver(fh: RawFile | undefined, size: number, keepOpen?: boolean): { fd?: number; offset: number } {
  if (!keepOpen) fh?.close();
  return { fd: keepOpen ? fh?.fd : undefined, offset: size };
}

/** A plain descriptor with promise reads. */
class RawFile {
  private constructor(readonly fd: number) {}
  static open(f: string): Promise<RawFile | undefined> {
    return new Promise((resolve) => open(f, 'r', (err, fd) => resolve(err ? undefined : new RawFile(fd))));
  }
  size(): Promise<number> {
    return new Promise((resolve, reject) => fstat(this.fd, (err, st) => (err ? reject(err) : resolve(st.size))));
  }
  read(buf: Buffer, off: number, len: number, pos: number): Promise<{ bytesRead: number }> {
    return new Promise((resolve, reject) => read(this.fd, buf, off, len, pos, (err, n) => (err ? reject(err) : resolve({ bytesRead: n }))));
  }
  close(): void {
    close(this.fd, () => undefined);
  }
}

/** The last n lines of a file (a .gz is read whole). */
async function tailOfFile(f: string, n: number): Promise<{ taken: LogRecord[]; lines: number }> {
  try {
    if (f.endsWith('.gz')) return takeLastLines(recordsOf(gunzipSync(await fsp.readFile(f))), n);
    const fh = await RawFile.open(f);
    if (!fh) return { taken: [], lines: 0 };
    try {
      return await tailOf(fh, await fh.size(), n);
    } finally {
      fh.close();
    }
  } catch {
    return { taken: [], lines: 0 };
  }
}

/** The last n lines of the first `size` bytes of a file, read backwards in growing blocks. */
async function tailOf(fh: RawFile, size: number, n: number): Promise<{ taken: LogRecord[]; lines: number }> {
  let start = size;
  let block = 64 * 1024;
  let buf = Buffer.alloc(0);
  for (;;) {
    const from = Math.max(0, start - block);
    const chunk = Buffer.allocUnsafe(start - from);
    let off = 0;
    while (off < chunk.length) {
      const { bytesRead } = await fh.read(chunk, off, chunk.length - off, from + off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    buf = Buffer.concat([chunk.subarray(0, off), buf]);
    start = from;
    // Unless at the start of the file, the first line may be cut: skip it.
    const body = start === 0 ? buf : buf.subarray(buf.indexOf(0x0a) + 1);
    const got = takeLastLines(recordsOf(body), n);
    if (got.lines >= n || start === 0) return got;
    block *= 2;
  }
}

/** The complete lines of a buffer as records. */
function recordsOf(buf: Buffer): LogRecord[] {
  const out: LogRecord[] = [];
  let start = 0;
  let nl;
  while ((nl = buf.indexOf(0x0a, start)) >= 0) {
    const r = parseLogLine(buf.subarray(start, nl));
    if (r) out.push(r);
    start = nl + 1;
  }
  return out;
}

/** The records making the last n lines (a line can span P records: count newline-ended ones). */
function takeLastLines(records: LogRecord[], n: number): { taken: LogRecord[]; lines: number } {
  let lines = 0;
  for (let i = records.length - 1; i >= 0; i--) {
    const d = records[i].data;
    if (d.length && d[d.length - 1] === 0x0a) {
      lines++;
      if (lines > n) return { taken: records.slice(i + 1), lines: n };
    }
  }
  return { taken: records, lines };
}

/** Streams one file's records (a .gz through gunzip; the current file up to `size`). */
async function streamFile(f: string, current: { fh: RawFile; size: number } | undefined, sink: RecordSink, chunkEnd?: ChunkEnd): Promise<void> {
  const scanner = new RecordScanner();
  if (current) {
    let off = 0;
    while (off < current.size) {
      // A buffer per read: the scanner rewrites escapes in place and keeps the unfinished line.
      const buf = Buffer.allocUnsafe(Math.min(1024 * 1024, current.size - off));
      const { bytesRead } = await current.fh.read(buf, 0, buf.length, off);
      if (bytesRead === 0) break;
      off += bytesRead;
      scanner.push(buf.subarray(0, bytesRead), sink);
      await chunkEnd?.();
    }
    return;
  }
  let src: NodeJS.ReadableStream;
  try {
    await fsp.access(f);
    const raw = createReadStream(f, { highWaterMark: 1024 * 1024 });
    src = f.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: 256 * 1024 })) : raw;
  } catch {
    return; // rotated away meanwhile
  }
  try {
    for await (const chunk of src) {
      scanner.push(chunk as Buffer, sink);
      await chunkEnd?.();
    }
  } catch {
    // A file removed by a rotation while read: what was read stands.
  }
}

// ───────────────────────────── following ─────────────────────────────

/**
 * Follows a log file from byte `offset` (of the descriptor `fd` when given, else of the file
 * opened at start), calling onRecord for each new record and onBurst after each read's records.
 * When the file is rotated away (another file takes its name) the rest of the old one is read,
 * then the new one from its start. `drain()` reads whatever is left (call it when the container
 * has exited), then the follower closes.
 */
export class LogFollower {
  /** Followers holding a descriptor or a watch right now (berthd's resource report). */
  static open = 0;
  private watcher?: FSWatcher;
  private fd?: number;
  private ino = 0;
  private offset: number;
  private reading = false;
  private again = false;
  private closed = false;
  private scanner = new RecordScanner();
  private drainWaiters: Array<() => void> = [];

  constructor(
    private file: string,
    offset: number,
    private onRecord: RecordSink,
    private o: { fd?: number; onBurst?: () => void } = {},
  ) {
    this.offset = offset;
  }

  start(): Promise<void> {
    return new Promise((resolve) => {
      const opened = (err: NodeJS.ErrnoException | null, fd: number) => {
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
        fstat(fd, (e, st) => {
          if (!e) this.ino = st.ino;
          try {
            // The directory, not the file: a rotation replaces the file under its name.
            const base = path.basename(this.file);
            this.watcher = watch(path.dirname(this.file), (_ev, name) => {
              if (!name || name.startsWith(base)) this.kick();
            });
            this.watcher.on('error', () => undefined);
          } catch {}
          this.kick();
          resolve();
        });
      };
      if (this.o.fd !== undefined) opened(null, this.o.fd);
      else open(this.file, 'r', opened);
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
      if (this.closed) for (const w of this.drainWaiters.splice(0)) w();
      else if (this.drainWaiters.length) this.close();
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
        this.scanner.push(buf.subarray(0, n), this.onRecord);
        this.o.onBurst?.();
        this.readMore();
        return;
      }
      // At the end: has the file been rotated away? Then what is left of it was all read
      // (nothing writes to it any more), and the new file is read from its start.
      stat(this.file, (e, st) => {
        if (this.closed) {
          this.reading = false;
          this.releaseFd();
          return;
        }
        if (!e && st.ino !== this.ino) {
          read(this.fd!, buf, 0, buf.length, this.offset, (e2, n2) => {
            if (!e2 && n2 > 0) {
              this.offset += n2;
              this.scanner.push(buf.subarray(0, n2), this.onRecord);
              this.o.onBurst?.();
              this.readMore();
              return;
            }
            this.switchTo();
          });
          return;
        }
        this.atEnd();
      });
    });
  }

  /**
   * The file that follows the one just read to its end (inode `ino`), which a rotation has
   * renamed to `<file>.k` (then `<file>.k-1` follows, or the current file for k = 1) or removed
   * (then the oldest rotated file left follows: all that remain are newer). A compressed file
   * cannot be told by its inode: then the current file follows, and what was rotated in between is
   * skipped over, as dockerd's follower does.
   */
  private async nextFile(ino: number): Promise<string> {
    const rotated = await rotatedFiles(this.file);
    const plain = rotated.filter((f) => !f.endsWith('.gz'));
    for (const f of plain) {
      const st = await orUndefined(fsp.stat(f), 'a rotated log file (removed meanwhile)');
      if (st?.ino !== ino) continue;
      const i = rotated.indexOf(f);
      const next = i + 1 < rotated.length ? rotated[i + 1] : this.file;
      return next.endsWith('.gz') ? this.file : next;
    }
    const oldest = rotated[0];
    return oldest && !oldest.endsWith('.gz') && plain.length === rotated.length ? oldest : this.file;
  }

  private switchTo(): void {
    void this.nextFile(this.ino).then((next) => {
      open(next, 'r', (err, fd) => {
        if (this.closed) {
          if (!err) close(fd, () => {});
          this.reading = false;
          this.releaseFd();
          return;
        }
        if (err) {
          this.atEnd();
          return;
        }
        close(this.fd!, () => {});
        this.fd = fd;
        this.offset = 0;
        this.scanner = new RecordScanner();
        fstat(fd, (e, st) => {
          if (!e) this.ino = st.ino;
          this.readMore();
        });
      });
    });
  }

  private atEnd(): void {
    this.reading = false;
    if (this.again) {
      this.again = false;
      this.kick();
      return;
    }
    if (this.drainWaiters.length) this.close();
  }
}
