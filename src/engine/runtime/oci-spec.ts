// Builds the OCI runtime spec (config.json for runc) for a container, with Docker's defaults:
// default mounts, masked and read-only /proc paths, the default device allow-list, capabilities,
// seccomp, namespaces, cgroup resources. Pure: everything it needs comes in SpecInput.
import { loadProfile, seccompForCaps } from './seccomp.js';
import type { IdRange } from '../userns/id-mapping.js';

export interface OciMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export interface OciDevice {
  path: string;
  type: 'c' | 'b' | 'p';
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export interface NamespaceChoice {
  /** 'private' (new), 'host' (none: share the host's), or a path to join (`/proc/PID/ns/net`, a netns file). */
  mode: 'private' | 'host' | 'path';
  path?: string;
}

export interface SpecInput {
  rootfs: string;
  readonlyRootfs: boolean;
  args: string[];
  env: string[];
  cwd: string;
  user: { uid: number; gid: number; additionalGids: number[]; umask?: number };
  terminal: boolean;
  consoleSize?: { height: number; width: number };
  hostname: string;
  domainname?: string;
  /** Final capability list, 'CAP_…'. */
  capabilities: string[];
  privileged: boolean;
  noNewPrivileges: boolean;
  /** undefined: default profile; 'unconfined'; or a parsed Docker-format profile. */
  seccomp?: 'unconfined' | object;
  mounts: OciMount[];
  /** --userns-remap: a user namespace with these mappings, made by the runtime or joined at `path`. */
  userns?: { path?: string; uidMappings: IdRange[]; gidMappings: IdRange[] };
  namespaces: { pid: NamespaceChoice; ipc: NamespaceChoice; uts: NamespaceChoice; net: NamespaceChoice; cgroup: NamespaceChoice };
  devices: OciDevice[];
  /** Extra device cgroup rules (from --device and --device-cgroup-rule). */
  deviceRules: Array<{ allow: boolean; type?: string; major?: number; minor?: number; access: string }>;
  sysctls: Record<string, string>;
  rlimits: Array<{ type: string; hard: number; soft: number }>;
  cgroupsPath: string;
  resources: {
    memory?: number;
    memorySwap?: number;
    memoryReservation?: number;
    cpuShares?: number;
    cpuQuota?: number;
    cpuPeriod?: number;
    cpusetCpus?: string;
    cpusetMems?: string;
    pidsLimit?: number;
    blkioWeight?: number;
    memorySwappiness?: number;
    disableOOMKiller?: boolean;
    kernelTCP?: number;
  };
  /** The container's own lists (HostConfig.MaskedPaths/ReadonlyPaths) in place of the defaults. */
  maskedPaths?: string[];
  readonlyPaths?: string[];
  /** OCI annotations (HostConfig.Annotations). */
  annotations?: Record<string, string>;
  oomScoreAdj?: number;
  shmSize: number;
  /** Paths masked / made read-only, unless privileged or unconfined by --security-opt systempaths=unconfined. */
  maskPaths: boolean;
}

export const DEFAULT_MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** Docker's default device cgroup allow-list (after a deny-all). */
const DEFAULT_DEVICE_RULES = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' },
  { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' },
  { allow: true, type: 'c', major: 136, access: 'rwm' },
  { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' },
  { allow: true, type: 'c', access: 'm' },
  { allow: true, type: 'b', access: 'm' },
];

function defaultMounts(shmSize: number, privileged: boolean): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', privileged ? 'rw' : 'ro'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shmSize}`] },
  ];
}

function namespaceEntries(ns: SpecInput['namespaces'], userns: SpecInput['userns']): Array<{ type: string; path?: string }> {
  const out: Array<{ type: string; path?: string }> = [{ type: 'mount' }];
  if (userns) out.push(userns.path ? { type: 'user', path: userns.path } : { type: 'user' });
  const add = (type: string, c: NamespaceChoice) => {
    if (c.mode === 'host') return;
    out.push(c.mode === 'path' ? { type, path: c.path } : { type });
  };
  add('pid', ns.pid);
  add('ipc', ns.ipc);
  add('uts', ns.uts);
  add('network', ns.net);
  add('cgroup', ns.cgroup);
  return out;
}

