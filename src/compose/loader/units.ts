// Durations and byte sizes as compose reads and prints them: durations accept Go's units plus
// days and weeks (str2duration) and print as Go's time.Duration does ("1m30s", "500ms");
// byte sizes accept "512m", "1g" (go-units RAMInBytes) and print as decimal strings.
import { ramInBytes } from '../../cli/format/units.js';
import { ComposeError } from './errors.js';

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9, d: 86400e9, w: 7 * 86400e9 };

/** Parses a compose duration ("1m30s", "1.5s", "2d") into nanoseconds. */
export function parseDuration(value: unknown, where: string): number {
  const text = String(value);
  let s = text;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new ComposeError(`${where}: time: invalid duration ${JSON.stringify(text)}`);
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w)?/y;
  let total = 0;
  let at = 0;
  while (at < s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (!m) throw new ComposeError(`${where}: time: invalid duration ${JSON.stringify(text)}`);
    if (!m[2]) throw new ComposeError(`${where}: time: missing unit in duration ${JSON.stringify(text)}`);
    total += Number(m[1]) * UNIT_NS[m[2]];
    at = re.lastIndex;
  }
  return Math.round(neg ? -total : total);
}

function trimFraction(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.?0+$/, '');
}

/** Go's time.Duration.String(). */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let d = Math.abs(ns);
  if (d < 1e3) return `${sign}${d}ns`;
  if (d < 1e6) return `${sign}${trimFraction(d / 1e3, 3)}µs`;
  if (d < 1e9) return `${sign}${trimFraction(d / 1e6, 6)}ms`;
  let out = '';
  const h = Math.floor(d / 3600e9);
  d -= h * 3600e9;
  const m = Math.floor(d / 60e9);
  d -= m * 60e9;
  const secs = trimFraction(d / 1e9, 9);
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  out += `${secs === '' ? '0' : secs}s`;
  return sign + out;
}

/** A duration field as compose prints it. */
export function durationString(value: unknown, where: string): string {
  return formatDuration(parseDuration(value, where));
}

/** A byte size field (number or "512m") as compose prints it: decimal bytes in a string. */
export function bytesString(value: unknown, where: string): string {
  if (typeof value === 'number') return String(Math.trunc(value));
  const s = String(value);
  if (/^-?\d+$/.test(s)) return s;
  try {
    return String(ramInBytes(s));
  } catch {
    throw new ComposeError(`${where}: invalid size: '${s}'`);
  }
}
