// A streaming tar reader as an async iterator: one entry at a time, its body read (or skipped)
// before the next header is parsed, so callers can do async file-system work per entry with
// natural back-pressure. Understands ustar, PAX (`x`, `g`) and GNU long names (`L`, `K`).
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../util/errors.js';
import { BLOCK, type TarEntryType } from './tar-header.js';

export interface TarReadEntry {
  path: string;
  type: TarEntryType | 'other';
  /** The raw typeflag character. */
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  size: number;
  /** Seconds since the epoch, possibly fractional (PAX). */
  mtime: number;
  linkpath: string;
  devmajor: number;
  devminor: number;
  xattrs: Record<string, Buffer>;
}

/** A chunk as a Buffer without copying it (streams hand out Buffers; other Uint8Arrays are wrapped). */
function asBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Pulls exact byte counts out of a chunked stream. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  private it: AsyncIterator<Buffer>;
  /** Bytes handed out so far (read, streamed or skipped): the stream offset of the next byte. */
  position = 0;
  constructor(src: AsyncIterable<Buffer>) {
    this.it = src[Symbol.asyncIterator]();
  }
  private async fill(n: number): Promise<void> {
    while (this.buf.length < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else this.buf = this.buf.length === 0 ? asBuffer(r.value) : Buffer.concat([this.buf, r.value]);
    }
  }
  /** Exactly n bytes, or fewer only at end of stream. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(out.length);
    this.position += out.length;
    return out;
  }
  /**
   * Yields `state.left` bytes in chunks (throws on a truncated stream), counting down in `state`
   * so a consumer that stops early leaves an exact remainder for skip().
   */
  async *stream(state: { left: number }): AsyncGenerator<Buffer> {
    while (state.left > 0) {
      if (this.buf.length === 0) await this.fill(1);
      if (this.buf.length === 0) throw new InvalidArgumentError('unexpected EOF in tar archive');
      const take = Math.min(state.left, this.buf.length);
      const chunk = this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      state.left -= take;
      this.position += take;
      yield chunk;
    }
  }
  async skip(n: number): Promise<void> {
    for await (const _ of this.stream({ left: n }));
  }
  async drain(): Promise<void> {
    while (!this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
    }
    this.buf = Buffer.alloc(0);
  }
}

function cString(b: Buffer): string {
  const z = b.indexOf(0);
  return (z === -1 ? b : b.subarray(0, z)).toString('utf8');
}

function parseNumeric(b: Buffer): number {
  // GNU base-256 for values that do not fit octal.
  if (b[0] & 0x80) {
    let n = 0;
    for (let i = 1; i < b.length; i++) n = n * 256 + b[i];
    return (b[0] & 0x40) ? -n : n;
  }
  const s = cString(b).trim();
  if (s === '') return 0;
  const n = parseInt(s, 8);
  if (Number.isNaN(n)) throw new InvalidArgumentError('archive/tar: invalid tar header');
  return n;
}

function checksumOk(h: Buffer): boolean {
  const stored = parseNumeric(h.subarray(148, 156));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= 148 && i < 156 ? 32 : h[i];
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  return stored === unsigned || stored === signed;
}

function parsePax(body: Buffer): Map<string, string | Buffer> {
  const out = new Map<string, string | Buffer>();
  let off = 0;
  while (off < body.length) {
    const sp = body.indexOf(0x20, off);
    if (sp === -1) break;
    const len = parseInt(body.subarray(off, sp).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0 || off + len > body.length) throw new InvalidArgumentError('archive/tar: invalid PAX record');
    const rec = body.subarray(sp + 1, off + len - 1); // drop trailing newline
    const eq = rec.indexOf(0x3d);
    if (eq !== -1) {
      const key = rec.subarray(0, eq).toString('utf8');
      const val = rec.subarray(eq + 1);
      out.set(key, key.startsWith('SCHILY.xattr.') ? Buffer.from(val) : val.toString('utf8'));
    }
    off += len;
  }
  return out;
}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

export interface TarReader {
  entries(): AsyncGenerator<TarReadItem>;
}

export interface TarReadItem {
  entry: TarReadEntry;
  body: AsyncGenerator<Buffer>;
  /** Offset of the body's first byte in the input stream. */
  offset: number;
}

