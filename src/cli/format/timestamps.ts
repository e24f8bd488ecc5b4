// docker's --since/--until values (api/types/time.GetTimestamp): RFC 3339 dates, Unix
// seconds ("1700000000.5"), or durations back from now ("10m", "1h30m") → "seconds.nanos".
import { parseGoDuration } from './units.js';

export function parseTimestamp(value: string, now = Date.now()): string {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return v;
  try {
    const ns = parseGoDuration(v);
    return formatSeconds(now * 1e6 - ns);
  } catch {}
  const withZone = /T.*(Z|[+-]\d\d:?\d\d)$/.test(v) || /^\d{4}-\d\d-\d\d$/.test(v) ? v : /T/.test(v) ? `${v}Z` : v;
  const t = Date.parse(withZone);
  if (Number.isNaN(t)) throw new Error(`invalid value for "since": failed to parse value as time or duration: "${value}"`);
  const frac = /\.(\d+)/.exec(v.split('T')[1] ?? '');
  const nanos = frac ? Number(frac[1].padEnd(9, '0').slice(0, 9)) : 0;
  return `${Math.floor(t / 1000)}.${String(nanos).padStart(9, '0')}`;
}

function formatSeconds(nanos: number): string {
  const secs = Math.floor(nanos / 1e9);
  const rest = Math.round(nanos - secs * 1e9);
  return `${secs}.${String(rest).padStart(9, '0')}`;
}
