// A service as a POST /containers/create request, the way Docker Compose v2 builds it
// (pkg/compose/create.go getCreateConfigs): Config, HostConfig and NetworkingConfig, with every
// network in EndpointsConfig (API >= 1.44), binds for plain bind mounts and the Mount API for
// the rest, secrets and configs from files bind-mounted read-only.
import path from 'node:path';
import type { ContainerCreateBody, EndpointSettings, HostConfig, MountSummary } from '../api-types/containers.js';
import { parseGoDuration } from '../cli/format/units.js';
import { serviceHash } from './hash.js';
import type { Project, ServiceConfig, ServiceVolumeConfig } from './model.js';
import { ComposeLabels, dependsOnLabel, networkName, serviceImage, volumeName } from './naming.js';

/** One entry of HostConfig.Mounts. */
export interface MountRequest {
  Type: string;
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; CreateMountpoint?: boolean; NonRecursive?: boolean; ReadOnlyNonRecursive?: boolean; ReadOnlyForceRecursive?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Subpath?: string };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface CreateRequestOptions {
  project: Project;
  /** Service name (its key in project.services). */
  service: string;
  /** The service, with `service:` references already resolved to `container:<id>`. */
  svc: ServiceConfig;
  /** Replica number; 0 for one-off (`run`) containers, which carry no number label. */
  number: number;
  /** The container's name (aliases include it). */
  name: string;
  /** Labels besides the hash, number and depends_on: the user's and compose's own. */
  labels: Record<string, string>;
  /** Service name and network aliases as DNS aliases (false for `run` without --use-aliases). */
  useNetworkAliases?: boolean;
  autoRemove?: boolean;
  attachStdin?: boolean;
  links?: string[];
  /** The container being replaced (`inherit`): its anonymous volumes are reused. */
  inherit?: { Mounts?: MountSummary[] };
  /** The image's declared VOLUMEs (for inheriting anonymous volumes). */
  imageVolumes?: Record<string, object> | null;
}

const nsOf = (d: string | undefined): number | undefined => (d === undefined ? undefined : parseGoDuration(d));

/** "host=ip" (the model) → "host:ip" (HostConfig.ExtraHosts). */
function extraHost(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : `${entry.slice(0, eq)}:${entry.slice(eq + 1)}`;
}

/** Networks by priority (highest first), then name: compose's NetworksByPriority. */
export function networksByPriority(svc: ServiceConfig): string[] {
  const nets = Object.entries(svc.networks ?? {}).map(([name, cfg]) => ({ name, priority: cfg?.priority ?? 0 }));
  nets.sort((a, b) => (a.priority === b.priority ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : b.priority - a.priority));
  return nets.map((n) => n.name);
}

/** restart / deploy.restart_policy as a RestartPolicy (compose's getRestartPolicy). */
export function restartPolicy(svc: ServiceConfig): { Name: string; MaximumRetryCount?: number } {
  const map = (c: string | undefined): string => {
    switch (c) {
      case 'none':
      case 'no':
        return 'no';
      case 'any':
      case 'always':
        return 'always';
      default:
        return c ?? '';
    }
  };
  let policy: { Name: string; MaximumRetryCount?: number } = { Name: '' };
  if (svc.restart) {
    const [name, attempts] = svc.restart.split(':');
    policy = { Name: map(name), MaximumRetryCount: attempts ? Number(attempts) || 0 : 0 };
  }
  const dp = svc.deploy?.restart_policy;
  if (dp) policy = { Name: map(dp.condition), MaximumRetryCount: dp.max_attempts ?? 0 };
  return policy;
}

/** The bind string compose-go's ServiceVolumeConfig.String() renders. */
function bindString(v: ServiceVolumeConfig): string {
  const opts = [v.read_only ? 'ro' : 'rw'];
  if (v.bind?.selinux) opts.push(v.bind.selinux);
  if (v.bind?.propagation) opts.push(v.bind.propagation);
  if (v.volume?.nocopy) opts.push('nocopy');
  return `${v.source ?? ''}:${v.target}:${opts.join(',')}`;
}

/** A bind needing the Mount API: create_host_path false, propagation or recursive set. */
function requireMountApi(v: ServiceVolumeConfig): boolean {
  const b = v.bind;
  if (!b) return false;
  return !b.create_host_path || !!b.propagation || !!b.recursive;
}