/**
 * Iterates the entries of a tar stream. Each entry's `body` must be consumed or abandoned before
 * asking for the next; what is left unread is skipped. Anything after the end blocks is drained.
 */
export async function* readTar(input: Readable | AsyncIterable<Buffer>): AsyncGenerator<TarReadItem> {
  const r = new ByteReader(input as AsyncIterable<Buffer>);
  let globalPax = new Map<string, string | Buffer>();
  let pax = new Map<string, string | Buffer>();
  let longName: string | undefined;
  let longLink: string | undefined;
  let sawAny = false;
  for (;;) {
    const h = await r.read(BLOCK);
    if (h.length === 0 && !sawAny) throw new InvalidArgumentError('archive/tar: empty archive');
    if (h.length < BLOCK) {
      if (h.length === 0) return; // tolerated: archive without end blocks
      throw new InvalidArgumentError('unexpected EOF in tar archive');
    }
    if (h.every((b) => b === 0)) {
      await r.drain();
      return;
    }
    if (!checksumOk(h)) throw new InvalidArgumentError('archive/tar: invalid tar header');
    sawAny = true;
    const typeflag = String.fromCharCode(h[156] || 0);
    let size = parseNumeric(h.subarray(124, 136));
    const padded = Math.ceil(size / BLOCK) * BLOCK;

    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (size > 16 * 1024 * 1024) throw new InvalidArgumentError('archive/tar: header too large');
      const body = await r.read(padded);
      if (body.length < padded) throw new InvalidArgumentError('unexpected EOF in tar archive');
      const data = body.subarray(0, size);
      if (typeflag === 'x') pax = new Map([...pax, ...parsePax(data)]);
      else if (typeflag === 'g') globalPax = new Map([...globalPax, ...parsePax(data)]);
      else if (typeflag === 'L') longName = cString(data);
      else longLink = cString(data);
      continue;
    }

    const all = new Map([...globalPax, ...pax]);
    const str = (k: string): string | undefined => {
      const v = all.get(k);
      return v === undefined ? undefined : String(v);
    };
    const magic = h.subarray(257, 263).toString('latin1');
    const prefix = magic.startsWith('ustar') ? cString(h.subarray(345, 500)) : '';
    let name = cString(h.subarray(0, 100));
    if (prefix) name = `${prefix}/${name}`;
    const paxSize = str('size');
    if (paxSize !== undefined) size = Number(paxSize);
    const xattrs: Record<string, Buffer> = {};
    for (const [k, v] of all) if (k.startsWith('SCHILY.xattr.')) xattrs[k.slice('SCHILY.xattr.'.length)] = Buffer.isBuffer(v) ? v : Buffer.from(v);
    const entry: TarReadEntry = {
      path: str('path') ?? longName ?? name,
      type: TYPES[typeflag] ?? 'other',
      typeflag,
      mode: parseNumeric(h.subarray(100, 108)) & 0o7777,
      uid: str('uid') !== undefined ? Number(str('uid')) : parseNumeric(h.subarray(108, 116)),
      gid: str('gid') !== undefined ? Number(str('gid')) : parseNumeric(h.subarray(116, 124)),
      uname: str('uname') ?? cString(h.subarray(265, 297)),
      gname: str('gname') ?? cString(h.subarray(297, 329)),
      size,
      mtime: str('mtime') !== undefined ? Number(str('mtime')) : parseNumeric(h.subarray(136, 148)),
      linkpath: str('linkpath') ?? longLink ?? cString(h.subarray(157, 257)),
      devmajor: parseNumeric(h.subarray(329, 337)),
      devminor: parseNumeric(h.subarray(337, 345)),
      xattrs,
    };
    pax = new Map();
    longName = undefined;
    longLink = undefined;
    // Only regular files carry a body; for others the size field is ignored (as Go's archive/tar).
    const bodySize = entry.type === 'file' || entry.type === 'other' ? size : 0;
    if (entry.type !== 'file') entry.size = 0;
    const state = { left: bodySize };
    yield { entry, body: r.stream(state), offset: r.position };
    // Skip what the consumer left, then the padding.
    if (state.left > 0) await r.skip(state.left);
    const pad = (BLOCK - (bodySize % BLOCK)) % BLOCK;
    if (pad) await r.skip(pad);
  }
}
