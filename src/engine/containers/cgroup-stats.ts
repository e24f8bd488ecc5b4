// What a container's cgroup says, in the shape dockerd's GET /containers/{id}/stats gives it
// (moby daemon/stats_unix.go statsV1/statsV2 over containerd's cgroups readers): CPU, memory,
// pids and block I/O, from v1 hierarchies or the v2 unified one. The parsers are pure (unit-tested
// with fixtures of both versions); the readers read files synchronously: they are a handful of
// small kernel-generated files, and one sampler reads them for every reader of a container.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** dockerd's blkio_stats: every list present (null when the cgroup version has none). */
export interface BlkioStats {
  io_service_bytes_recursive: BlkioEntry[] | null;
  io_serviced_recursive: BlkioEntry[] | null;
  io_queue_recursive: BlkioEntry[] | null;
  io_service_time_recursive: BlkioEntry[] | null;
  io_wait_time_recursive: BlkioEntry[] | null;
  io_merged_recursive: BlkioEntry[] | null;
  io_time_recursive: BlkioEntry[] | null;
  sectors_recursive: BlkioEntry[] | null;
}

export interface CpuStats {
  cpu_usage: { total_usage: number; percpu_usage?: number[]; usage_in_kernelmode: number; usage_in_usermode: number };
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface MemoryStats {
  usage?: number;
  max_usage?: number;
  stats?: Record<string, number>;
  failcnt?: number;
  limit?: number;
}

export interface PidsStats {
  current?: number;
  limit?: number;
}

/** The cgroup's part of one sample (system CPU and networks are added by the sampler). */
export interface CgroupSample {
  cpu_stats: CpuStats;
  memory_stats: MemoryStats;
  pids_stats: PidsStats;
  blkio_stats: BlkioStats;
}

export type CgroupVersion = 1 | 2;

/** Nanoseconds per USER_HZ tick (cpuacct.stat, /proc/stat): Linux's USER_HZ is 100. */
const NS_PER_TICK = 1e7;

export function emptyBlkio(): BlkioStats {
  return {
    io_service_bytes_recursive: null,
    io_serviced_recursive: null,
    io_queue_recursive: null,
    io_service_time_recursive: null,
    io_wait_time_recursive: null,
    io_merged_recursive: null,
    io_time_recursive: null,
    sectors_recursive: null,
  };
}

export function emptyCpu(): CpuStats {
  return { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
}

/** A number as containerd parses cgroup values: negative → 0, junk → 0. */
function num(s: string | undefined): number {
  const n = Number(s);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** `key value` lines (memory.stat, cpu.stat, memory.events, cpuacct.stat). */
export function parseFlatKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0) out[line.slice(0, sp)] = num(line.slice(sp + 1).trim());
  }
  return out;
}

/** A single-value file; `max` (no limit) is undefined, as is a missing or empty one. */
export function parseSingle(text: string | undefined): number | undefined {
  const s = text?.trim();
  if (!s || s === 'max') return undefined;
  return num(s);
}

/**
 * A v1 blkio file (`8:0 Read 4096` lines, then `Total N`), as containerd reads it: one entry per
 * device line, the op as the kernel spells it (Read, Write, Sync, Async, Discard, Total); the
 * closing `Total` line is skipped. Files without an op (blkio.time_recursive) give op "".
 */
export function parseBlkioV1(text: string): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(/[ :]+/).filter(Boolean);
    if (f.length < 3) continue;
    const [major, minor] = [Number(f[0]), Number(f[1])];
    if (!Number.isInteger(major) || !Number.isInteger(minor)) continue;
    out.push(f.length >= 4 ? { major, minor, op: f[2], value: num(f[3]) } : { major, minor, op: '', value: num(f[2]) });
  }
  return out;
}

/** v2 io.stat (`8:0 rbytes=… wbytes=… rios=… wios=…`) → dockerd's read/write byte entries per device. */
export function parseIoStatV2(text: string): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(' ');
    const m = /^(\d+):(\d+)$/.exec(parts[0] ?? '');
    if (!m || parts.length < 2) continue;
    const kv = Object.fromEntries(parts.slice(1).map((p) => p.split('=')));
    const [major, minor] = [Number(m[1]), Number(m[2])];
    out.push({ major, minor, op: 'read', value: num(kv.rbytes) }, { major, minor, op: 'write', value: num(kv.wbytes) });
  }
  return out;
}

/** cpuacct.usage_percpu: space-separated nanoseconds per CPU. */
export function parsePercpu(text: string | undefined): number[] | undefined {
  const v = text?.trim().split(/\s+/).filter(Boolean).map(num);
  return v?.length ? v : undefined;
}

