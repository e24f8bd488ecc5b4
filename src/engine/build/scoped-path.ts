// Resolving a path inside a root directory the way Docker's symlink.FollowSymlinkInScope does:
// symlinks are followed, but every absolute target and every `..` is interpreted relative to the
// root, so a context or image can never make the builder read or write outside it.
import { promises as fsp } from 'node:fs';
import path from 'node:path';

const MAX_LINKS = 255;

export async function resolveInScope(root: string, rel: string): Promise<string> {
  root = path.resolve(root);
  let pending = rel.split('/').filter((s) => s !== '' && s !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length) {
    const seg = pending.shift()!;
    if (seg === '..') {
      done.pop();
      continue;
    }
    const candidate = path.join(root, ...done, seg);
    let st;
    try {
      st = await fsp.lstat(candidate);
    } catch {
      // Missing components are fine: the caller may be about to create them.
      done.push(seg);
      continue;
    }
    if (!st.isSymbolicLink()) {
      done.push(seg);
      continue;
    }
    if (++links > MAX_LINKS) throw new Error(`too many links in ${rel}`);
    const target = await fsp.readlink(candidate);
    const targetSegs = target.split('/').filter((s) => s !== '' && s !== '.');
    if (target.startsWith('/')) done.length = 0;
    pending = [...targetSegs, ...pending];
  }
  return path.join(root, ...done);
}

/** The path of `full` relative to root, with forward slashes ('' for the root itself). */
export function relativeToRoot(root: string, full: string): string {
  const r = path.relative(path.resolve(root), full);
  return r === '' ? '' : r.split(path.sep).join('/');
}
