// Encoding of tar headers (ustar, with a PAX extended header when a field does not fit), so the
// tars berth writes are byte-for-byte deterministic: layer diffs, docker save archives, cp.
export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarEntry {
  /** Path inside the archive, no leading slash; directories may end with `/`. */
  path: string;
  type: TarEntryType;
  mode: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  size?: number;
  /** Seconds since the epoch (fractions are kept in a PAX header). */
  mtime?: number;
  linkpath?: string;
  devmajor?: number;
  devminor?: number;
  /** Extended attributes, written as PAX `SCHILY.xattr.<name>`. */
  xattrs?: Record<string, Buffer>;
}

export const BLOCK = 512;

const TYPEFLAG: Record<TarEntryType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

function octal(n: number, width: number): string | undefined {
  const s = Math.trunc(n).toString(8);
  if (s.length > width - 1) return undefined;
  return s.padStart(width - 1, '0') + '\0';
}

function writeString(buf: Buffer, off: number, len: number, s: string): boolean {
  const b = Buffer.from(s, 'utf8');
  if (b.length > len) return false;
  b.copy(buf, off);
  return true;
}

/** Splits a long path into ustar prefix (≤155) and name (≤100) at a slash, if possible. */
function splitUstarPath(p: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(p) <= 100) return { prefix: '', name: p };
  if (Buffer.byteLength(p) > 256) return undefined;
  for (let i = p.length - 1; i > 0; i--) {
    if (p[i] !== '/') continue;
    const prefix = p.slice(0, i);
    const name = p.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0) return { prefix, name };
  }
  return undefined;
}

function paxRecord(key: string, value: string | Buffer): Buffer {
  const v = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), v, Buffer.from('\n')]);
  // The length field counts itself, so find the fixed point.
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function rawHeader(f: {
  name: string;
  prefix: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
}): Buffer {
  const h = Buffer.alloc(BLOCK);
  writeString(h, 0, 100, f.name);
  h.write(octal(f.mode & 0o7777, 8)!, 100, 'ascii');
  h.write(octal(f.uid, 8) ?? octal(0, 8)!, 108, 'ascii');
  h.write(octal(f.gid, 8) ?? octal(0, 8)!, 116, 'ascii');
  h.write(octal(f.size, 12) ?? octal(0, 12)!, 124, 'ascii');
  h.write(octal(f.mtime, 12) ?? octal(0, 12)!, 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(f.typeflag, 156, 'ascii');
  writeString(h, 157, 100, f.linkname);
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  writeString(h, 265, 32, f.uname);
  writeString(h, 297, 32, f.gname);
  h.write(octal(f.devmajor, 8)!, 329, 'ascii');
  h.write(octal(f.devminor, 8)!, 337, 'ascii');
  writeString(h, 345, 155, f.prefix);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i];
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

/** Padding after `size` bytes of body to the next block boundary. */
export function padding(size: number): Buffer {
  const rem = size % BLOCK;
  return rem === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rem);
}

/** The two zero blocks that end an archive. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(BLOCK * 2);
}

/** Header block(s) for one entry: a PAX `x` header first when names, ids or sizes do not fit ustar. */
export function encodeHeader(e: TarEntry): Buffer {
  let p = e.path.replace(/^\/+/, '');
  if (e.type === 'dir' && !p.endsWith('/')) p += '/';
  const size = e.type === 'file' ? (e.size ?? 0) : 0;
  const uid = e.uid ?? 0;
  const gid = e.gid ?? 0;
  const mtime = e.mtime ?? 0;
  const linkname = e.linkpath ?? '';
  const pax: Buffer[] = [];
  const split = splitUstarPath(p);
  if (!split) pax.push(paxRecord('path', p));
  if (Buffer.byteLength(linkname) > 100) pax.push(paxRecord('linkpath', linkname));
  if (octal(size, 12) === undefined) pax.push(paxRecord('size', String(size)));
  if (octal(uid, 8) === undefined) pax.push(paxRecord('uid', String(uid)));
  if (octal(gid, 8) === undefined) pax.push(paxRecord('gid', String(gid)));
  if (!Number.isInteger(mtime) || octal(mtime, 12) === undefined) pax.push(paxRecord('mtime', String(mtime)));
  for (const [k, v] of Object.entries(e.xattrs ?? {})) pax.push(paxRecord(`SCHILY.xattr.${k}`, v));

  const common = {
    mode: e.mode,
    uid,
    gid,
    mtime: Math.max(0, Math.floor(mtime)),
    uname: e.uname ?? '',
    gname: e.gname ?? '',
    devmajor: e.devmajor ?? 0,
    devminor: e.devminor ?? 0,
  };
  const main = rawHeader({
    ...common,
    name: split ? split.name : p.slice(0, 99),
    prefix: split ? split.prefix : '',
    size,
    typeflag: TYPEFLAG[e.type],
    linkname: Buffer.byteLength(linkname) > 100 ? linkname.slice(0, 99) : linkname,
  });
  if (pax.length === 0) return main;
  const body = Buffer.concat(pax);
  const paxName = `PaxHeaders.0/${(split ? split.name : p.split('/').filter(Boolean).pop() ?? 'x').slice(0, 80)}`;
  const xh = rawHeader({ ...common, name: paxName, prefix: '', size: body.length, typeflag: 'x', linkname: '', mode: 0o644 });
  return Buffer.concat([xh, body, padding(body.length), main]);
}