/** The memory.stat keys dockerd reports on v1 (containerd's MemoryStat), in its order. */
const V1_MEMORY_KEYS = ['cache', 'rss', 'rss_huge', 'mapped_file', 'dirty', 'writeback', 'pgpgin', 'pgpgout', 'pgfault', 'pgmajfault', 'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable'];
/** The memory.stat keys dockerd reports on v2, in its order. */
const V2_MEMORY_KEYS = [
  'anon', 'file', 'kernel_stack', 'slab', 'sock', 'shmem', 'file_mapped', 'file_dirty', 'file_writeback', 'anon_thp',
  'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable', 'slab_reclaimable', 'slab_unreclaimable',
  'pgfault', 'pgmajfault', 'workingset_refault', 'workingset_activate', 'workingset_nodereclaim', 'pgrefill', 'pgscan',
  'pgsteal', 'pgactivate', 'pgdeactivate', 'pglazyfree', 'pglazyfreed', 'thp_fault_alloc', 'thp_collapse_alloc',
];

/** v1 memory.stat → dockerd's `stats` map (the plain keys, the hierarchical limits, the total_ ones). */
export function memoryStatsMapV1(stat: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of V1_MEMORY_KEYS) out[k] = stat[k] ?? 0;
  out.hierarchical_memory_limit = stat.hierarchical_memory_limit ?? 0;
  out.hierarchical_memsw_limit = stat.hierarchical_memsw_limit ?? 0;
  for (const k of V1_MEMORY_KEYS) out['total_' + k] = stat['total_' + k] ?? 0;
  return out;
}

export function memoryStatsMapV2(stat: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of V2_MEMORY_KEYS) out[k] = stat[k] ?? 0;
  return out;
}

/** The raw files of a v1 cgroup sample (undefined: the file could not be read). */
export interface V1Files {
  cpuacctUsage?: string;
  cpuacctPercpu?: string;
  cpuacctStat?: string;
  cpuStat?: string;
  memUsage?: string;
  memMaxUsage?: string;
  memLimit?: string;
  memFailcnt?: string;
  memStat?: string;
  pidsCurrent?: string;
  pidsMax?: string;
  /** blkio files by name without the `blkio.` prefix. */
  blkio: Record<string, string | undefined>;
}

/** The raw files of a v2 cgroup sample. */
export interface V2Files {
  cpuStat?: string;
  memCurrent?: string;
  memMax?: string;
  memStat?: string;
  memEvents?: string;
  pidsCurrent?: string;
  pidsMax?: string;
  ioStat?: string;
}

/** v1 blkio as containerd reads it: the recursive CFQ lists when the kernel has them, else throttle.*. */
const V1_BLKIO_CFQ: Array<[keyof BlkioStats, string]> = [
  ['sectors_recursive', 'sectors_recursive'],
  ['io_service_bytes_recursive', 'io_service_bytes_recursive'],
  ['io_serviced_recursive', 'io_serviced_recursive'],
  ['io_queue_recursive', 'io_queued_recursive'],
  ['io_service_time_recursive', 'io_service_time_recursive'],
  ['io_wait_time_recursive', 'io_wait_time_recursive'],
  ['io_merged_recursive', 'io_merged_recursive'],
  ['io_time_recursive', 'time_recursive'],
];

/** The blkio files a v1 sample reads (CFQ's when present, the throttle ones always). */
export const V1_BLKIO_FILES = [...V1_BLKIO_CFQ.map(([, f]) => f), 'throttle.io_service_bytes', 'throttle.io_serviced'];

export function blkioV1(files: Record<string, string | undefined>): BlkioStats {
  const out = emptyBlkio();
  let size = 0;
  if (files.io_serviced_recursive !== undefined) {
    for (const [key, file] of V1_BLKIO_CFQ) {
      const list = parseBlkioV1(files[file] ?? '');
      out[key] = list;
      size += list.length;
    }
  }
  if (size > 0) return out;
  // No CFQ figures (no CFQ scheduler on the cgroup's devices): containerd falls back to the
  // throttle files; the other lists stay empty ([] on v1, as dockerd copies them).
  for (const [key] of V1_BLKIO_CFQ) out[key] = [];
  out.io_service_bytes_recursive = parseBlkioV1(files['throttle.io_service_bytes'] ?? '');
  out.io_serviced_recursive = parseBlkioV1(files['throttle.io_serviced'] ?? '');
  return out;
}

