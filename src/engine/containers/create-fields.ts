// Every field of a create request (API v1.50's ContainerConfig and HostConfig) is applied, refused
// with dockerd's error, or accepted with dockerd's warning (create's `Warnings`), never silently
// dropped. CREATE_FIELDS says which, field by field (a unit test walks the spec's list against it);
// verifyCreateFields does the refusing and warning, as dockerd's verifyPlatformContainerResources,
// verifyPlatformContainerSettings and runconfig's decode-time checks do on Linux.
import os from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, SystemError } from '../errors.js';
import type { ContainerConfig, HostConfig } from './types.js';

/**
 * applied: berth does what the field asks. warned: applied where the host can, else dropped with
 * dockerd's warning. refused: refused with dockerd's error (or, marked "berth", an error saying
 * berth does not do it) whenever set. inert: dockerd keeps it and does nothing with it on Linux
 * either (client-side or Windows-only fields), and so does berth.
 */
export type FieldHandling = 'applied' | 'warned' | 'refused' | 'inert';

export const CREATE_FIELDS: Record<'HostConfig' | 'Config', Record<string, FieldHandling>> = {
  HostConfig: {
    CpuShares: 'applied',
    Memory: 'applied',
    CgroupParent: 'refused', // berth
    BlkioWeight: 'applied',
    BlkioWeightDevice: 'refused', // berth
    BlkioDeviceReadBps: 'refused', // berth
    BlkioDeviceWriteBps: 'refused', // berth
    BlkioDeviceReadIOps: 'refused', // berth
    BlkioDeviceWriteIOps: 'refused', // berth
    CpuPeriod: 'applied',
    CpuQuota: 'applied',
    CpuRealtimePeriod: 'refused',
    CpuRealtimeRuntime: 'refused',
    CpusetCpus: 'applied',
    CpusetMems: 'applied',
    Devices: 'applied',
    DeviceCgroupRules: 'applied',
    DeviceRequests: 'refused', // no device driver (GPU) here: dockerd's "could not select device driver"
    KernelMemoryTCP: 'applied', // passed to the runtime as dockerd does (cgroup v1 only; ignored by runc on v2)
    MemoryReservation: 'applied',
    MemorySwap: 'warned', // no swap accounting: "Memory limited without swap"
    MemorySwappiness: 'warned', // cgroup v2 has none
    NanoCpus: 'applied',
    OomKillDisable: 'warned', // cgroup v2 has none
    Init: 'applied',
    PidsLimit: 'applied',
    Ulimits: 'applied',
    CpuCount: 'inert', // Windows only
    CpuPercent: 'warned', // "linux does not support CPU percent. Percent discarded."
    IOMaximumIOps: 'refused',
    IOMaximumBandwidth: 'refused',
    Binds: 'applied',
    ContainerIDFile: 'inert', // written by the client
    LogConfig: 'applied', // the logging driver and its options (log-config.ts, logging.ts)
    NetworkMode: 'applied',
    PortBindings: 'warned', // with host networking: "Published ports are discarded when using host network mode"
    RestartPolicy: 'applied',
    AutoRemove: 'applied',
    VolumeDriver: 'applied',
    VolumesFrom: 'applied',
    Mounts: 'applied',
    ConsoleSize: 'applied',
    Annotations: 'applied',
    CapAdd: 'applied',
    CapDrop: 'applied',
    CgroupnsMode: 'applied',
    Dns: 'applied',
    DnsOptions: 'applied',
    DnsSearch: 'applied',
    ExtraHosts: 'applied',
    GroupAdd: 'applied',
    IpcMode: 'applied',
    Cgroup: 'refused', // berth
    Links: 'applied',
    OomScoreAdj: 'applied',
    PidMode: 'applied',
    Privileged: 'applied',
    PublishAllPorts: 'applied',
    ReadonlyRootfs: 'applied',
    SecurityOpt: 'applied',
    StorageOpt: 'refused', // overlay2 off xfs with pquota: dockerd's error
    Tmpfs: 'applied',
    UTSMode: 'applied',
    UsernsMode: 'refused', // berth: anything but "" and "host"
    ShmSize: 'applied',
    Sysctls: 'applied',
    Runtime: 'applied',
    Isolation: 'refused', // anything but "default"
    MaskedPaths: 'applied',
    ReadonlyPaths: 'applied',
  },
  Config: {
    Hostname: 'applied',
    Domainname: 'applied',
    User: 'applied',
    AttachStdin: 'applied',
    AttachStdout: 'applied',
    AttachStderr: 'applied',
    ExposedPorts: 'applied',
    Tty: 'applied',
    OpenStdin: 'applied',
    StdinOnce: 'applied',
    Env: 'applied',
    Cmd: 'applied',
    Healthcheck: 'applied',
    ArgsEscaped: 'inert', // Windows only
    Image: 'applied',
    Volumes: 'applied',
    WorkingDir: 'applied',
    Entrypoint: 'applied',
    NetworkDisabled: 'refused', // berth
    MacAddress: 'applied',
    OnBuild: 'inert', // image metadata, kept on the container's config as dockerd does
    Labels: 'applied',
    StopSignal: 'applied',
    StopTimeout: 'applied',
    Shell: 'inert', // image metadata (Dockerfile SHELL)
  },
};