export function buildOciSpec(i: SpecInput): Record<string, unknown> {
  const mounts = mergeMounts(defaultMounts(i.shmSize, i.privileged), i.mounts);
  const caps = i.capabilities;
  const process: Record<string, unknown> = {
    terminal: i.terminal,
    user: { uid: i.user.uid, gid: i.user.gid, additionalGids: i.user.additionalGids.length ? i.user.additionalGids : undefined, umask: i.user.umask },
    args: i.args,
    env: i.env,
    cwd: i.cwd || '/',
    capabilities: { bounding: caps, effective: caps, permitted: caps },
    noNewPrivileges: i.noNewPrivileges,
    oomScoreAdj: i.oomScoreAdj ?? 0,
  };
  if (i.rlimits.length) process.rlimits = i.rlimits.map((r) => ({ type: r.type, hard: r.hard, soft: r.soft }));
  if (i.terminal && i.consoleSize && i.consoleSize.height > 0) process.consoleSize = i.consoleSize;

  const resources: Record<string, unknown> = {
    devices: i.privileged ? [{ allow: true, access: 'rwm' }] : [...DEFAULT_DEVICE_RULES, ...i.deviceRules],
  };
  const r = i.resources;
  const memory: Record<string, number> = {};
  if (r.memory) memory.limit = r.memory;
  if (r.memorySwap) memory.swap = r.memorySwap;
  if (r.memoryReservation) memory.reservation = r.memoryReservation;
  if (r.memorySwappiness !== undefined) memory.swappiness = r.memorySwappiness;
  if (r.kernelTCP) memory.kernelTCP = r.kernelTCP;
  const memoryOut: Record<string, unknown> = memory;
  if (r.disableOOMKiller) memoryOut.disableOOMKiller = true;
  if (Object.keys(memoryOut).length) resources.memory = memoryOut;
  const cpu: Record<string, unknown> = {};
  if (r.cpuShares) cpu.shares = r.cpuShares;
  if (r.cpuQuota) cpu.quota = r.cpuQuota;
  if (r.cpuPeriod) cpu.period = r.cpuPeriod;
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems) cpu.mems = r.cpusetMems;
  if (Object.keys(cpu).length) resources.cpu = cpu;
  if (r.pidsLimit && r.pidsLimit > 0) resources.pids = { limit: r.pidsLimit };
  if (r.blkioWeight) resources.blockIO = { weight: r.blkioWeight };

  const linux: Record<string, unknown> = {
    namespaces: namespaceEntries(i.namespaces, i.userns),
    // The runtime writes them for a user namespace it makes, and reads them for one it joins.
    uidMappings: i.userns?.uidMappings,
    gidMappings: i.userns?.gidMappings,
    cgroupsPath: i.cgroupsPath,
    resources,
    devices: i.devices.length ? i.devices : undefined,
    sysctl: Object.keys(i.sysctls).length ? i.sysctls : undefined,
  };
  if (!i.privileged && i.maskPaths) {
    linux.maskedPaths = i.maskedPaths ?? DEFAULT_MASKED_PATHS;
    linux.readonlyPaths = i.readonlyPaths ?? DEFAULT_READONLY_PATHS;
  }
  if (!i.privileged && i.seccomp !== 'unconfined') {
    const profile = i.seccomp && typeof i.seccomp === 'object' ? (i.seccomp as any) : loadProfile();
    linux.seccomp = seccompForCaps(profile, caps);
  }
  return {
    ociVersion: '1.0.2',
    process,
    root: { path: i.rootfs, readonly: i.readonlyRootfs },
    hostname: i.namespaces.uts.mode === 'host' ? undefined : i.hostname,
    domainname: i.domainname || undefined,
    mounts,
    linux,
    ...(i.annotations && Object.keys(i.annotations).length ? { annotations: i.annotations } : {}),
  };
}

/** User mounts replace default mounts at the same destination (e.g. a bind over /dev/shm). */
function mergeMounts(defaults: OciMount[], user: OciMount[]): OciMount[] {
  const dests = new Set(user.map((m) => m.destination.replace(/\/+$/, '') || '/'));
  // A user mount on /dev replaces /dev and everything under it, as in moby.
  const kept = defaults.filter((m) => !dests.has(m.destination) && ![...dests].some((d) => d !== '/' && m.destination.startsWith(d + '/') && d === '/dev'));
  return [...kept, ...sortMounts(user)];
}

/** Parents before children, so a bind at /a/b is not hidden by a later mount at /a. */
export function sortMounts(m: OciMount[]): OciMount[] {
  return [...m].sort((a, b) => depth(a.destination) - depth(b.destination));
}
const depth = (p: string) => p.split('/').filter(Boolean).length;