/** A v1 sample from its files; `machineMemory` caps the limit (no limit reads as ~2^63). */
export function sampleV1(f: V1Files, machineMemory: number): CgroupSample {
  const acct = parseFlatKeyed(f.cpuacctStat ?? '');
  const thr = parseFlatKeyed(f.cpuStat ?? '');
  const percpu = parsePercpu(f.cpuacctPercpu);
  const cpu: CpuStats = {
    cpu_usage: { total_usage: parseSingle(f.cpuacctUsage) ?? 0, ...(percpu ? { percpu_usage: percpu } : {}), usage_in_kernelmode: (acct.system ?? 0) * NS_PER_TICK, usage_in_usermode: (acct.user ?? 0) * NS_PER_TICK },
    throttling_data: { periods: thr.nr_periods ?? 0, throttled_periods: thr.nr_throttled ?? 0, throttled_time: thr.throttled_time ?? 0 },
  };
  const memory: MemoryStats = {};
  if (f.memStat !== undefined) {
    const usage = parseSingle(f.memUsage) ?? 0;
    const maxUsage = parseSingle(f.memMaxUsage) ?? 0;
    const failcnt = parseSingle(f.memFailcnt) ?? 0;
    let limit = parseSingle(f.memLimit) ?? 0;
    if (limit > machineMemory && machineMemory > 0) limit = machineMemory;
    if (usage) memory.usage = usage;
    if (maxUsage) memory.max_usage = maxUsage;
    memory.stats = memoryStatsMapV1(parseFlatKeyed(f.memStat));
    if (failcnt) memory.failcnt = failcnt;
    if (limit) memory.limit = limit;
  }
  return { cpu_stats: cpu, memory_stats: memory, pids_stats: pids(f.pidsCurrent, f.pidsMax), blkio_stats: blkioV1(f.blkio) };
}

/** A v2 sample from its files. */
export function sampleV2(f: V2Files, machineMemory: number): CgroupSample {
  const c = parseFlatKeyed(f.cpuStat ?? '');
  const cpu: CpuStats = {
    cpu_usage: { total_usage: (c.usage_usec ?? 0) * 1000, usage_in_kernelmode: (c.system_usec ?? 0) * 1000, usage_in_usermode: (c.user_usec ?? 0) * 1000 },
    throttling_data: { periods: c.nr_periods ?? 0, throttled_periods: c.nr_throttled ?? 0, throttled_time: (c.throttled_usec ?? 0) * 1000 },
  };
  const memory: MemoryStats = {};
  if (f.memStat !== undefined) {
    const usage = parseSingle(f.memCurrent) ?? 0;
    // memory.max "max" is containerd's MaxUint64, which dockerd caps to the machine's memory.
    let limit = parseSingle(f.memMax) ?? Number.MAX_SAFE_INTEGER;
    if (limit > machineMemory && machineMemory > 0) limit = machineMemory;
    memory.stats = memoryStatsMapV2(parseFlatKeyed(f.memStat));
    if (usage) memory.usage = usage;
    if (limit) memory.limit = limit;
    const oom = parseFlatKeyed(f.memEvents ?? '').oom ?? 0;
    if (oom) memory.failcnt = oom;
  }
  const io = f.ioStat !== undefined ? parseIoStatV2(f.ioStat) : [];
  return { cpu_stats: cpu, memory_stats: memory, pids_stats: pids(f.pidsCurrent, f.pidsMax), blkio_stats: { ...emptyBlkio(), io_service_bytes_recursive: io.length ? io : null } };
}

/**
 * pids_stats: current and limit, both omitted when 0 as dockerd's omitempty does. No limit (`max`)
 * is 0 on v1 in containerd; on v2 containerd reads it as 2^64-1, which JSON numbers here cannot
 * carry exactly (a Go client would fail to decode the rounded value), so it is omitted there too.
 */
function pids(current: string | undefined, max: string | undefined): PidsStats {
  const out: PidsStats = {};
  const cur = parseSingle(current) ?? 0;
  const lim = parseSingle(max) ?? 0;
  if (cur) out.current = cur;
  if (lim) out.limit = lim;
  return out;
}

/**
 * /proc/stat's first lines → the host's CPU time in nanoseconds (user … steal of the `cpu` line,
 * as dockerd sums them) and the number of `cpuN` lines (online_cpus).
 */
export function parseProcStat(text: string): { systemNs: number; onlineCpus: number } {
  let systemNs = 0;
  let onlineCpus = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) break;
    if (line[3] === ' ') {
      const ticks = line.trim().split(/\s+/).slice(1, 8).reduce((a, b) => a + num(b), 0);
      systemNs = ticks * NS_PER_TICK;
    } else if (line[3] >= '0' && line[3] <= '9') onlineCpus++;
  }
  return { systemNs, onlineCpus };
}

