// Hand-made tar archives for the hostile-input tests. Written here byte by byte (ustar), not
// with the project's own tar code, so a bug there cannot hide an escape here.
import { createHash } from 'node:crypto';

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarEntrySpec {
  name: string;
  type?: TarEntryType;
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  devmajor?: number;
  devminor?: number;
}

const TYPEFLAG: Record<TarEntryType, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' };

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function header(e: TarEntrySpec, size: number): Buffer {
  const h = Buffer.alloc(512);
  const type = e.type ?? 'file';
  // Long names are split into ustar's prefix (155) and name (100) fields.
  let name = e.name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name) - cut - 1 > 100) throw new Error(`name too long for ustar: ${name}`);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  h.write(name, 0, 100, 'utf8');
  h.write(octal(e.mode ?? (type === 'dir' ? 0o755 : 0o644), 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(1704067200, 12), 136, 'ascii');
  h.fill(' ', 148, 156);
  h.write(TYPEFLAG[type], 156, 'ascii');
  if (e.linkname) {
    if (Buffer.byteLength(e.linkname) > 100) throw new Error(`link name longer than ustar allows: ${e.linkname}`);
    h.write(e.linkname, 157, 100, 'utf8');
  }
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('root', 265, 'ascii');
  h.write('root', 297, 'ascii');
  h.write(octal(e.devmajor ?? 0, 8), 329, 'ascii');
  h.write(octal(e.devminor ?? 0, 8), 337, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

/** A complete tar archive (with the two zero blocks at the end). */
export function makeTar(entries: TarEntrySpec[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.content === undefined ? Buffer.alloc(0) : Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content);
    const size = (e.type ?? 'file') === 'file' ? data.length : 0;
    parts.push(header(e, size));
    if (size) {
      parts.push(data);
      if (size % 512) parts.push(Buffer.alloc(512 - (size % 512)));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export interface ImageArchiveSpec {
  /** Layer tars, bottom first. */
  layers: Buffer[];
  repoTag?: string;
  cmd?: string[];
  /** Extra raw entries in the outer archive (for hostile outer archives). */
  extraOuter?: TarEntrySpec[];
}

/** A `docker save` style archive (manifest.json, config, layer tars) around the given layers. */
export function makeImageArchive(spec: ImageArchiveSpec): Buffer {
  const diffIds = spec.layers.map((l) => `sha256:${sha256(l)}`);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      config: { Cmd: spec.cmd ?? ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: spec.layers.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: 'test' })),
    }),
  );
  const configName = `${sha256(config)}.json`;
  const layerNames = spec.layers.map((l) => `${sha256(l)}/layer.tar`);
  const manifest = [{ Config: configName, RepoTags: spec.repoTag ? [spec.repoTag] : null, Layers: layerNames }];
  const entries: TarEntrySpec[] = [{ name: configName, content: config }];
  spec.layers.forEach((l, i) => {
    entries.push({ name: `${sha256(l)}/`, type: 'dir' });
    entries.push({ name: layerNames[i], content: l });
  });
  entries.push(...(spec.extraOuter ?? []));
  entries.push({ name: 'manifest.json', content: JSON.stringify(manifest) });
  return makeTar(entries);
}

/** Entry names of a tar stream, read with the system tar (independent of the code under test). */
export async function tarNames(archive: Buffer): Promise<string[]> {
  const { runCommand } = await import('./proc.js');
  const r = await runCommand('tar', ['-t', '-f', '-'], { input: archive, timeoutMs: 15_000 });
  if (r.code !== 0) throw new Error(`not a readable tar: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).map((n) => n.replace(/^\.\//, ''));
}

/** One member's content from a tar stream. */
export async function tarMember(archive: Buffer, name: string): Promise<string> {
  const { runCommand } = await import('./proc.js');
  const r = await runCommand('tar', ['-x', '-O', '-f', '-', name], { input: archive, timeoutMs: 15_000 });
  if (r.code !== 0) throw new Error(`cannot read ${name} from the tar: ${r.stderr}`);
  return r.stdout;
}
