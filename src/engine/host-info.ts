// What GET /info says about the host and the daemon's set-up, found the way dockerd 28 finds it:
// cgroup features from the hierarchies' files (pkg/sysinfo), the warnings daemon/info_unix.go gives
// for the missing ones, the storage driver's status (overlay2's Status()), and the registry
// configuration as registry.ServiceConfig shows it.
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import path from 'node:path';

export interface CgroupFeatures {
  CgroupVersion: '1' | '2';
  MemoryLimit: boolean;
  SwapLimit: boolean;
  KernelMemoryTCP: boolean;
  OomKillDisable: boolean;
  CpuCfsPeriod: boolean;
  CpuCfsQuota: boolean;
  CPUShares: boolean;
  CPUSet: boolean;
  PidsLimit: boolean;
  /** Not in /info's fields; only their warnings are. */
  blkio: { weight: boolean; weightDevice: boolean; readBps: boolean; writeBps: boolean; readIOps: boolean; writeIOps: boolean };
}

/** Where a v1 controller is mounted (from /proc/self/mountinfo), else undefined. */
function v1MountPoint(mountinfo: string, controller: string): string | undefined {
  for (const line of mountinfo.split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!post?.startsWith('cgroup ')) continue;
    const opts = post.split(' ')[2]?.split(',') ?? [];
    if (opts.includes(controller)) return pre.split(' ')[4];
  }
  return undefined;
}

/** The host's cgroup features as dockerd's sysinfo detects them (v1: files at each hierarchy's root; v2: the root's controllers). */
export function cgroupFeatures(cgroupRoot = '/sys/fs/cgroup', mountinfo?: string): CgroupFeatures {
  if (existsSync(path.join(cgroupRoot, 'cgroup.controllers'))) {
    const ctl = new Set(readText(path.join(cgroupRoot, 'cgroup.controllers')).trim().split(/\s+/));
    const own = readText('/proc/self/cgroup')
      .split('\n')
      .find((l) => l.startsWith('0::'))
      ?.slice(3);
    const io = ctl.has('io');
    return {
      CgroupVersion: '2',
      MemoryLimit: ctl.has('memory'),
      SwapLimit: ctl.has('memory') && !!own && existsSync(path.join(cgroupRoot, own, 'memory.swap.max')),
      KernelMemoryTCP: false,
      OomKillDisable: false,
      CpuCfsPeriod: ctl.has('cpu'),
      CpuCfsQuota: ctl.has('cpu'),
      CPUShares: ctl.has('cpu'),
      CPUSet: ctl.has('cpuset'),
      PidsLimit: ctl.has('pids'),
      blkio: { weight: io, weightDevice: io, readBps: io, writeBps: io, readIOps: io, writeIOps: io },
    };
  }
  const mi = mountinfo ?? readText('/proc/self/mountinfo');
  const has = (controller: string, file?: string) => {
    const mp = v1MountPoint(mi, controller);
    return !!mp && (file === undefined || existsSync(path.join(mp, file)));
  };
  return {
    CgroupVersion: '1',
    MemoryLimit: has('memory'),
    SwapLimit: has('memory', 'memory.memsw.limit_in_bytes'),
    KernelMemoryTCP: has('memory', 'memory.kmem.tcp.limit_in_bytes'),
    OomKillDisable: has('memory', 'memory.oom_control'),
    CpuCfsPeriod: has('cpu', 'cpu.cfs_quota_us'),
    CpuCfsQuota: has('cpu', 'cpu.cfs_quota_us'),
    CPUShares: has('cpu', 'cpu.shares'),
    CPUSet: has('cpuset'),
    PidsLimit: has('pids'),
    blkio: {
      weight: has('blkio', 'blkio.weight'),
      weightDevice: has('blkio', 'blkio.weight_device'),
      readBps: has('blkio', 'blkio.throttle.read_bps_device'),
      writeBps: has('blkio', 'blkio.throttle.write_bps_device'),
      readIOps: has('blkio', 'blkio.throttle.read_iops_device'),
      writeIOps: has('blkio', 'blkio.throttle.write_iops_device'),
    },
  };
}

/** dockerd 28's /info warnings for what the host lacks (daemon/info_unix.go fillPlatformInfo), in its order. */
export function cgroupWarnings(f: CgroupFeatures, ipv4Forwarding: boolean): string[] {
  const w: string[] = [];
  const v2 = f.CgroupVersion === '2';
  if (!f.MemoryLimit) w.push('WARNING: No memory limit support');
  if (!f.SwapLimit) w.push('WARNING: No swap limit support');
  if (!f.KernelMemoryTCP && !v2) w.push('WARNING: No kernel memory TCP limit support');
  if (!f.OomKillDisable && !v2) w.push('WARNING: No oom kill disable support');
  if (!f.CpuCfsQuota) w.push('WARNING: No cpu cfs quota support');
  if (!f.CpuCfsPeriod) w.push('WARNING: No cpu cfs period support');
  if (!f.CPUShares) w.push('WARNING: No cpu shares support');
  if (!f.CPUSet) w.push('WARNING: No cpuset support');
  if (!f.blkio.weight && v2) w.push('WARNING: No io.weight support');
  if (!f.blkio.weightDevice && v2) w.push('WARNING: No io.weight (per device) support');
  if (!f.blkio.readBps) w.push(v2 ? 'WARNING: No io.max (rbps) support' : 'WARNING: No blkio throttle.read_bps_device support');
  if (!f.blkio.writeBps) w.push(v2 ? 'WARNING: No io.max (wbps) support' : 'WARNING: No blkio throttle.write_bps_device support');
  if (!f.blkio.readIOps) w.push(v2 ? 'WARNING: No io.max (riops) support' : 'WARNING: No blkio throttle.read_iops_device support');
  if (!f.blkio.writeIOps) w.push(v2 ? 'WARNING: No io.max (wiops) support' : 'WARNING: No blkio throttle.write_iops_device support');
  if (!ipv4Forwarding) w.push('WARNING: IPv4 forwarding is disabled');
  return w;
}

