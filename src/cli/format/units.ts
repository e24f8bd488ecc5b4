// Human-readable units as the docker CLI prints them (docker/go-units): sizes in decimal
// units with %.Ng ("1.98MB"), byte parsing for --memory ("512m" is 512 MiB), and durations
// ("Less than a second", "About a minute", "3 hours").

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/** Go's `%.{precision}g`: shortest of fixed/exponent form, trailing zeros removed. */
export function formatG(value: number, precision: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
  const p = Math.max(precision, 1);
  const exp = Math.floor(Math.log10(Math.abs(Number(value.toPrecision(p)))));
  if (exp < -4 || exp >= p) {
    const [mant, e] = value.toExponential(p - 1).split('e');
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = value.toFixed(Math.max(p - 1 - exp, 0));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

function scaled(size: number, base: number, units: string[]): [number, string] {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return [size, units[i]];
}

/** go-units HumanSizeWithPrecision: `docker images` uses precision 3, others 4. */
export function humanSize(bytes: number, precision = 4): string {
  const [v, unit] = scaled(bytes, 1000, DECIMAL_UNITS);
  return formatG(v, precision) + unit;
}

/** go-units BytesSize: binary units ("1.5GiB"), used by stats. */
export function bytesSize(bytes: number): string {
  const [v, unit] = scaled(bytes, 1024, BINARY_UNITS);
  return formatG(v, 4) + unit;
}

const BYTE_SUFFIX: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** go-units RAMInBytes: "512m", "1g", "1.5GB", "100" (bytes); binary multiples whatever the suffix. */
export function ramInBytes(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtpb]?)(i?b)?\s*$/i.exec(text);
  if (!m) throw new Error(`invalid size: '${text}'`);
  const unit = m[2].toLowerCase();
  return Math.floor(Number(m[1]) * BYTE_SUFFIX[unit]);
}

/** go-units HumanDuration; `ms` is the elapsed time in milliseconds. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3600000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3600000 / 24 / 365)} years`;
}

/** "3 minutes ago" from a Unix time in seconds. */
export function ago(unixSeconds: number, now = Date.now()): string {
  return `${humanDuration(now - unixSeconds * 1000)} ago`;
}

/** Go duration strings ("1m30s", "500ms", "2h") → nanoseconds; a bare number is seconds? No: Go rejects it unless 0. */
export function parseGoDuration(text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const unitNs: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let neg = false;
  let body = s;
  if (body.startsWith('-') || body.startsWith('+')) {
    neg = body.startsWith('-');
    body = body.slice(1);
  }
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    total += Number(m[1]) * unitNs[m[2]];
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== body.length) throw new Error(`time: invalid duration "${text}"`);
  return Math.round(neg ? -total : total);
}

/**
 * The status column the daemon fills for `ps` ("Up 3 seconds", "Exited (0) 2 minutes ago"),
 * from an inspect State; exported for the daemon and for clients that only have inspect data.
 */
export function containerStatus(
  state: { Status?: string; Running?: boolean; Paused?: boolean; Restarting?: boolean; ExitCode?: number; StartedAt?: string; FinishedAt?: string; Health?: { Status?: string } },
  now = Date.now(),
): string {
  const since = (iso?: string) => (iso && !iso.startsWith('0001') ? now - Date.parse(iso) : 0);
  if (state.Running || state.Status === 'running' || state.Status === 'paused') {
    if (state.Paused || state.Status === 'paused') return `Up ${humanDuration(since(state.StartedAt))} (Paused)`;
    const health = state.Health?.Status;
    const suffix = health === 'starting' ? ' (health: starting)' : health && health !== 'none' ? ` (${health})` : '';
    return `Up ${humanDuration(since(state.StartedAt))}${suffix}`;
  }
  if (state.Restarting || state.Status === 'restarting') return `Restarting (${state.ExitCode ?? 0}) ${humanDuration(since(state.FinishedAt))} ago`;
  if (state.Status === 'removing') return 'Removal In Progress';
  if (state.Status === 'dead') return 'Dead';
  if (state.Status === 'created' || !state.FinishedAt || state.FinishedAt.startsWith('0001')) return 'Created';
  return `Exited (${state.ExitCode ?? 0}) ${humanDuration(since(state.FinishedAt))} ago`;
}
