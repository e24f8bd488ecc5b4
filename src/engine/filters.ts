// Docker's list / prune / events filters, the one implementation every endpoint uses: the
// `filters` query (moby's filters.Args), its key check, its matchers (ExactMatch, Match,
// FuzzyMatch, MatchKVList …), prune's label rule, booleans, and the timestamps of `until`,
// `since` and `before` (moby's timetypes.GetTimestamp / ParseTimestamps).
import { InvalidArgumentError } from './errors.js';

/** filter key → its values (a set: no duplicates). */
export type Filters = Map<string, string[]>;

/** moby's invalidFilter: `invalid filter`, `invalid filter 'key'`, `invalid filter 'key=v1,v2'`. */
export function invalidFilter(key?: string, values?: string[]): InvalidArgumentError {
  if (key === undefined || key === '') return new InvalidArgumentError('invalid filter');
  return new InvalidArgumentError(values === undefined ? `invalid filter '${key}'` : `invalid filter '${key}=${values.join(',')}'`);
}

/**
 * The `filters` query parameter, in either of the forms dockerd reads: `{"key":{"value":true}}`
 * (what clients send since API 1.22) or the legacy `{"key":["value"]}`. Anything else is
 * `invalid filter`, as FromJSON says it. A value set to false in the map form does not count.
 */
export function parseFilters(raw: string | null | undefined): Filters {
  const out: Filters = new Map();
  if (!raw) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidFilter();
  }
  if (parsed === null) return out; // Go unmarshals `null` into an empty map
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidFilter();
  const entries = Object.entries(parsed as Record<string, unknown>);
  const mapForm = entries.every(([, v]) => v === null || (typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((b) => typeof b === 'boolean')));
  const sliceForm = entries.every(([, v]) => v === null || (Array.isArray(v) && v.every((s) => typeof s === 'string')));
  if (!mapForm && !sliceForm) throw invalidFilter();
  for (const [k, v] of entries) {
    const values = v === null ? [] : Array.isArray(v) ? (v as string[]) : Object.entries(v as Record<string, boolean>).filter(([, b]) => b).map(([s]) => s);
    out.set(k, [...new Set(values)]);
  }
  return out;
}

/** A Filters from a plain object (tests, internal callers): `{ label: ['a=b'] }`. */
export function filtersOf(o: Record<string, string[]>): Filters {
  return new Map(Object.entries(o).map(([k, v]) => [k, [...new Set(v)]]));
}

/** moby's Args.Validate: the first key the endpoint does not accept is `invalid filter 'key'`. */
export function validateFilters(f: Filters, accepted: readonly string[]): void {
  for (const k of f.keys()) if (!accepted.includes(k)) throw invalidFilter(k);
}

/** The key is present, even with no values (Args.Contains). */
export function contains(f: Filters, key: string): boolean {
  return f.has(key);
}

function valuesOf(f: Filters, key: string): string[] {
  return f.get(key) ?? [];
}

/** True when the key has no values, or one of them equals source (Args.ExactMatch). */
export function exactMatch(f: Filters, key: string, source: string): boolean {
  const vals = valuesOf(f, key);
  return vals.length === 0 || vals.includes(source);
}

/** True when the key has no values, or exactly one that equals source (Args.UniqueExactMatch). */
export function uniqueExactMatch(f: Filters, key: string, source: string): boolean {
  const vals = valuesOf(f, key);
  return vals.length === 0 || (vals.length === 1 && vals[0] === source);
}

/** Exact, or some value is a prefix of source (Args.FuzzyMatch): ids by prefix. */
export function fuzzyMatch(f: Filters, key: string, source: string): boolean {
  if (exactMatch(f, key, source)) return true;
  return valuesOf(f, key).some((p) => source.startsWith(p));
}

/**
 * Exact, or some value read as a regular expression matches anywhere in source (Args.Match):
 * `name=web` matches `/myweb1`; a value that is no valid expression is skipped, as Go does.
 */
export function match(f: Filters, key: string, source: string): boolean {
  if (exactMatch(f, key, source)) return true;
  return valuesOf(f, key).some((p) => regexpTest(p, source));
}

const regexCache = new Map<string, RegExp | null>();

function regexpTest(pattern: string, source: string): boolean {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      re = null;
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re !== null && re.test(source);
}

