// Attach and logs. Output comes from the container's log files (replayed, then followed through
// inotify, across rotations), so attach and logs see the same bytes in the same order. Input goes to conmon's attach socket,
// a SOCK_SEQPACKET socket Node cannot open: socat carries stdin to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LogFollower, readLog, parseTimeNs, type RecordView } from '../runtime/logfile.js';
import { logFilesOf, logsNotReadable, outputPathOf } from './logging.js';
import type { ContainerService } from './service.js';
import type { ContainerRecord } from './types.js';
import { InvalidArgumentError } from '../errors.js';
import { settled } from '../../util/best-effort.js';

export type StreamName = 'stdout' | 'stderr';

export interface OutputSink {
  /** false: the client is behind; wait for `drained()` before more. */
  write(stream: StreamName, data: Buffer): boolean | void;
  drained?(): Promise<void>;
}

/**
 * Joins consecutive records of one stream into one write (one frame of the multiplexed stream),
 * copying them out of the reader's buffers: a log of ten million short lines is then a few
 * thousand writes, not ten million.
 */
class Batcher {
  private static readonly SIZE = 256 * 1024;
  private stream: StreamName = 'stdout';
  private buf = Buffer.allocUnsafe(Batcher.SIZE);
  private len = 0;
  private behind?: Promise<void>;
  constructor(private sink: OutputSink) {}
  append(stream: StreamName, src: Buffer, start: number, end: number): void {
    if (this.len && stream !== this.stream) this.writeGathered();
    this.stream = stream;
    const n = end - start;
    if (this.len + n > Batcher.SIZE) this.writeGathered();
    if (n > Batcher.SIZE) {
      this.write(Buffer.from(src.subarray(start, end)));
      return;
    }
    this.len += src.copy(this.buf, this.len, start, end);
  }
  /** Hands what is gathered to the sink; a promise when the client is behind (hold back until it settles). */
  flush(): Promise<void> | undefined {
    this.writeGathered();
    const b = this.behind;
    this.behind = undefined;
    return b;
  }
  private writeGathered(): void {
    if (!this.len) return;
    const data = this.buf.subarray(0, this.len);
    this.buf = Buffer.allocUnsafe(Batcher.SIZE);
    this.len = 0;
    this.write(data);
  }
  private write(data: Buffer): void {
    if (this.sink.write(this.stream, data) === false && this.sink.drained && !this.behind) this.behind = this.sink.drained();
  }
}

