// Validation dockerd applies to STOPSIGNAL and EXPOSE values before they enter an image config.

const SIGNALS = new Set([
  'ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL',
  'PIPE', 'POLL', 'PROF', 'PWR', 'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP',
  'TTIN', 'TTOU', 'UNUSED', 'URG', 'USR1', 'USR2', 'VTALRM', 'WINCH', 'XCPU', 'XFSZ', 'RTMIN', 'RTMAX',
]);

/** moby/sys/signal.ParseSignal's acceptance rules. */
export function validateSignal(raw: string): void {
  if (/^-?\d+$/.test(raw)) {
    if (Number(raw) === 0 || Number(raw) < 0) throw new Error(`invalid signal: ${raw}`);
    return;
  }
  const name = raw.toUpperCase().replace(/^SIG/, '');
  if (SIGNALS.has(name)) return;
  const rt = /^RTMIN\+(\d+)$/.exec(name) ?? /^RTMAX-(\d+)$/.exec(name);
  if (rt && Number(rt[1]) >= 1 && Number(rt[1]) <= 15) return;
  throw new Error(`invalid signal: ${raw}`);
}

/** EXPOSE specs (`80`, `80/udp`, `8000-8010/tcp`, even `ip:host:ctr`) → `port/proto` keys. */
export function exposedPortKeys(spec: string): string[] {
  const parts = spec.split(':');
  const containerPart = parts[parts.length - 1];
  const slash = containerPart.indexOf('/');
  const port = slash < 0 ? containerPart : containerPart.slice(0, slash);
  let proto = slash < 0 ? 'tcp' : containerPart.slice(slash + 1);
  if (port === '') throw new Error(`no port specified: ${spec}<empty>`);
  if (proto === '') proto = 'tcp';
  proto = proto.toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new Error('invalid proto: ' + proto);
  const m = /^(\d+)(?:-(\d+))?$/.exec(port);
  if (!m) throw new Error('invalid containerPort: ' + port);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start > 65535 || end > 65535 || end < start) throw new Error('invalid containerPort: ' + port);
  const out: string[] = [];
  for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  return out;
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
