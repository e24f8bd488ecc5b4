// Go formatting that leaks into Docker's visible strings: history `created_by` uses %q and %v
// of string slices, HEALTHCHECK's %+v of its config, and durations in Go's notation.

/** Go's strconv.Quote, used where Docker formats values with %q. */
export function goQuoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp >= 0x80 && cp < 0xa0) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** Go's `%q` of a []string: `["a" "b"]`. */
export const goQuoteSlice = (xs: readonly string[]): string => `[${xs.map(goQuoteString).join(' ')}]`;

/** Go's `%v` of a []string: `[a b]`. */
export const goSlice = (xs: readonly string[]): string => `[${xs.join(' ')}]`;

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in nanoseconds. */
export function parseGoDuration(s: string): number {
  const orig = s;
  const bad = (): Error => new Error(`time: invalid duration ${goQuoteString(orig)}`);
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw bad();
  let total = 0;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if (m[0] === '' || m[0] === '.') throw bad();
    s = s.slice(m[0].length);
    const u = /^[^\d.]+/.exec(s);
    if (!u) throw new Error(`time: missing unit in duration ${goQuoteString(orig)}`);
    const mult = UNITS[u[0]];
    if (mult === undefined) throw new Error(`time: unknown unit ${goQuoteString(u[0])} in duration ${goQuoteString(orig)}`);
    s = s.slice(u[0].length);
    total += Number(`${m[1] || '0'}.${m[2] || '0'}`) * mult;
  }
  return Math.round(neg ? -total : total);
}

/** Go's time.Duration.String(): `1h2m3.5s`, `1.5ms`, `0s`. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let u = Math.abs(ns);
  let out: string;
  if (u < 1e9) {
    const [unit, div] = u < 1e3 ? ['ns', 1] : u < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    out = trimFraction(u / div) + unit;
  } else {
    const h = Math.floor(u / 3600e9);
    u -= h * 3600e9;
    const m = Math.floor(u / 60e9);
    u -= m * 60e9;
    out = `${trimFraction(u / 1e9)}s`;
    if (h > 0 || m > 0) out = `${m}m` + out;
    if (h > 0) out = `${h}h` + out;
  }
  return neg ? '-' + out : out;
}

function trimFraction(x: number): string {
  return x.toFixed(9).replace(/\.?0+$/, '');
}
