// Paths in the compose tree ("services.web.ports") and small helpers on plain-object trees.

/** Keys from the root; `[]` stands for "any item of a sequence" in patterns and error paths. */
export type TreePath = string[];

/** Matches a path against a dotted pattern where `*` is any key and `[]` any sequence item. */
export function matchPath(path: TreePath, pattern: string): boolean {
  // Called for every node of the tree against every rule of each pass: split each pattern once.
  let parts = patternParts.get(pattern);
  if (!parts) patternParts.set(pattern, (parts = pattern.split('.')));
  if (parts.length !== path.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p !== '*' && p !== path[i] && !(p === '[]' && isItemKey(path[i]))) return false;
  }
  return true;
}

const patternParts = new Map<string, string[]>();

/** A sequence item's key in a path: its index, or `[]`. */
function isItemKey(key: string): boolean {
  return key === '[]' || /^\d+$/.test(key);
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