// ───────────────────────────── readers ─────────────────────────────

function tryRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
}

const READ_BUF = Buffer.allocUnsafe(64 * 1024);

/**
 * Reads a set of kernel-generated files again and again through descriptors kept open: one pread
 * at offset 0 per read (the kernel renders the file afresh), instead of open+fstat+read+close.
 * A file that is missing stays missing (cgroup files do not come and go); one that fails after
 * opening (its cgroup removed) is dropped. Descriptors of a cgroup do not keep it from being
 * removed. close() when done.
 */
export class FileReader {
  private readonly fds = new Map<string, number>();
  private readonly missing = new Set<string>();

  read(file: string): string | undefined {
    if (this.missing.has(file)) return undefined;
    let fd = this.fds.get(file);
    try {
      if (fd === undefined) {
        fd = openSync(file, 'r');
        this.fds.set(file, fd);
      }
      const n = readSync(fd, READ_BUF, 0, READ_BUF.length, 0);
      return n < READ_BUF.length ? READ_BUF.toString('latin1', 0, n) : readFileSync(file, 'latin1');
    } catch {
      if (fd === undefined) this.missing.add(file);
      else {
        closeSync(fd);
        this.fds.delete(file);
      }
      return undefined;
    }
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    this.missing.clear();
  }
}

export const CGROUP_VERSION: CgroupVersion = tryRead('/sys/fs/cgroup/cgroup.controllers') !== undefined ? 2 : 1;

/** Where a v1 controller's hierarchy is mounted (cpu and cpuacct may be co-mounted). */
function v1Dir(controller: string, cgroupPath: string): string {
  return path.join('/sys/fs/cgroup', controller, cgroupPath);
}

/** Reads one container's cgroup (its path relative to the hierarchy roots) through `files`. */
export function readCgroup(files: FileReader, cgroupPath: string, machineMemory: number, version: CgroupVersion = CGROUP_VERSION): CgroupSample {
  if (version === 2) {
    const d = path.join('/sys/fs/cgroup', cgroupPath) + '/';
    const r = (f: string) => files.read(d + f);
    return sampleV2(
      { cpuStat: r('cpu.stat'), memCurrent: r('memory.current'), memMax: r('memory.max'), memStat: r('memory.stat'), memEvents: r('memory.events'), pidsCurrent: r('pids.current'), pidsMax: r('pids.max'), ioStat: r('io.stat') },
      machineMemory,
    );
  }
  const acct = v1Dir('cpuacct', cgroupPath) + '/';
  const mem = v1Dir('memory', cgroupPath) + '/';
  const pidsDir = v1Dir('pids', cgroupPath) + '/';
  const blk = v1Dir('blkio', cgroupPath) + '/blkio.';
  const blkio: Record<string, string | undefined> = {};
  // The CFQ lists exist only on kernels with CFQ: try the marker file, then the rest.
  const serviced = files.read(blk + 'io_serviced_recursive');
  if (serviced !== undefined) for (const f of V1_BLKIO_FILES) blkio[f] = f === 'io_serviced_recursive' ? serviced : files.read(blk + f);
  else for (const f of ['throttle.io_service_bytes', 'throttle.io_serviced']) blkio[f] = files.read(blk + f);
  return sampleV1(
    {
      cpuacctUsage: files.read(acct + 'cpuacct.usage'),
      cpuacctPercpu: files.read(acct + 'cpuacct.usage_percpu'),
      cpuacctStat: files.read(acct + 'cpuacct.stat'),
      cpuStat: files.read(v1Dir('cpu', cgroupPath) + '/cpu.stat'),
      memUsage: files.read(mem + 'memory.usage_in_bytes'),
      memMaxUsage: files.read(mem + 'memory.max_usage_in_bytes'),
      memLimit: files.read(mem + 'memory.limit_in_bytes'),
      memFailcnt: files.read(mem + 'memory.failcnt'),
      memStat: files.read(mem + 'memory.stat'),
      pidsCurrent: files.read(pidsDir + 'pids.current'),
      pidsMax: files.read(pidsDir + 'pids.max'),
      blkio,
    },
    machineMemory,
  );
}

/** The host's CPU time and online CPUs, read once per sampling round. */
export function readSystemCpu(): { systemNs: number; onlineCpus: number } {
  return parseProcStat(tryRead('/proc/stat') ?? '');
}