function buildMount(project: Project, v: ServiceVolumeConfig): MountRequest {
  let source = v.source;
  if (v.type === 'bind' && source && !path.isAbsolute(source)) source = path.resolve(source);
  if (v.type === 'volume' && source && project.volumes?.[source]) source = volumeName(project, source);
  const m: MountRequest = { Type: v.type, Source: source, Target: v.target };
  if (v.read_only) m.ReadOnly = true;
  if (v.consistency) m.Consistency = v.consistency;
  if (v.type === 'bind' && v.bind) {
    m.BindOptions = { Propagation: v.bind.propagation || undefined, CreateMountpoint: v.bind.create_host_path || undefined };
    if (v.bind.recursive === 'disabled') m.BindOptions.NonRecursive = true;
    if (v.bind.recursive === 'writable') m.BindOptions.ReadOnlyNonRecursive = true;
    if (v.bind.recursive === 'readonly') m.BindOptions.ReadOnlyForceRecursive = true;
  }
  if (v.type === 'volume' && v.volume) m.VolumeOptions = { NoCopy: v.volume.nocopy || undefined, Subpath: v.volume.subpath || undefined };
  if (v.type === 'tmpfs' && v.tmpfs) m.TmpfsOptions = { SizeBytes: v.tmpfs.size ? Number(v.tmpfs.size) : undefined, Mode: v.tmpfs.mode || undefined };
  return m;
}

/** Where a secret/config lands: target, or /run/secrets/<source> (secrets), /<source> (configs). */
export function fileRefTarget(kind: 'secret' | 'config', ref: { source: string; target?: string }): string {
  const base = kind === 'secret' ? '/run/secrets/' : '/';
  if (!ref.target) return base + ref.source;
  return ref.target.startsWith('/') ? ref.target : base + ref.target;
}

/** Secrets and configs read from files, bind-mounted read-only (environment/content ones are copied in after create). */
function fileRefMounts(project: Project, svc: ServiceConfig): MountRequest[] {
  const out: MountRequest[] = [];
  for (const [kind, refs, defs] of [
    ['secret', svc.secrets, project.secrets],
    ['config', svc.configs, project.configs],
  ] as const) {
    for (const ref of refs ?? []) {
      const def = defs?.[ref.source];
      if (!def) throw new Error(`service refers to undefined ${kind} ${ref.source}: invalid compose project`);
      if (def.external) throw new Error(`unsupported external ${kind} ${def.name ?? ref.source}`);
      if (def.driver) throw new Error(`Docker Compose does not support ${kind}s.*.driver`);
      if (def.template_driver) throw new Error(`Docker Compose does not support ${kind}s.*.template_driver`);
      if (def.environment || def.content) continue;
      if (!def.file) continue;
      out.push({ Type: 'bind', Source: def.file, Target: fileRefTarget(kind, ref), ReadOnly: true, ...(kind === 'secret' ? { BindOptions: {} } : {}) });
    }
  }
  return out;
}

/** Binds and Mounts for a service (compose's buildContainerVolumes). */
export function buildVolumes(
  project: Project,
  svc: ServiceConfig,
  inherit?: { Mounts?: MountSummary[] },
  imageVolumes?: Record<string, object> | null,
): { binds: string[]; mounts: MountRequest[] } {
  const byTarget = new Map<string, MountRequest>();
  let volumes = svc.volumes ?? [];
  for (const m of inherit?.Mounts ?? []) {
    if (m.Type === 'tmpfs' || !m.Destination) continue;
    const src = m.Type === 'volume' ? m.Name : m.Source;
    const reuse: MountRequest = { Type: m.Type ?? 'volume', Source: src, Target: m.Destination, ReadOnly: m.RW === false || undefined };
    if (imageVolumes && Object.hasOwn(imageVolumes, m.Destination)) byTarget.set(m.Destination, reuse);
    const anonymous = volumes.find((v) => v.target === m.Destination && !v.source);
    if (anonymous) {
      byTarget.set(m.Destination, reuse);
      volumes = volumes.filter((v) => v !== anonymous);
    }
  }
  for (const v of volumes) byTarget.set(v.target, buildMount(project, v));
  for (const m of fileRefMounts(project, svc)) if (!byTarget.has(m.Target)) byTarget.set(m.Target, m);

  const binds: string[] = [];
  const mounts: MountRequest[] = [];
  for (const m of byTarget.values()) {
    if (m.Type === 'bind') {
      const v = volumes.find((x) => x.target === m.Target);
      if (v && (v.type !== m.Type || !requireMountApi(v))) {
        binds.push(bindString(v.type !== m.Type ? { ...v, source: m.Source } : v));
        continue;
      }
    }
    mounts.push(m);
  }
  return { binds, mounts };
}

