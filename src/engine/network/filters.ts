// Docker's network filters for GET /networks (list) and POST /networks/prune.
import { InvalidArgumentError } from '../errors.js';
import type { NetworkRecord } from './types.js';

function labelMatches(labels: Record<string, string>, want: string): boolean {
  const i = want.indexOf('=');
  if (i < 0) return want in labels;
  return labels[want.slice(0, i)] === want.slice(i + 1);
}

export function matchesFilters(n: NetworkRecord, f: Map<string, string[]>, inUse: boolean): boolean {
  for (const [k, vals] of f) {
    if (!vals.length) continue;
    switch (k) {
      case 'name':
        if (!vals.some((v) => n.Name.includes(v))) return false;
        break;
      case 'id':
        if (!vals.some((v) => n.Id.startsWith(v))) return false;
        break;
      case 'driver':
        if (!vals.includes(n.Driver)) return false;
        break;
      case 'label':
        if (!vals.every((v) => labelMatches(n.Labels, v))) return false;
        break;
      case 'scope':
        if (!vals.includes('local')) return false;
        break;
      case 'type':
        if (!vals.some((v) => (v === 'builtin' ? !!n.predefined : v === 'custom' ? !n.predefined : false))) return false;
        break;
      case 'dangling': {
        const want = vals.some((v) => v === 'true' || v === '1');
        if (want !== (!inUse && !n.predefined)) return false;
        break;
      }
      default:
        throw new InvalidArgumentError(`invalid filter '${k}'`);
    }
  }
  return true;
}

export function matchesPruneFilters(n: NetworkRecord, f: Map<string, string[]>): boolean {
  for (const [k, vals] of f) {
    if (k === 'label' && !vals.every((v) => labelMatches(n.Labels, v))) return false;
    if (k === 'label!' && vals.some((v) => labelMatches(n.Labels, v))) return false;
    if (k === 'until') {
      const limit = parseUntil(vals[0]);
      if (limit !== undefined && Date.parse(n.Created) >= limit) return false;
    }
    if (!['label', 'label!', 'until'].includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
  }
  return true;
}

function parseUntil(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const dur = /^(\d+)(s|m|h)$/.exec(v);
  if (dur) return Date.now() - Number(dur[1]) * { s: 1e3, m: 6e4, h: 3.6e6 }[dur[2] as 's' | 'm' | 'h'];
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}
