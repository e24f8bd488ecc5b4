// Log lines: the two formats (json-file, k8s-file) parsed one line at a time (parseLogLine), and
// the hot path of `logs`: scanning a buffer of lines into records without a Buffer, string or
// object per line. A json-file line as berth-logger and dockerd write it
// (`{"log":"…","stream":"stdout","time":"…"}`) is checked byte by byte, its JSON escapes are undone
// in place (an unescaped string is never longer than its escaped form), and the record is handed
// over as a view on the buffer: one object, reused, valid only during the callback. Other lines
// (k8s-file, json-file with attrs) go through parseLogLine.

export interface LogRecord {
  /** Nanoseconds since the epoch (for since/until comparisons and `-t`). */
  timeNs: bigint;
  stream: 'stdout' | 'stderr';
  /** The bytes, with the newline for a record that ends a line. */
  data: Buffer;
}

const NL = Buffer.from('\n');

/** Parses one log line (json-file or k8s-file, without its trailing newline). */
export function parseLogLine(line: Buffer): LogRecord | undefined {
  return line[0] === 0x7b ? parseJsonLine(line) : parseK8sLine(line);
}

/** Parses one k8s-file line. */
export function parseK8sLine(line: Buffer): LogRecord | undefined {
  const s1 = line.indexOf(0x20);
  if (s1 < 0) return undefined;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const s3 = line.indexOf(0x20, s2 + 1);
  const stream = line.subarray(s1 + 1, s2).toString();
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const flag = s3 < 0 ? line.subarray(s2 + 1).toString() : line.subarray(s2 + 1, s3).toString();
  const content = s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1);
  const data = flag === 'P' ? Buffer.from(content) : Buffer.concat([content, NL]);
  return { timeNs: cachedTimeNs(line.subarray(0, s1)), stream, data };
}

const JSON_HEAD = Buffer.from('{"log":"');
const STREAM_KEY = Buffer.from('"stream":"');
const TIME_KEY = Buffer.from('"time":"');

/**
 * Parses one json-file line. The lines berth-logger and dockerd write (`log`, `stream`, `time` in
 * that order) take a fast path on the bytes; anything else goes through JSON.parse.
 */
export function parseJsonLine(line: Buffer): LogRecord | undefined {
  if (line.subarray(0, JSON_HEAD.length).equals(JSON_HEAD)) {
    const end = stringEnd(line, JSON_HEAD.length);
    if (end > 0) {
      const s = line.indexOf(STREAM_KEY, end);
      const t = line.indexOf(TIME_KEY, end);
      if (s > 0 && t > 0) {
        const sv = line.subarray(s + STREAM_KEY.length, s + STREAM_KEY.length + 6).toString();
        const tEnd = line.indexOf(0x22, t + TIME_KEY.length);
        if ((sv === 'stdout' || sv === 'stderr') && tEnd > 0) {
          return { stream: sv, data: unescapeJson(line.subarray(JSON_HEAD.length, end)), timeNs: cachedTimeNs(line.subarray(t + TIME_KEY.length, tEnd)) };
        }
      }
    }
  }
  try {
    const o = JSON.parse(line.toString()) as { log?: string; stream?: string; time?: string };
    const stream = o.stream === 'stderr' ? 'stderr' : 'stdout';
    return { stream, data: Buffer.from(o.log ?? ''), timeNs: parseTimeNs(o.time ?? '') };
  } catch {
    return undefined;
  }
}

/** Index of the quote closing the JSON string that starts at `from`, or -1. */
function stringEnd(b: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const q = b.indexOf(0x22, i);
    if (q < 0) return -1;
    let bs = 0;
    for (let j = q - 1; j >= from && b[j] === 0x5c; j--) bs++;
    if (bs % 2 === 0) return q;
    i = q + 1;
  }
}

