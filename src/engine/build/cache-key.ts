// Build cache keys as the classic builder effectively keys its cache: a child of the same parent
// image whose container_config (the step's description, including COPY content hashes and RUN's
// build-arg prefix) is equal. Maps are compared regardless of key order, so the key is a hash of
// a canonical JSON form.
import { createHash } from 'node:crypto';
import type { RunConfig } from './backend.js';

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonical(x);
    }
    return out;
  }
  return v;
}

export function cacheKey(parentImageId: string, containerConfig: RunConfig, platform: string): string {
  const body = JSON.stringify(canonical({ v: 1, parent: parentImageId, platform, config: containerConfig }));
  return createHash('sha256').update(body).digest('hex');
}
