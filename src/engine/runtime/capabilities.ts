// Linux capabilities: Docker's default set, the set berthd holds (what "all" means here, since
// the bounding set may lack some), and --cap-add/--cap-drop merging as Docker does it.
import { readFileSync } from 'node:fs';

export const ALL_CAP_NAMES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
];

export const DEFAULT_CAPS = [
  'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP',
  'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE',
];

let held: string[] | undefined;

/** The capabilities in berthd's own bounding set (from /proc/self/status CapBnd). */
export function heldCapabilities(statusText?: string): string[] {
  if (held && statusText === undefined) return held;
  const text = statusText ?? readFileSync('/proc/self/status', 'utf8');
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(text);
  const mask = m ? BigInt('0x' + m[1]) : (1n << BigInt(ALL_CAP_NAMES.length)) - 1n;
  const caps = ALL_CAP_NAMES.filter((_, i) => (mask >> BigInt(i)) & 1n);
  if (statusText === undefined) held = caps;
  return caps;
}

function normalise(c: string): string {
  const u = c.toUpperCase();
  return u.startsWith('CAP_') ? u.slice(4) : u;
}

/** Docker's merge: start from the defaults; ALL in add/drop means every held capability. */
export function mergeCapabilities(add: string[] | null | undefined, drop: string[] | null | undefined, privileged: boolean, holds = heldCapabilities()): string[] {
  if (privileged) return holds.map((c) => 'CAP_' + c);
  const adds = (add ?? []).map(normalise);
  const drops = (drop ?? []).map(normalise);
  for (const c of [...adds, ...drops]) {
    if (c !== 'ALL' && !ALL_CAP_NAMES.includes(c)) throw new Error(`unknown capability: "CAP_${c}"`);
  }
  let caps: string[];
  if (drops.includes('ALL')) caps = [];
  else caps = DEFAULT_CAPS.filter((c) => !drops.includes(c));
  if (adds.includes('ALL')) caps = [...holds.filter((c) => !drops.includes(c) || adds.includes(c))];
  else for (const c of adds) if (!caps.includes(c)) caps.push(c);
  return caps.filter((c) => holds.includes(c)).map((c) => 'CAP_' + c);
}
