// Engine API versions ("1.41") compared as dockerd compares them (api/types/versions): part by
// part as numbers, a missing part counting as 0. One home for the rule: the router's version
// floor and every handler that shapes an answer by version use it.

/** -1, 0 or 1 as `a` is older than, the same as or newer than `b`. */
export function compareApiVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number.parseInt(pa[i] ?? '0', 10) || 0;
    const y = Number.parseInt(pb[i] ?? '0', 10) || 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** True when `version` is `min` or newer. */
export function apiVersionAtLeast(version: string, min: string): boolean {
  return compareApiVersions(version, min) >= 0;
}
