import { randomBytes } from 'node:crypto';

/** A new 64-hex-character object ID, as Docker makes them (never all digits in the short form). */
export function newId(): string {
  for (;;) {
    const id = randomBytes(32).toString('hex');
    if (!/^\d{12}$/.test(id.slice(0, 12))) return id;
  }
}

export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/** Resolves a name, full ID or unique ID prefix among candidates, as Docker does. */
export function resolveByIdPrefix<T>(
  items: Iterable<T>,
  key: string,
  idOf: (t: T) => string,
): { match?: T; ambiguous: boolean } {
  const k = key.replace(/^sha256:/, '');
  if (!/^[0-9a-f]+$/.test(k)) return { ambiguous: false };
  let match: T | undefined;
  for (const it of items) {
    const id = idOf(it).replace(/^sha256:/, '');
    if (id === k) return { match: it, ambiguous: false };
    if (id.startsWith(k)) {
      if (match !== undefined) return { ambiguous: true };
      match = it;
    }
  }
  return { match, ambiguous: false };
}