/** The bytes a JSON string body stands for (its escapes undone), as UTF-8. */
export function unescapeJson(body: Buffer): Buffer {
  let bs = body.indexOf(0x5c);
  if (bs < 0) return Buffer.from(body);
  // The common line: plain text and its final "\n".
  if (bs === body.length - 2 && body[bs + 1] === 0x6e) {
    const out = Buffer.allocUnsafe(body.length - 1);
    body.copy(out, 0, 0, bs);
    out[bs] = 0x0a;
    return out;
  }
  const out = Buffer.allocUnsafe(body.length);
  let o = 0;
  let i = 0;
  while (bs >= 0) {
    o += body.copy(out, o, i, bs);
    const c = body[bs + 1];
    i = bs + 2;
    switch (c) {
      case 0x6e: out[o++] = 0x0a; break; // n
      case 0x72: out[o++] = 0x0d; break; // r
      case 0x74: out[o++] = 0x09; break; // t
      case 0x62: out[o++] = 0x08; break; // b
      case 0x66: out[o++] = 0x0c; break; // f
      case 0x75: {
        // \uXXXX, a surrogate pair → UTF-8 (never longer than its escape)
        let cp = parseInt(body.subarray(bs + 2, bs + 6).toString(), 16);
        i = bs + 6;
        if (cp >= 0xd800 && cp < 0xdc00 && body[i] === 0x5c && body[i + 1] === 0x75) {
          const lo = parseInt(body.subarray(i + 2, i + 6).toString(), 16);
          if (lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 6;
          }
        }
        o += out.write(String.fromCodePoint(Number.isNaN(cp) ? 0xfffd : cp), o);
        break;
      }
      default: out[o++] = c; // \" \\ \/
    }
    bs = body.indexOf(0x5c, i);
  }
  o += body.copy(out, o, i);
  return out.subarray(0, o);
}

let lastTimeBytes = Buffer.alloc(0);
let lastTimeNs = 0n;

/** parseTimeNs with a one-entry cache: a burst of lines shares its timestamp. */
function cachedTimeNs(t: Buffer): bigint {
  if (t.equals(lastTimeBytes)) return lastTimeNs;
  lastTimeNs = parseTimeNs(t.toString());
  lastTimeBytes = Buffer.from(t);
  return lastTimeNs;
}

/** `2026-11-23T04:52:31.643162609+00:00` or `…Z` → ns since epoch. */
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
    const buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    let start = 0;
    let nl;
    while ((nl = buf.indexOf(0x0a, start)) >= 0) {
      onLine(buf.subarray(start, nl));
      start = nl + 1;
    }
    this.rest = Buffer.from(buf.subarray(start));
  }
}

export interface RecordView {
  stream: 'stdout' | 'stderr';
  timeNs: bigint;
  /** The record's bytes are buf[start, end), its newline included when it ends a line. */
  buf: Buffer;
  start: number;
  end: number;
}

const view: RecordView = { stream: 'stdout', timeNs: 0n, buf: Buffer.alloc(0), start: 0, end: 0 };

// One-entry cache of the last time field: a burst of lines shares its timestamp.
const scanTime = Buffer.alloc(64);
let scanTimeLen = -1;
let scanTimeNs = 0n;

function timeAt(b: Buffer, from: number, to: number): bigint {
  const n = to - from;
  if (n === scanTimeLen && n <= 64) {
    let same = true;
    // The fraction changes first: compare from the end.
    for (let i = n - 1; i >= 0; i--) {
      if (b[from + i] !== scanTime[i]) {
        same = false;
        break;
      }
    }
    if (same) return scanTimeNs;
  }
  scanTimeNs = parseTimeNs(b.toString('latin1', from, to));
  if (n <= 64) {
    b.copy(scanTime, 0, from, to);
    scanTimeLen = n;
  } else scanTimeLen = -1;
  return scanTimeNs;
}

/**
 * Calls `cb` for each complete line's record in b[from, to); returns where the unfinished last
 * line starts (or `to`). Rewrites escaped lines in place.
 */
export function scanLines(b: Buffer, from: number, to: number, cb: (v: RecordView) => void): number {
  let p = from;
  while (p < to) {
    const nl = b.indexOf(0x0a, p);
    if (nl < 0 || nl >= to) break;
    if (fastJson(b, p, nl)) cb(view);
    else {
      const r = parseLogLine(b.subarray(p, nl));
      if (r) {
        view.stream = r.stream;
        view.timeNs = r.timeNs;
        view.buf = r.data;
        view.start = 0;
        view.end = r.data.length;
        cb(view);
      }
    }
    p = nl + 1;
  }
  return p;
}