/** What the host's cgroups offer, as dockerd's sysinfo finds it. */
export interface CgroupCaps {
  swapLimit: boolean;
  memorySwappiness: boolean;
  oomKillDisable: boolean;
}

let cached: CgroupCaps | undefined;
export function hostCgroupCaps(): CgroupCaps {
  if (cached) return cached;
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    // v2: swap accounting when berthd's own cgroup has memory.swap.max; no swappiness, no OOM-kill disable.
    let own = '';
    try {
      own = /^0::(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1] ?? '';
    } catch {}
    cached = { swapLimit: !!own && existsSync(path.join('/sys/fs/cgroup', own, 'memory.swap.max')), memorySwappiness: false, oomKillDisable: false };
  } else {
    const mem = '/sys/fs/cgroup/memory';
    cached = {
      swapLimit: existsSync(path.join(mem, 'memory.memsw.limit_in_bytes')),
      memorySwappiness: existsSync(path.join(mem, 'memory.swappiness')),
      oomKillDisable: existsSync(path.join(mem, 'memory.oom_control')),
    };
  }
  return cached;
}

const MIN_MEMORY = 6 * 1024 * 1024;
const berthRefuses = (field: string) => new InvalidArgumentError(`berth does not support ${field} yet`);

/**
 * dockerd's checks of a create request on Linux: throws its error for what it refuses, drops
 * what the host cannot do (in hc, as dockerd does) and returns its warnings.
 */
