// Removing a tree berthd owns, at any depth. fs.rm names every entry by its full path, so an entry
// more than PATH_MAX (4,096 bytes) below the filesystem root fails with ENAMETOOLONG — and image
// layers, container upper dirs and volumes hold trees that users and archives chose. When that
// happens, the subtrees that lie too deep are moved up to short names right below the tree's
// root (a rename needs only the source's path to fit), level by level, until every path fits;
// then fs.rm removes it all. The common case costs exactly the one fs.rm it always did.
import { randomBytes } from 'node:crypto';
import { promises as fsp, type Dirent } from 'node:fs';
import { log } from './log.js';

/** Directories whose path is longer than this are moved up; with a 255-byte name below them a path still fits. */
const SHALLOW = 2048;
const PATH_MAX = 4096;
const NAME_MAX = 255;
const SLASH = Buffer.from('/');

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** Removes `target` (a file or a directory tree, any depth); nothing there is not an error. */
export async function removeTree(target: string): Promise<void> {
  try {
    await fsp.rm(target, { recursive: true, force: true });
    return;
  } catch (e) {
    if (errorCode(e) !== 'ENAMETOOLONG') throw e;
  }
  await flattenDeepSubtrees(target);
  await fsp.rm(target, { recursive: true, force: true });
}

/**
 * Start-up clean-up of a leftover (temp dirs, records that never completed, trash): removes it,
 * and when that fails logs why and goes on, because berthd must start whatever it finds. True
 * when it is gone.
 */
export async function sweepTree(target: string, what: string): Promise<boolean> {
  try {
    await removeTree(target);
    return true;
  } catch (e) {
    log.warn(`could not remove ${what} ${target}, left in place: ${(e as Error)?.message ?? e}`);
    return false;
  }
}

/**
 * Moves every directory whose path is longer than SHALLOW bytes to a fresh short name directly
 * below `root`, and walks the moved ones in turn, so afterwards no path in the tree is longer
 * than SHALLOW + 1 + NAME_MAX. Paths are handled as bytes: names need not be UTF-8.
 */
async function flattenDeepSubtrees(root: string): Promise<void> {
  const rootBytes = Buffer.from(root);
  const prefix = `.deep-${randomBytes(4).toString('hex')}-`;
  const limit = Math.max(SHALLOW, rootBytes.length + 1 + prefix.length + 16);
  if (limit + 1 + NAME_MAX >= PATH_MAX) throw Object.assign(new Error(`path too long to remove below: ${root}`), { code: 'ENAMETOOLONG' });
  let moved = 0;
  const pending: Buffer[] = [rootBytes];
  for (let dir = pending.pop(); dir; dir = pending.pop()) {
    let entries: Dirent[];
    try {
      entries = (await fsp.readdir(dir, { withFileTypes: true, encoding: 'buffer' as BufferEncoding })) as Dirent[];
    } catch (e) {
      if (errorCode(e) === 'ENOENT' || errorCode(e) === 'ENOTDIR') continue;
      throw e;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const child = Buffer.concat([dir, SLASH, entry.name as unknown as Buffer]);
      if (child.length <= limit) {
        pending.push(child);
        continue;
      }
      const up = Buffer.concat([rootBytes, SLASH, Buffer.from(`${prefix}${moved++}`)]);
      await fsp.rename(child, up);
      pending.push(up);
    }
  }
}