export function ipv4Forwarding(): boolean {
  return readText('/proc/sys/net/ipv4/ip_forward').trim() === '1';
}

/** statfs f_type → the name dockerd's graphdriver gives the backing filesystem. */
const FS_NAMES: Record<number, string> = {
  0xef53: 'extfs',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
  0x01021994: 'tmpfs',
  0x794c7630: 'overlayfs',
  0x2fc12fc1: 'zfs',
  0x6969: 'nfs',
  0x858458f6: 'ramfs',
  0x73717368: 'squashfs',
  0xf2f52010: 'f2fs',
  0xf15f: 'ecryptfs',
  0x61756673: 'aufs',
  0x65735546: 'fuse',
};

export function backingFilesystem(dir: string): string {
  try {
    return FS_NAMES[statfsSync(dir).type] ?? '<unknown>';
  } catch {
    return '<unknown>';
  }
}

/** An overlay module parameter (Y/N), false when the module does not say. */
function overlayParam(name: string): boolean {
  return readText(`/sys/module/overlay/parameters/${name}`).trim() === 'Y';
}

/**
 * DriverStatus as dockerd's drivers give it: overlay2's five pairs (berth mounts without
 * userxattr, and its diff reads the upper directory, which is exact unless the kernel turns on
 * redirect_dir or metacopy by default); vfs has none (null).
 */
export function driverStatus(driver: string, dataRoot: string): Array<[string, string]> | null {
  if (driver === 'vfs') return null;
  const fs = backingFilesystem(dataRoot);
  const metacopy = overlayParam('metacopy');
  return [
    ['Backing Filesystem', fs],
    // Every filesystem overlay accepts as an upper layer returns d_type (xfs needs ftype=1,
    // which overlay itself requires); berth could not have mounted its layers otherwise.
    ['Supports d_type', 'true'],
    ['Using metacopy', String(metacopy)],
    ['Native Overlay Diff', String(!metacopy && !overlayParam('redirect_dir'))],
    ['userxattr', 'false'],
  ];
}

export interface IndexInfo {
  Name: string;
  Mirrors: string[];
  Secure: boolean;
  Official: boolean;
}

export interface RegistryServiceConfig {
  InsecureRegistryCIDRs: string[];
  IndexConfigs: Record<string, IndexInfo>;
  Mirrors: string[];
}

/** A network address in CIDR notation, normalised to its network (Go's net.ParseCIDR), or undefined. */
function parseCidr(s: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s);
  if (m) {
    const octets = m.slice(1, 5).map(Number);
    const bits = Number(m[5]);
    if (octets.some((o) => o > 255) || bits > 32) return undefined;
    const ip = octets.reduce((a, o) => a * 256 + o, 0);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const net = (ip & mask) >>> 0;
    return `${[24, 16, 8, 0].map((sh) => (net >>> sh) & 255).join('.')}/${bits}`;
  }
  if (/^[0-9a-f:]+\/\d{1,3}$/i.test(s) && s.includes(':')) return s.toLowerCase();
  return undefined;
}

/**
 * RegistryConfig as dockerd reports it: insecure registries given as CIDRs (and the loopback
 * ones dockerd always adds) in InsecureRegistryCIDRs, those given as host[:port] as non-secure
 * IndexConfigs, docker.io with the mirrors (normalised to one trailing slash).
 */
export function registryServiceConfig(insecure: readonly string[], mirrors: readonly string[]): RegistryServiceConfig {
  const m = mirrors.map((u) => u.replace(/\/+$/, '') + '/');
  const cidrs: string[] = [];
  const index: Record<string, IndexInfo> = {};
  for (let r of [...insecure, '::1/128', '127.0.0.0/8']) {
    r = r.replace(/^https?:\/\//i, '');
    const cidr = parseCidr(r);
    if (cidr) {
      if (!cidrs.includes(cidr)) cidrs.push(cidr);
    } else index[r] = { Name: r, Mirrors: [], Secure: false, Official: false };
  }
  index['docker.io'] = { Name: 'docker.io', Mirrors: m, Secure: true, Official: true };
  return { InsecureRegistryCIDRs: cidrs, IndexConfigs: index, Mirrors: m };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