/** Own property of a label map: `constructor` or `__proto__` are labels like any other. */
function hasLabel(labels: Record<string, string>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

/** `key` is present, or `key=value` equals (one filter value against one label map). */
export function labelMatches(labels: Record<string, string> | null | undefined, filter: string): boolean {
  const have = labels ?? {};
  const eq = filter.indexOf('=');
  const key = eq < 0 ? filter : filter.slice(0, eq);
  if (!hasLabel(have, key)) return false;
  return eq < 0 || have[key] === filter.slice(eq + 1);
}

/** Every value of the key matches the labels; no values matches everything (Args.MatchKVList). */
export function matchKVList(f: Filters, key: string, labels: Record<string, string> | null | undefined): boolean {
  return valuesOf(f, key).every((v) => labelMatches(labels, v));
}

/**
 * `label` and `label!` together, as prune (and the lists that take `label!`) apply them: every
 * `label` matches, and not every `label!` matches (moby's prune matchLabels).
 */
export function matchLabelFilters(f: Filters, labels: Record<string, string> | null | undefined): boolean {
  if (!matchKVList(f, 'label', labels)) return false;
  const not = valuesOf(f, 'label!');
  return not.length === 0 || !not.every((v) => labelMatches(labels, v));
}

/**
 * Args.GetBoolOrDefault: absent → the default; exactly one of true/1 or false/0 → it;
 * none of them, or both → `invalid filter 'key=values'`.
 */
export function getBoolOrDefault(f: Filters, key: string, dflt: boolean): boolean;
export function getBoolOrDefault(f: Filters, key: string, dflt?: undefined): boolean | undefined;
export function getBoolOrDefault(f: Filters, key: string, dflt?: boolean): boolean | undefined {
  const vals = f.get(key);
  if (vals === undefined) return dflt;
  if (vals.length === 0) throw invalidFilter(key);
  const isTrue = vals.includes('true') || vals.includes('1');
  const isFalse = vals.includes('false') || vals.includes('0');
  if (isTrue === isFalse) throw invalidFilter(key, vals);
  return isTrue;
}

// ───────────────────────────── time ─────────────────────────────

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration in milliseconds (`1h30m`, `-1.5h`, `300ms`, `0`); undefined when not one. */
export function parseGoDuration(s: string): number | undefined {
  const m = /^([-+]?)(.*)$/su.exec(s)!;
  let rest = m[2];
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let ms = 0;
  const part = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/u;
  while (rest !== '') {
    const p = part.exec(rest);
    if (!p || (p[1] === '' && (p[2] === undefined || p[2] === ''))) return undefined;
    ms += Number(`${p[1] || '0'}.${p[2] || '0'}`) * DURATION_UNITS[p[3]];
    rest = rest.slice(p[0].length);
  }
  return m[1] === '-' ? -ms : ms;
}

/**
 * timetypes.ParseTimestamps: `seconds[.fraction]` → seconds and nanoseconds; '' → the default.
 * Throws Go's strconv message for anything else.
 */
export function parseTimestamps(value: string, dflt: number): { seconds: number; nanos: number } {
  if (value === '') return { seconds: dflt, nanos: 0 };
  const dot = value.indexOf('.');
  const secPart = dot < 0 ? value : value.slice(0, dot);
  if (!/^[-+]?\d+$/.test(secPart)) throw new InvalidArgumentError(`strconv.ParseInt: parsing ${JSON.stringify(secPart)}: invalid syntax`);
  const seconds = Number(secPart);
  if (dot < 0) return { seconds, nanos: 0 };
  const frac = value.slice(dot + 1);
  if (!/^\d+$/.test(frac)) throw new InvalidArgumentError(`strconv.ParseInt: parsing ${JSON.stringify(frac)}: invalid syntax`);
  // Go scales the fraction to nanoseconds; more than 9 digits leaves an out-of-range value that time.Unix normalises.
  const nanos = frac.length <= 9 ? Number(frac.padEnd(9, '0')) : Math.trunc(Number(frac) / 10 ** (frac.length - 9));
  return { seconds, nanos };
}

/** Local-time parts of an RFC 3339-like value (no zone): year … nanoseconds. */
const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?(Z|[zZ]|[+-]\d{2}:\d{2})?$/;

/**
 * timetypes.GetTimestamp: a Go duration (before `now`), an RFC 3339 time with or without zone
 * (without: the daemon's zone), a date, or Unix seconds with fraction; → `seconds[.nanoseconds]`.
 */
export function getTimestamp(value: string, now: number = Date.now()): string {
  const d = parseGoDuration(value);
  if (value !== '0' && d !== undefined) return String(Math.floor((now - d) / 1000));
  const inLocal = !/[zZ+]/.test(value) && (value.match(/-/g) ?? []).length !== 3;
  const m = LOCAL_RE.exec(value);
  // Go picks one layout from the shape of the value; the regular expression above accepts the
  // same family: date, THH, THH:MM, THH:MM:SS[.frac], zone only when not local.
  const layoutOk = m !== null && (inLocal ? m[8] === undefined : m[8] !== undefined) && (m[7] === undefined || value.includes('.')) && (!value.includes('.') || m[7] !== undefined);
  if (layoutOk && validDate(m!)) {
    const [, y, mo, da, h = '0', mi = '0', s = '0', frac = ''] = m!;
    let ms = Date.UTC(Number(y), Number(mo) - 1, Number(da), Number(h), Number(mi), Number(s));
    if (Number(y) < 100) ms = new Date(ms).setUTCFullYear(Number(y));
    const zone = m![8];
    if (inLocal) ms += new Date(now).getTimezoneOffset() * 60_000; // FixedZone(now.Zone()), as dockerd
    else if (zone && zone !== 'Z' && zone !== 'z') {
      const sign = zone[0] === '-' ? -1 : 1;
      ms -= sign * (Number(zone.slice(1, 3)) * 3_600_000 + Number(zone.slice(4, 6)) * 60_000);
    }
    const secs = Math.floor(ms / 1000);
    return `${secs}.${frac.padEnd(9, '0')}`;
  }
  if (value.includes('-')) throw new InvalidArgumentError(`parsing time ${JSON.stringify(value)}: cannot parse as RFC 3339`);
  try {
    parseTimestamps(value, 0);
  } catch {
    throw new InvalidArgumentError(`failed to parse value as time or duration: ${JSON.stringify(value)}`);
  }
  return value;
}

function validDate(m: RegExpExecArray): boolean {
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(2000, mo, 0)).getUTCDate() - (mo === 2 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 1 : 0);
  if (d > days) return false;
  if (m[4] !== undefined && Number(m[4]) > 23) return false;
  if (m[5] !== undefined && Number(m[5]) > 59) return false;
  if (m[6] !== undefined && Number(m[6]) > 59) return false;
  return true;
}

