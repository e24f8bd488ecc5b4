// A container's changes as overlayfs keeps them in its upper directory: turned back into an
// image layer tar (whiteout devices → `.wh.` entries, opaque directories → `.wh..wh..opq`) for
// commit, and listed for `docker diff` (Kind 0 modified, 1 added, 2 deleted).
import { promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { tarTreeChunks } from './tar-directory.js';
import type { TarEntry } from './tar-header.js';
import { runTool } from './tools.js';
import { WHITEOUT_OPAQUE, WHITEOUT_PREFIX, type IdMapFn } from './extract.js';

export interface ChangeItem {
  Path: string;
  Kind: 0 | 1 | 2;
}

export function isOverlayWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && Number(st.rdev) === 0;
}

function unescapeGetfattr(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && /^[0-7]{3}$/.test(s.slice(i + 1, i + 4))) {
      bytes.push(parseInt(s.slice(i + 1, i + 4), 8));
      i += 3;
    } else bytes.push(...Buffer.from(s[i], 'latin1'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Directories below `dir` marked opaque (trusted.overlay.opaque or user.overlay.opaque = y). */
export async function findOpaqueDirs(dir: string): Promise<Set<string>> {
  let out: string;
  try {
    out = await runTool('getfattr', ['-R', '-h', '--absolute-names', '-m', '^(trusted|user)\\.overlay\\.opaque$', '-d', dir]);
  } catch {
    return new Set(); // no xattrs at all (or getfattr missing): nothing is opaque
  }
  const result = new Set<string>();
  let current: string | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('# file: ')) current = unescapeGetfattr(line.slice(8));
    else if (current && /overlay\.opaque="y"/.test(line)) result.add(path.resolve(current));
  }
  return result;
}

/**
 * The layer tar of an overlay upper directory, in Docker's (AUFS whiteout) layer format.
 * `idMap` gives entries their owners as the image stores them (a remapped container's upper
 * holds host IDs of its user namespace).
 */
export function overlayUpperToLayerTar(upperDir: string, o: { idMap?: IdMapFn } = {}): Readable {
  const mapIds = (e: TarEntry): TarEntry => (o.idMap ? { ...e, ...o.idMap({ uid: e.uid ?? 0, gid: e.gid ?? 0 }) } : e);
  async function* gen(): AsyncGenerator<Buffer> {
    const opaque = await findOpaqueDirs(upperDir);
    yield* tarTreeChunks(upperDir, {
      transform(raw: TarEntry, hostPath: string, st: Stats) {
        const entry = mapIds(raw);
        if (isOverlayWhiteout(st)) {
          const dir = path.posix.dirname(entry.path);
          const name = `${WHITEOUT_PREFIX}${path.posix.basename(entry.path)}`;
          return { path: dir === '.' ? name : `${dir}/${name}`, type: 'file', mode: 0o600, uid: entry.uid, gid: entry.gid, mtime: entry.mtime, size: 0 };
        }
        if (entry.type === 'dir' && opaque.has(path.resolve(hostPath))) {
          const opq: TarEntry = { path: `${entry.path.replace(/\/$/, '')}/${WHITEOUT_OPAQUE}`, type: 'file', mode: 0o600, uid: entry.uid, gid: entry.gid, mtime: entry.mtime, size: 0 };
          return [entry, opq];
        }
        return entry;
      },
    });
  }
  return Readable.from(gen(), { objectMode: false });
}

/** lstat in the merged view of lower layers (given bottom first), honouring their whiteouts. */
async function existsInLowers(rel: string, lowersTopFirst: string[]): Promise<boolean> {
  for (const lower of lowersTopFirst) {
    try {
      const st = await fsp.lstat(path.join(lower, rel));
      return !isOverlayWhiteout(st);
    } catch {
      continue;
    }
  }
  return false;
}

/** `docker diff`: what the upper directory changes over the lower layers (bottom first). */
export async function diffOverlayUpper(upperDir: string, lowerDirs: string[]): Promise<ChangeItem[]> {
  const lowersTopFirst = [...lowerDirs].reverse();
  const changes: ChangeItem[] = [];
  async function walk(dirRel: string): Promise<void> {
    let names: string[];
    try {
      names = await fsp.readdir(path.join(upperDir, dirRel));
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const rel = dirRel === '' ? name : `${dirRel}/${name}`;
      let st: Stats;
      try {
        st = await fsp.lstat(path.join(upperDir, rel));
      } catch {
        continue;
      }
      if (isOverlayWhiteout(st)) {
        changes.push({ Path: `/${rel}`, Kind: 2 });
        continue;
      }
      const inLower = await existsInLowers(rel, lowersTopFirst);
      changes.push({ Path: `/${rel}`, Kind: inLower ? 0 : 1 });
      if (st.isDirectory()) await walk(rel);
    }
  }
  await walk('');
  changes.sort((a, b) => (a.Path < b.Path ? -1 : a.Path > b.Path ? 1 : 0));
  return changes;
}
