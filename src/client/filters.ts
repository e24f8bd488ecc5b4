// The one encoder of Docker's `filters` query value, for every list, prune and events call.
// Decoding and matching are the daemon's business (src/engine/filters.ts); the client only says
// what it wants.
import type { FilterInput } from '../api-types/common.js';

/**
 * `{"label":{"a=b":true},"dangling":{"true":true}}` (the map-of-sets form every dockerd and berthd
 * reads), or undefined when there are no filters, so the parameter is left out.
 * `--filter` strings split at their first `=`: `label=a=b` is key `label`, value `a=b`; a string
 * without `=` is a key with the empty value.
 */
export function encodeFilters(filters: FilterInput | undefined): string | undefined {
  if (!filters) return undefined;
  const map = new Map<string, string[]>();
  const add = (key: string, values: readonly string[]) => map.set(key, [...(map.get(key) ?? []), ...values]);
  if (isStringList(filters)) {
    for (const f of filters) {
      const eq = f.indexOf('=');
      add((eq >= 0 ? f.slice(0, eq) : f).trim(), [eq >= 0 ? f.slice(eq + 1) : '']);
    }
  } else if (filters instanceof Map) for (const [k, v] of filters) add(k, v);
  else for (const [k, v] of Object.entries(filters as Readonly<Record<string, readonly string[]>>)) add(k, v);
  if (map.size === 0) return undefined;
  const obj: Record<string, Record<string, boolean>> = {};
  for (const [k, vs] of map) {
    obj[k] = {};
    for (const v of vs) obj[k][v] = true;
  }
  return JSON.stringify(obj);
}

function isStringList(f: FilterInput): f is readonly string[] {
  return Array.isArray(f);
}