/** A filter time value as milliseconds since the epoch (fractional), through GetTimestamp. */
export function timestampMs(value: string, now: number = Date.now()): number {
  const { seconds, nanos } = parseTimestamps(getTimestamp(value, now), 0);
  return seconds * 1000 + nanos / 1e6;
}

/**
 * Prune's `until` (getUntilFromPruneFilters): at most one value; undefined when absent.
 * Objects created after it are kept.
 */
export function pruneUntil(f: Filters, now: number = Date.now()): number | undefined {
  const vals = f.get('until');
  if (vals === undefined) return undefined;
  if (vals.length > 1) throw new InvalidArgumentError('more than one until filter specified');
  if (vals.length === 0) return undefined;
  return timestampMs(vals[0], now);
}

/**
 * The common prune filter rule: unknown keys refused, then `until` and labels as dockerd's
 * daemon/prune.go applies them. → a predicate over (created ms, labels).
 */
export function prunePredicate(f: Filters, accepted: readonly string[] = ['until', 'label', 'label!'], now: number = Date.now()): (createdMs: number, labels: Record<string, string> | null | undefined) => boolean {
  validateFilters(f, accepted);
  const until = pruneUntil(f, now);
  return (createdMs, labels) => (until === undefined || !(createdMs > until)) && matchLabelFilters(f, labels);
}

/**
 * `builder prune`'s `until` (or its older name `unused-for`) as dockerd's BuildKit bridge reads
 * it (builder-next toBuildkitPruneInfo): a duration or a time, as GetTimestamp takes them; at most
 * one value; → the cut-off in ms since the epoch (entries last used before it go). Other keys are
 * not checked: dockerd hands BuildKit only those it knows and drops the rest, so `system prune
 * --filter label=…` reaches the build cache without an error.
 */
export function buildPruneUntil(f: Filters, now: number = Date.now()): number | undefined {
  const until = f.get('until') ?? [];
  const unusedFor = f.get('unused-for') ?? [];
  if (until.length && unusedFor.length) throw new InvalidArgumentError('conflicting filters: "until" and "unused-for"');
  const values = [...until, ...unusedFor];
  if (values.length === 0) return undefined;
  if (values.length > 1) throw new InvalidArgumentError('filters expect only one value');
  const key = until.length ? 'until' : 'unused-for';
  let ts: string;
  try {
    ts = getTimestamp(values[0], now);
  } catch (e) {
    throw new InvalidArgumentError(`"${key}" filter expects a duration (e.g., '24h') or a timestamp: ${(e as Error).message}`);
  }
  const { seconds, nanos } = parseTimestamps(ts, 0);
  return seconds * 1000 + nanos / 1e6;
}
