// Go's encoding/json matches an object's keys to a struct's fields without regard to case, and
// clients lean on it: the Python SDK sends exec create's detach keys as `detachKeys`. Bodies
// decoded here get the same leniency for the fields a handler names.

/** `body` with each key that names one of `fields` in another case renamed to that field (later keys win, as in Go). */
export function matchGoFields<T extends object>(body: T, fields: readonly (keyof T & string)[]): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const byLower = new Map(fields.map((f) => [f.toLowerCase(), f]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[fields.includes(k as keyof T & string) ? k : (byLower.get(k.toLowerCase()) ?? k)] = v;
  return out as T;
}