/** `ctrl-p,ctrl-q` → bytes; Docker's format for --detach-keys. */
export function parseDetachKeys(spec: string | null | undefined): Buffer {
  const s = spec || 'ctrl-p,ctrl-q';
  const out: number[] = [];
  for (const k of s.split(',')) {
    if (k.length === 1) out.push(k.charCodeAt(0));
    else if (k === 'DEL') out.push(127);
    else if (/^ctrl-[a-z@[\\\]^_]$/.test(k)) {
      const c = k[5];
      out.push(c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : ({ '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, _: 31 } as Record<string, number>)[c]);
    } else throw new InvalidArgumentError(`Invalid detach keys (${s}) provided`);
  }
  return Buffer.from(out);
}

/** Finds the detach sequence across chunk boundaries; passes everything before it through. */
export class DetachScanner {
  private matched = 0;
  constructor(private keys: Buffer) {}
  /** Returns the bytes to forward, and whether the sequence completed. */
  push(chunk: Buffer): { forward: Buffer; detached: boolean } {
    if (this.keys.length === 0) return { forward: chunk, detached: false };
    const out: number[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) return { forward: Buffer.from(out), detached: true };
        continue;
      }
      // A partial match that fails is flushed as ordinary input.
      if (this.matched) {
        for (let j = 0; j < this.matched; j++) out.push(this.keys[j]);
        this.matched = 0;
        if (b === this.keys[0]) {
          this.matched = 1;
          continue;
        }
      }
      out.push(b);
    }
    return { forward: Buffer.from(out), detached: false };
  }
}

/**
 * Client stdin → conmon's attach socket. That socket is SOCK_SEQPACKET, which Node cannot open:
 * socat carries the bytes. Input that arrives before `connect()` (attach before start) is held;
 * the detach sequence is cut out and reported; the client's EOF closes the container's stdin.
 */
export class StdinForwarder {
  private socat?: ChildProcess;
  private pending: Buffer[] = [];
  private ended = false;
  private closed = false;

  constructor(
    private socketPath: string,
    private stdin: Readable,
    /** The detach sequence (see parseDetachKeys); empty: none, all input is passed on. */
    detachKeys: Buffer,
    onDetach: () => void,
  ) {
    const scanner = new DetachScanner(detachKeys);
    stdin.on('data', (chunk: Buffer) => {
      const { forward, detached } = scanner.push(chunk);
      if (forward.length) {
        if (this.socat) this.socat.stdin!.write(forward);
        else this.pending.push(forward);
      }
      if (detached) onDetach();
    });
    stdin.on('end', () => {
      this.ended = true;
      this.socat?.stdin!.end();
    });
  }

  connect(): void {
    if (this.closed || this.socat) return;
    const socat = spawn('socat', ['-u', 'STDIN', `UNIX-CONNECT:${this.socketPath},type=5`], { stdio: ['pipe', 'ignore', 'ignore'] });
    socat.on('error', () => undefined);
    socat.stdin!.on('error', () => undefined);
    for (const b of this.pending.splice(0)) socat.stdin!.write(b);
    if (this.ended) socat.stdin!.end();
    this.socat = socat;
  }

  close(): void {
    this.closed = true;
    this.stdin.removeAllListeners('data');
    this.socat?.stdin?.destroy();
    this.socat?.kill('SIGTERM');
  }
}

export interface AttachOptions {
  stdin?: Readable;
  stdout: boolean;
  stderr: boolean;
  logs: boolean;
  stream: boolean;
  detachKeys?: string;
  sink: OutputSink;
}

export type AttachEnd = 'exited' | 'detached' | 'closed';

/**
 * Attaches to a container. Resolves when the output is over: the container exited (after all of
 * its output was sent), the client detached (published as a `detach` event), or the client went
 * away (call `abort`). Bad detach keys throw here, before anything is streamed.
 */
export function attachContainer(svc: ContainerService, rec: ContainerRecord, o: AttachOptions): { done: Promise<AttachEnd>; abort: () => void } {
  if (o.detachKeys) parseDetachKeys(o.detachKeys);
  // Aborted when the attach ends for any reason: withdraws the start/exit waiters at once.
  const ended = new AbortController();
  let follower: LogFollower | undefined;
  let input: StdinForwarder | undefined;
  let resolveDone!: (e: AttachEnd) => void;
  const done = new Promise<AttachEnd>((r) => (resolveDone = r));
  const finish = (why: AttachEnd) => {
    if (ended.signal.aborted) return;
    ended.abort();
    follower?.close();
    input?.close();
    if (why === 'detached') svc.emit(rec, 'detach');
    resolveDone(why);
  };
  const wanted = (s: StreamName) => (s === 'stdout' ? o.stdout : o.stderr);
  const batch = new Batcher(o.sink);
  const emit = (v: RecordView) => {
    if (!ended.signal.aborted && wanted(v.stream)) batch.append(v.stream, v.buf, v.start, v.end);
  };
  const flush = () => {
    if (!ended.signal.aborted) return batch.flush();
  };

  void (async () => {
    const outPath = outputPathOf(svc, rec);
    // Before a first start the directory (the bundle, for `none`) may not exist yet.
    await fsp.mkdir(path.dirname(outPath), { recursive: true });
    await fsp.writeFile(outPath, '', { flag: 'a' });
    const files = logFilesOf(svc, rec);
    // As dockerd: the replay (logs=1) comes from the log; a driver that keeps none has nothing.
    const replayed = files && o.logs ? await readLog(files, { keepOpen: o.stream && outPath === files.current }, emit, flush) : undefined;
    // Where the live output starts: fixed before the event, which a client may answer with a start.
    const from = replayed?.fd !== undefined ? replayed : await endOf(outPath);
    // dockerd publishes `attach` once the logs are replayed, before streaming (also without it).
    svc.emit(rec, 'attach');
    if (!o.stream) {
      finish('closed');
      return;
    }
    const following = await followFrom(svc, rec.id, outPath, from, emit, () => void flush(), ended.signal);
    if (!following) return;
    follower = following.follower;
    const exited = following.exited;
    if (o.stdin && rec.config.OpenStdin) wireStdin();
    // As dockerd: a container that is not running (created, or exited) is attached to its next
    // run, so attach-then-start (`docker start -a`, docker-py's and compose's `run`) sees that
    // run's output and ends at its exit. A removal ends the wait too.
    await Promise.race([exited, svc.waiters.removed(rec.id, ended.signal)]);
    await follower.drain();
    void flush();
    finish('exited');
  })().catch(() => finish('closed'));

  function wireStdin() {
    // As dockerd: the detach sequence is looked for only on a terminal; without one stdin is
    // passed on byte for byte (the keys were checked before the stream was opened).
    const keys = !rec.config.Tty || o.detachKeys === '' ? Buffer.alloc(0) : parseDetachKeys(o.detachKeys);
    input = new StdinForwarder(svc.attachSocket(rec.id), o.stdin!, keys, () => finish('detached'));
    if (rec.state.Running) input.connect();
    else
      svc.nextStart(rec.id, ended.signal).then(
        () => input?.connect(),
        () => undefined,
      );
  }

  return { done, abort: () => finish('closed') };
}

export interface LogsOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  since?: bigint;
  until?: bigint;
  tail?: number;
  timestamps: boolean;
  sink: OutputSink;
}