function endpointSettings(opts: CreateRequestOptions, key: string): EndpointSettings {
  const cfg = opts.svc.networks?.[key] ?? null;
  const aliases = [opts.name];
  if (opts.useNetworkAliases) {
    aliases.push(opts.service);
    if (cfg?.aliases) aliases.push(...cfg.aliases);
  }
  const ep: EndpointSettings = { Aliases: aliases };
  if (opts.links?.length) ep.Links = opts.links;
  if (cfg) {
    if (cfg.ipv4_address || cfg.ipv6_address || cfg.link_local_ips?.length) {
      ep.IPAMConfig = { IPv4Address: cfg.ipv4_address || undefined, IPv6Address: cfg.ipv6_address || undefined, LinkLocalIPs: cfg.link_local_ips };
    }
    if (cfg.mac_address) ep.MacAddress = cfg.mac_address;
    if (cfg.driver_opts) ep.DriverOpts = cfg.driver_opts;
    if (cfg.gw_priority) ep.GwPriority = cfg.gw_priority;
  }
  return ep;
}

/** NetworkMode and EndpointsConfig (compose's defaultNetworkSettings, API >= 1.44). */
export function networkSettings(opts: CreateRequestOptions): { mode: string; config?: ContainerCreateBody['NetworkingConfig'] } {
  const { project, svc } = opts;
  if (svc.network_mode) return { mode: svc.network_mode };
  if (!project.networks || Object.keys(project.networks).length === 0) return { mode: 'none' };
  const keys = svc.networks && Object.keys(svc.networks).length ? networksByPriority(svc) : ['default'];
  const endpoints: Record<string, EndpointSettings> = {};
  for (const key of keys) {
    const ep = endpointSettings(opts, key);
    if (key === keys[0] && !ep.MacAddress && svc.mac_address) ep.MacAddress = svc.mac_address;
    endpoints[networkName(project, key)] = ep;
  }
  return { mode: networkName(project, keys[0]), config: { EndpointsConfig: endpoints } };
}

/** "80", "80/udp", "8000-8001/tcp" → ExposedPorts keys. */
function exposedKeys(spec: string): string[] {
  const [ports, proto = 'tcp'] = spec.split('/');
  const [lo, hi = lo] = ports.split('-').map(Number);
  const out: string[] = [];
  for (let p = lo; p <= hi; p++) out.push(`${p}/${proto}`);
  return out;
}

/** The labels of a service container: the given ones plus config hash, number and depends_on. */
export function containerLabels(svc: ServiceConfig, labels: Record<string, string>, number: number): Record<string, string> {
  const out: Record<string, string> = { ...labels, [ComposeLabels.configHash]: serviceHash(svc) };
  if (number > 0) out[ComposeLabels.containerNumber] = String(number);
  out[ComposeLabels.dependsOn] = dependsOnLabel(svc);
  return out;
}

/** The environment as Env entries (`KEY` alone when the value is unset). */
function env(svc: ServiceConfig): string[] | undefined {
  const e = svc.environment;
  if (!e) return undefined;
  return Object.entries(e).map(([k, v]) => (v === null ? k : `${k}=${v}`));
}

function ulimits(svc: ServiceConfig): { Name: string; Soft: number; Hard: number }[] | undefined {
  if (!svc.ulimits) return undefined;
  return Object.entries(svc.ulimits).map(([Name, u]) => {
    if (typeof u === 'number') return { Name, Soft: u, Hard: u };
    return { Name, Soft: u.soft ?? 0, Hard: u.hard ?? 0 };
  });
}

