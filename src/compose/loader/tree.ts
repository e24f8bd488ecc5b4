// Paths in the compose tree ("services.web.ports") and small helpers on plain-object trees.

/** Keys from the root; `[]` stands for "any item of a sequence" in patterns and error paths. */
export type TreePath = string[];

/** Matches a path against a dotted pattern where `*` is any key and `[]` any sequence item. */
export function matchPath(path: TreePath, pattern: string): boolean {
  const parts = pattern.split('.');
  if (parts.length !== path.length) return false;
  return parts.every((p, i) => p === '*' || p === path[i] || (p === '[]' && /^\d+$|^\[\]$/.test(path[i])));
}

/** Sets obj[key] as an own property even for "__proto__". */
export function defineKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy of a plain tree. */
export function cloneTree<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => cloneTree(x)) as T;
  if (isMapping(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) defineKey(out, k, cloneTree(x));
    return out as T;
  }
  return v;
}