/** Docker's timestamp form in logs: RFC 3339 with nanoseconds, in UTC ('Z'). */
export function dockerTimestamp(r: { timeNs: bigint }): string {
  const ns = r.timeNs;
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

/** Throws dockerd's 501 when the container's driver keeps no log to read. */
export function assertLogsReadable(svc: ContainerService, rec: ContainerRecord): void {
  if (!logFilesOf(svc, rec)) throw logsNotReadable();
}

export function streamLogs(svc: ContainerService, rec: ContainerRecord, o: LogsOptions): { done: Promise<void>; abort: () => void } {
  // Aborted when the stream ends for any reason: withdraws the exit waiter at once.
  const ended = new AbortController();
  let follower: LogFollower | undefined;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const finish = () => {
    if (ended.signal.aborted) return;
    ended.abort();
    follower?.close();
    resolveDone();
  };
  let atLineStart = true;
  const batch = new Batcher(o.sink);
  let stampNs = -1n;
  let stamp = Buffer.alloc(0);
  const emit = (v: RecordView) => {
    if (ended.signal.aborted) return;
    if (v.stream === 'stdout' ? !o.stdout : !o.stderr) return;
    if (o.until !== undefined && v.timeNs > o.until) return;
    if (o.since !== undefined && v.timeNs < o.since) return;
    // Docker prefixes every line; a line made of partial records gets one prefix.
    if (o.timestamps && atLineStart) {
      if (v.timeNs !== stampNs) {
        stampNs = v.timeNs;
        stamp = Buffer.from(dockerTimestamp(v) + ' ');
      }
      batch.append(v.stream, stamp, 0, stamp.length);
    }
    atLineStart = v.end > v.start && v.buf[v.end - 1] === 0x0a;
    batch.append(v.stream, v.buf, v.start, v.end);
  };
  const flush = () => {
    if (!ended.signal.aborted) return batch.flush();
  };
  void (async () => {
    const files = logFilesOf(svc, rec);
    if (!files) {
      finish();
      return;
    }
    const untilPast = o.until !== undefined && o.until <= BigInt(Date.now()) * 1_000_000n;
    const follow = o.follow && !untilPast && (rec.state.Running || rec.state.Restarting);
    const at = await readLog(files, { tail: o.tail, sinceNs: o.since, untilNs: o.until, keepOpen: follow }, emit, flush);
    if (!follow) {
      finish();
      return;
    }
    const following = await followFrom(svc, rec.id, files.current, at, emit, () => void flush(), ended.signal);
    if (!following) return;
    follower = following.follower;
    const exited = following.exited;
    await exited;
    await follower.drain();
    await flush();
    finish();
  })().catch(() => finish());
  return { done, abort: finish };
}

function closeFd(fd: number | undefined): void {
  if (fd !== undefined) closeSync(fd);
}

/** The end of a file now (attach without replay follows from there). */
async function endOf(file: string): Promise<{ offset: number }> {
  try {
    return { offset: (await fsp.stat(file)).size };
  } catch {
    return { offset: 0 };
  }
}

/** `since`/`until` query values: Unix seconds (with fraction) or RFC 3339; → ns. */
export function parseLogTime(v: string | null): bigint | undefined {
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) {
    const [s, f = ''] = v.split('.');
    return BigInt(s) * 1_000_000_000n + BigInt(f.padEnd(9, '0').slice(0, 9));
  }
  const ns = parseTimeNs(v.replace(/Z$/, '+00:00'));
  if (ns === 0n) {
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new InvalidArgumentError(`invalid value for since/until: ${v}`);
    return BigInt(t) * 1_000_000n;
  }
  return ns;
}

/**
 * Starts following a container's log from `size`, having registered for its next exit first so
 * none is missed. Undefined when the client went (`signal`) before or meanwhile: nothing is left
 * open for it then.
 */
async function followFrom(
  svc: ContainerService,
  id: string,
  file: string,
  at: { fd?: number; offset: number },
  emit: (v: RecordView) => void,
  onBurst: () => void,
  signal: AbortSignal,
): Promise<{ follower: LogFollower; exited: Promise<number> } | undefined> {
  if (signal.aborted) {
    closeFd(at.fd);
    return undefined;
  }
  const exited = svc.nextExit(id, signal);
  void settled(exited); // rejected only by the abort, which ends the caller anyway
  const follower = new LogFollower(file, at.offset, emit, { fd: at.fd, onBurst });
  await follower.start();
  if (signal.aborted) {
    follower.close();
    return undefined;
  }
  return { follower, exited };
}
