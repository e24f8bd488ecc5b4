// Path resolution scoped to a root directory, like securejoin: symlinks are followed but
// interpreted as if `root` were `/`, and `..` never climbs above it. Used for cp into and out
// of container root filesystems and by the tar extractor for parent directories.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '../util/errors.js';

const MAX_SYMLINKS = 255;

/** Splits a path into its components, dropping empty parts and `.`. */
export function pathComponents(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

/**
 * Lexically cleans a path relative to a root, with `..` clamped at the root: `a/../../b` → `b`.
 * Returns the components.
 */
export function cleanScoped(p: string): string[] {
  const out: string[] = [];
  for (const c of pathComponents(p)) {
    if (c === '..') out.pop();
    else out.push(c);
  }
  return out;
}

/**
 * Resolves `unsafePath` inside `root`, following symlinks (each interpreted relative to root),
 * and returns an absolute host path that is guaranteed to be `root` or below it. Components that
 * do not exist are appended as they are. With `followFinal: false` the last component is not
 * resolved when it is a symlink (lstat semantics).
 */
export async function resolveInRoot(root: string, unsafePath: string, opts: { followFinal?: boolean } = {}): Promise<string> {
  const followFinal = opts.followFinal ?? true;
  const base = path.resolve(root);
  const pending = pathComponents(unsafePath);
  const current: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const comp = pending.shift()!;
    if (comp === '..') {
      current.pop();
      continue;
    }
    const candidate = path.join(base, ...current, comp);
    if (pending.length === 0 && !followFinal) {
      current.push(comp);
      break;
    }
    let st;
    try {
      st = await fsp.lstat(candidate);
    } catch {
      // Does not exist (yet): the rest of the path is taken lexically, still clamped at root.
      current.push(comp);
      continue;
    }
    if (!st.isSymbolicLink()) {
      current.push(comp);
      continue;
    }
    if (++links > MAX_SYMLINKS) throw new InvalidArgumentError(`too many levels of symbolic links: ${unsafePath}`);
    const target = await fsp.readlink(candidate);
    if (target.startsWith('/')) current.length = 0;
    pending.unshift(...pathComponents(target));
  }
  return path.join(base, ...current);
}

/** True when `p` is `root` or lies below it (lexically; both absolute). */
export function isWithin(root: string, p: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(p));
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}