export function verifyCreateFields(hc: HostConfig, cfg: Partial<ContainerConfig>, o: { caps?: CgroupCaps; cpus?: number; update?: boolean; usernsRemap?: boolean } = {}): string[] {
  const caps = o.caps ?? hostCgroupCaps();
  const cpus = o.cpus ?? os.cpus().length;
  const w: string[] = [];
  // runconfig's decode-time checks.
  if (hc.Isolation && hc.Isolation !== 'default') throw new InvalidArgumentError(`invalid isolation (${hc.Isolation}): linux only supports 'default'`);
  if (hc.IOMaximumBandwidth) throw new InvalidArgumentError('invalid option: QoS maximum bandwidth configuration is not supported on linux');
  if (hc.IOMaximumIOps) throw new InvalidArgumentError('invalid option: QoS maximum IOPs configuration is not supported on linux');
  if (hc.CpuRealtimePeriod || hc.CpuRealtimeRuntime) throw new InvalidArgumentError('kernel does not support CPU real-time scheduler');
  if ((hc.CpuShares ?? 0) < 0) throw new InvalidArgumentError(`invalid CPU shares (${hc.CpuShares}): value must be a positive integer`);

  // verifyPlatformContainerResources: memory.
  if (hc.MemorySwappiness === -1) hc.MemorySwappiness = undefined;
  const memory = hc.Memory ?? 0;
  if (memory !== 0 && memory < MIN_MEMORY) throw new InvalidArgumentError('Minimum memory limit allowed is 6MB');
  if (memory > 0 && (hc.MemorySwap ?? 0) !== -1 && !caps.swapLimit) {
    w.push('Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.');
    hc.MemorySwap = -1;
  }
  const swap = hc.MemorySwap ?? 0;
  if (memory > 0 && swap > 0 && swap < memory) throw new InvalidArgumentError('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (memory === 0 && swap > 0 && !o.update) throw new InvalidArgumentError('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (hc.MemorySwappiness != null && !caps.memorySwappiness) {
    w.push('Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.');
    hc.MemorySwappiness = undefined;
  }
  if (hc.MemorySwappiness != null && (hc.MemorySwappiness < 0 || hc.MemorySwappiness > 100)) {
    throw new InvalidArgumentError(`Invalid value: ${hc.MemorySwappiness}, valid memory swappiness range is 0-100`);
  }
  const reservation = hc.MemoryReservation ?? 0;
  if (reservation > 0 && reservation < MIN_MEMORY) throw new InvalidArgumentError('Minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > 0 && memory < reservation) throw new InvalidArgumentError('Minimum memory limit can not be less than memory reservation limit, see usage');
  if (hc.OomKillDisable != null && !caps.oomKillDisable) {
    if (hc.OomKillDisable) w.push('Your kernel does not support OomKillDisable. OomKillDisable discarded.');
    hc.OomKillDisable = undefined;
  }
  if (hc.OomKillDisable && memory === 0) w.push('OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.');

  // CPU.
  const nano = hc.NanoCpus ?? 0;
  if (nano > 0 && (hc.CpuPeriod ?? 0) > 0) throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nano > 0 && (hc.CpuQuota ?? 0) > 0) throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (nano !== 0 && (nano < 0 || nano > cpus * 1e9)) throw new InvalidArgumentError(`range of CPUs is from 0.01 to ${cpus}.00, as there are only ${cpus} CPUs available`);
  const period = hc.CpuPeriod ?? 0;
  if (period !== 0 && (period < 1000 || period > 1_000_000)) throw new InvalidArgumentError('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  const quota = hc.CpuQuota ?? 0;
  if (quota > 0 && quota < 1000) throw new InvalidArgumentError('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  if ((hc.CpuPercent ?? 0) > 0) {
    w.push('linux does not support CPU percent. Percent discarded.');
    hc.CpuPercent = 0;
  }

  // Block I/O.
  const weight = hc.BlkioWeight ?? 0;
  if (weight > 0 && (weight < 10 || weight > 1000)) throw new InvalidArgumentError('Range of blkio weight is from 10 to 1000');
  for (const f of ['BlkioWeightDevice', 'BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps'] as const) {
    if ((hc[f] as unknown[] | undefined)?.length) throw berthRefuses(`HostConfig.${f}`);
  }

  // verifyPlatformContainerSettings.
  if ((hc.ShmSize ?? 0) < 0) throw new InvalidArgumentError('SHM size can not be less than 0');
  const adj = hc.OomScoreAdj ?? 0;
  if (adj < -1000 || adj > 1000) throw new InvalidArgumentError(`Invalid value ${adj}, range for oom score adj is [-1000, 1000]`);
  if (hc.NetworkMode === 'host' && Object.keys(hc.PortBindings ?? {}).length) w.push('Published ports are discarded when using host network mode');
  // Options that conflict with user namespaces (--userns=host opts out of them), dockerd's words.
  if (o.usernsRemap && hc.UsernsMode !== 'host') {
    if (hc.Privileged) throw new InvalidArgumentError('privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode');
    if (hc.NetworkMode === 'host') throw new InvalidArgumentError("cannot share the host's network namespace when user namespaces are enabled");
    if (hc.PidMode === 'host') throw new InvalidArgumentError('cannot share the host PID namespace when user namespaces are enabled');
  }

  // What berth does not do (yet): refused, never dropped.
  if (hc.CgroupParent) throw berthRefuses('HostConfig.CgroupParent');
  if (hc.Cgroup) throw berthRefuses('HostConfig.Cgroup');
  if (hc.UsernsMode && hc.UsernsMode !== 'host') throw berthRefuses(`HostConfig.UsernsMode "${hc.UsernsMode}"`);
  if (cfg.NetworkDisabled) throw berthRefuses('Config.NetworkDisabled');
  // overlay2 off xfs with project quotas (the only storage option it has is size).
  const storageOpts = Object.keys(hc.StorageOpt ?? {});
  if (storageOpts.includes('size')) throw new SystemError("--storage-opt is supported only for overlay over xfs with 'pquota' mount option");
  if (storageOpts.length) throw new SystemError(`Unknown option ${storageOpts[0]}`);
  return w;
}

/** At start, as dockerd's device request handling: no driver (GPU) is available here. */
export function refuseDeviceRequests(hc: HostConfig): void {
  const req = hc.DeviceRequests?.[0] as { Driver?: string; Capabilities?: string[][] } | undefined;
  if (!req) return;
  const caps = `[${(req.Capabilities ?? []).map((c) => `[${c.join(' ')}]`).join(' ')}]`;
  throw new InvalidArgumentError(`could not select device driver "${req.Driver ?? ''}" with capabilities: ${caps}`);
}
