// Resolving a path inside a root directory the way Docker's symlink.FollowSymlinkInScope does:
// symlinks are followed, but every absolute target and every `..` is interpreted relative to the
// root, so a context or image can never make the builder read or write outside it.
import path from 'node:path';
import { DiskTree, resolveInTree } from './source-tree.js';

export async function resolveInScope(root: string, rel: string): Promise<string> {
  const tree = new DiskTree(root);
  return path.join(tree.root, await resolveInTree(tree, rel));
}

/** The path of `full` relative to root, with forward slashes ('' for the root itself). */
export function relativeToRoot(root: string, full: string): string {
  const r = path.relative(path.resolve(root), full);
  return r === '' ? '' : r.split(path.sep).join('/');
}