/** Fills `view` from a standard json-file line at b[p, nl); false if the line is not one. */
function fastJson(b: Buffer, p: number, nl: number): boolean {
  // {"log":"
  if (nl - p < 40 || b[p] !== 0x7b || b[p + 1] !== 0x22 || b[p + 2] !== 0x6c || b[p + 3] !== 0x6f || b[p + 4] !== 0x67 || b[p + 5] !== 0x22 || b[p + 6] !== 0x3a || b[p + 7] !== 0x22) return false;
  // Parsed from the end: the time value holds no quote, and the closing quote of "log" is then at
  // a fixed distance before it (`","stream":"stdout","time":"` is 28 bytes).
  if (b[nl - 1] !== 0x7d || b[nl - 2] !== 0x22) return false;
  let t = nl - 3;
  while (t > p && b[t] !== 0x22) t--;
  const q = t - 27;
  if (q < p + 8 || b[q] !== 0x22 || b[q + 1] !== 0x2c || b[q + 3] !== 0x73 || b[q + 12] !== 0x73 || b[q + 13] !== 0x74 || b[q + 14] !== 0x64 || b[q + 18] !== 0x22 || b[q + 21] !== 0x74) return false;
  const esc = b.indexOf(0x5c, p + 8);
  const firstEsc = esc >= 0 && esc < q ? esc : -1;
  const s = b[q + 15];
  if (s === 0x6f) view.stream = 'stdout';
  else if (s === 0x65) view.stream = 'stderr';
  else return false;
  view.timeNs = timeAt(b, q + 28, nl - 2);
  view.buf = b;
  view.start = p + 8;
  if (firstEsc < 0) view.end = q;
  else if (firstEsc === q - 2 && b[q - 1] === 0x6e) {
    // The common line: plain text and its final \n.
    b[q - 2] = 0x0a;
    view.end = q - 1;
  } else view.end = unescapeInPlace(b, firstEsc, q);
  return true;
}

/** Undoes the JSON escapes of b[from, to) in place; returns the new end. */
function unescapeInPlace(b: Buffer, from: number, to: number): number {
  let w = from;
  let i = from;
  while (i < to) {
    const c = b[i];
    if (c !== 0x5c) {
      b[w++] = c;
      i++;
      continue;
    }
    const e = b[i + 1];
    i += 2;
    switch (e) {
      case 0x6e: b[w++] = 0x0a; break; // n
      case 0x72: b[w++] = 0x0d; break; // r
      case 0x74: b[w++] = 0x09; break; // t
      case 0x62: b[w++] = 0x08; break; // b
      case 0x66: b[w++] = 0x0c; break; // f
      case 0x75: {
        let cp = hex4(b, i);
        i += 4;
        if (cp >= 0xd800 && cp < 0xdc00 && b[i] === 0x5c && b[i + 1] === 0x75) {
          const lo = hex4(b, i + 2);
          if (lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 6;
          }
        }
        if (cp < 0 || (cp >= 0xd800 && cp < 0xe000)) cp = 0xfffd;
        if (cp < 0x80) b[w++] = cp;
        else if (cp < 0x800) {
          b[w++] = 0xc0 | (cp >> 6);
          b[w++] = 0x80 | (cp & 0x3f);
        } else if (cp < 0x10000) {
          b[w++] = 0xe0 | (cp >> 12);
          b[w++] = 0x80 | ((cp >> 6) & 0x3f);
          b[w++] = 0x80 | (cp & 0x3f);
        } else {
          b[w++] = 0xf0 | (cp >> 18);
          b[w++] = 0x80 | ((cp >> 12) & 0x3f);
          b[w++] = 0x80 | ((cp >> 6) & 0x3f);
          b[w++] = 0x80 | (cp & 0x3f);
        }
        break;
      }
      default: b[w++] = e; // \" \\ \/
    }
  }
  return w;
}

function hex4(b: Buffer, i: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = b[i + k];
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Splits a growing byte stream into records, keeping the unfinished last line. */
export class RecordScanner {
  private rest: Buffer = Buffer.alloc(0);
  push(chunk: Buffer, cb: (v: RecordView) => void): void {
    const buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const at = scanLines(buf, 0, buf.length, cb);
    this.rest = at < buf.length ? Buffer.from(buf.subarray(at)) : Buffer.alloc(0);
  }
}

/** A record of its own (copied out of the view). */
export function copyRecord(v: RecordView): { stream: 'stdout' | 'stderr'; timeNs: bigint; data: Buffer } {
  return { stream: v.stream, timeNs: v.timeNs, data: Buffer.from(v.buf.subarray(v.start, v.end)) };
}