/** Drops undefined values, so the body carries only what is set. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** The create request for one container of a service. */
export function createRequest(opts: CreateRequestOptions): ContainerCreateBody {
  const { project, svc } = opts;
  const exposed: Record<string, object> = {};
  for (const e of svc.expose ?? []) for (const k of exposedKeys(e)) exposed[k] = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of svc.ports ?? []) {
    const key = `${p.target}/${p.protocol || 'tcp'}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.host_ip ?? '', HostPort: p.published ?? '' });
  }
  const hc = svc.healthcheck;
  const healthcheck = hc
    ? compact({
        Test: hc.disable ? ['NONE'] : hc.test,
        Interval: nsOf(hc.interval),
        Timeout: nsOf(hc.timeout),
        StartPeriod: nsOf(hc.start_period),
        StartInterval: nsOf(hc.start_interval),
        Retries: hc.retries,
      })
    : undefined;
  const stopNs = nsOf(svc.stop_grace_period);
  const tmpfs: Record<string, string> = {};
  for (const t of svc.tmpfs ?? []) {
    const i = t.indexOf(':');
    if (i < 0) tmpfs[t] = '';
    else tmpfs[t.slice(0, i)] = t.slice(i + 1);
  }
  const { binds, mounts } = buildVolumes(project, svc, opts.inherit, opts.imageVolumes);
  const net = networkSettings(opts);
  const limits = svc.deploy?.resources?.limits;
  const reservations = svc.deploy?.resources?.reservations;
  const memory = limits?.memory ? Number(limits.memory) : svc.mem_limit ? Number(svc.mem_limit) : undefined;
  const nanoCpus = limits?.cpus ? Math.round(limits.cpus * 1e9) : svc.cpus ? Math.round(svc.cpus * 1e9) : undefined;
  const pids = limits?.pids && limits.pids > 0 ? limits.pids : svc.pids_limit || undefined;
  const unconfined = (svc.security_opt ?? []).includes('systempaths=unconfined');
  const hostConfig: HostConfig = compact({
    AutoRemove: opts.autoRemove || undefined,
    Annotations: svc.annotations,
    Binds: binds.length ? binds : undefined,
    Mounts: mounts.length ? mounts : undefined,
    CapAdd: svc.cap_add,
    CapDrop: svc.cap_drop,
    NetworkMode: net.mode,
    Init: svc.init,
    IpcMode: svc.ipc,
    CgroupnsMode: svc.cgroup,
    ReadonlyRootfs: svc.read_only || undefined,
    RestartPolicy: restartPolicy(svc),
    ShmSize: svc.shm_size ? Number(svc.shm_size) : undefined,
    Sysctls: svc.sysctls,
    PortBindings: Object.keys(bindings).length ? bindings : undefined,
    CgroupParent: svc.cgroup_parent,
    Memory: memory,
    MemorySwap: svc.memswap_limit ? Number(svc.memswap_limit) : undefined,
    MemoryReservation: reservations?.memory ? Number(reservations.memory) : svc.mem_reservation ? Number(svc.mem_reservation) : undefined,
    MemorySwappiness: svc.mem_swappiness ? Number(svc.mem_swappiness) : undefined,
    OomKillDisable: svc.oom_kill_disable || undefined,
    CpuCount: svc.cpu_count,
    CpuPeriod: svc.cpu_period,
    CpuQuota: svc.cpu_quota,
    CpuRealtimePeriod: svc.cpu_rt_period,
    CpuRealtimeRuntime: svc.cpu_rt_runtime,
    CpuShares: svc.cpu_shares,
    CpuPercent: svc.cpu_percent ? Math.round(svc.cpu_percent * 100) : undefined,
    NanoCpus: nanoCpus,
    CpusetCpus: svc.cpuset,
    DeviceCgroupRules: svc.device_cgroup_rules,
    PidsLimit: pids,
    Devices: svc.devices?.map((d) => ({ PathOnHost: d.source, PathInContainer: d.target ?? d.source, CgroupPermissions: d.permissions ?? 'rwm' })),
    Ulimits: ulimits(svc),
    VolumeDriver: svc.volume_driver,
    VolumesFrom: svc.volumes_from,
    Dns: svc.dns,
    DnsSearch: svc.dns_search,
    DnsOptions: svc.dns_opt,
    ExtraHosts: svc.extra_hosts?.map(extraHost),
    SecurityOpt: svc.security_opt?.filter((o) => o !== 'systempaths=unconfined'),
    StorageOpt: svc.storage_opt,
    UsernsMode: svc.userns_mode,
    UTSMode: svc.uts,
    Privileged: svc.privileged || undefined,
    PidMode: svc.pid,
    Tmpfs: Object.keys(tmpfs).length ? tmpfs : undefined,
    Runtime: svc.runtime,
    LogConfig: svc.logging ? { Type: svc.logging.driver ?? '', Config: svc.logging.options ?? {} } : undefined,
    GroupAdd: svc.group_add,
    Links: opts.links?.length ? opts.links : undefined,
    OomScoreAdj: svc.oom_score_adj,
    MaskedPaths: unconfined ? [] : undefined,
    ReadonlyPaths: unconfined ? [] : undefined,
  });
  return compact({
    Hostname: svc.hostname,
    Domainname: svc.domainname,
    User: svc.user,
    ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
    Tty: svc.tty ?? false,
    OpenStdin: svc.stdin_open ?? false,
    StdinOnce: !!(opts.attachStdin && svc.stdin_open),
    AttachStdin: !!opts.attachStdin,
    AttachStdout: true,
    AttachStderr: true,
    Cmd: svc.command ?? undefined,
    Image: serviceImage(project.name, opts.service, svc),
    WorkingDir: svc.working_dir,
    Entrypoint: svc.entrypoint ?? undefined,
    NetworkDisabled: svc.network_mode === 'disabled' || undefined,
    Labels: containerLabels(svc, opts.labels, opts.number),
    StopSignal: svc.stop_signal,
    Env: env(svc),
    Healthcheck: healthcheck,
    StopTimeout: stopNs === undefined ? undefined : Math.floor(stopNs / 1e9),
    HostConfig: hostConfig,
    NetworkingConfig: net.config,
  });
}
