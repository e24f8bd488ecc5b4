// The normalized tree to the typed model (src/compose/model.ts), as compose-go decodes it into
// types.Project: string commands split into words, KEY=VALUE lists to maps, scalars to strings
// where compose keeps strings, durations and byte sizes in compose's printed form, and the
// fields compose always prints (command, entrypoint, depends_on.required, ipam, deploy
// resources/placement) present.
import type * as M from '../model.js';
import { ComposeError } from './errors.js';
import { shellSplit } from './shellwords.js';
import { isMapping } from './tree.js';
import { bytesString, durationString } from './units.js';

type Dict = Record<string, unknown>;

const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v));
const list = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(str) : [str(v)]);

/** Copies x- keys (kept in the model; the printer decides where they show). */
function extensions(from: Dict, to: object): void {
  for (const [k, v] of Object.entries(from)) if (k.startsWith('x-')) (to as Dict)[k] = v;
}

/** Sets `to[key] = conv(from[key])` when the key is present and the result is not empty. */
function put<T>(to: object, key: string, value: T | undefined): void {
  if (value === undefined) return;
  if (Array.isArray(value) && value.length === 0) return;
  if (isMapping(value) && Object.keys(value).length === 0) return;
  if (value === '' || value === false || value === 0) return;
  (to as Dict)[key] = value;
}

function mappingWithEquals(v: unknown): M.MappingWithEquals | undefined {
  if (v === undefined || v === null) return undefined;
  const out: M.MappingWithEquals = {};
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = str(e);
      const eq = s.indexOf('=');
      if (eq < 0) out[s] = null;
      else out[s.slice(0, eq)] = s.slice(eq + 1);
    }
  } else if (isMapping(v)) {
    for (const [k, e] of Object.entries(v)) out[k] = e === null || e === undefined ? null : scalarString(e);
  }
  return out;
}

/** Labels / Mapping: `KEY` alone is an empty value. */
function mapping(v: unknown): M.Mapping | undefined {
  if (v === undefined || v === null) return undefined;
  const out: M.Mapping = {};
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = str(e);
      const eq = s.indexOf('=');
      if (eq < 0) out[s] = '';
      else out[s.slice(0, eq)] = s.slice(eq + 1);
    }
  } else if (isMapping(v)) {
    for (const [k, e] of Object.entries(v)) out[k] = e === null || e === undefined ? '' : scalarString(e);
  }
  return out;
}

/** How compose-go turns a YAML scalar into a string value (fmt %v). */
function scalarString(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  return String(v);
}

function command(v: unknown): string[] | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return shellSplit(v);
  if (Array.isArray(v)) return v.map(str);
  return null;
}

function hostsList(v: unknown, where: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const hosts = new Map<string, string[]>();
  const add = (host: string, ips: string[]) => hosts.set(host, [...(hosts.get(host) ?? []), ...ips]);
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = str(e);
      const sep = ['=', ':'].find((c) => s.includes(c));
      if (!sep) throw new ComposeError(`invalid additional host, missing IP: ${s}`);
      const at = s.indexOf(sep);
      add(s.slice(0, at), s.slice(at + 1).split(','));
    }
  } else if (isMapping(v)) {
    for (const [host, e] of Object.entries(v)) add(host, Array.isArray(e) ? e.map(str) : [e === null ? '' : str(e)]);
  } else throw new ComposeError(`unexpected value type for ${where}`);
  const out: string[] = [];
  for (const [host, ips] of hosts) {
    if (host === '' || /[:=]/.test(host)) throw new ComposeError(`bad host name '${host}'`);
    for (let ip of ips) {
      if (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
      out.push(`${host}=${ip}`);
    }
  }
  return out.sort();
}

function ulimits(v: unknown): Record<string, M.UlimitsConfig | number> | undefined {
  if (!isMapping(v)) return undefined;
  const out: Record<string, M.UlimitsConfig | number> = {};
  for (const [name, u] of Object.entries(v)) {
    if (typeof u === 'number') out[name] = u;
    else if (isMapping(u)) {
      const c: M.UlimitsConfig = {};
      put(c, 'soft', u.soft as number);
      put(c, 'hard', u.hard as number);
      out[name] = c;
    }
  }
  return out;
}

function fileRef(v: unknown): M.FileReferenceConfig {
  const d = v as Dict;
  const out = { source: str(d.source) } as M.FileReferenceConfig;
  put(out, 'target', d.target === undefined ? undefined : str(d.target));
  put(out, 'uid', d.uid === undefined ? undefined : str(d.uid));
  put(out, 'gid', d.gid === undefined ? undefined : str(d.gid));
  if (d.mode !== undefined && d.mode !== null) {
    const mode = typeof d.mode === 'number' ? d.mode : parseInt(str(d.mode), 8);
    if (Number.isNaN(mode)) throw new ComposeError(`invalid mode ${str(d.mode)}`);
    out.mode = `0${mode.toString(8)}`;
  }
  extensions(d, out);
  return out;
}

function deviceRequest(v: unknown): M.DeviceRequest {
  const d = v as Dict;
  const out: M.DeviceRequest = {};
  put(out, 'capabilities', d.capabilities === undefined ? undefined : list(d.capabilities));
  put(out, 'driver', d.driver === undefined ? undefined : str(d.driver));
  if (d.count !== undefined) out.count = str(d.count).toLowerCase() === 'all' ? -1 : Number(d.count);
  put(out, 'device_ids', d.device_ids === undefined ? undefined : list(d.device_ids));
  put(out, 'options', mapping(d.options));
  return out;
}

function resource(v: unknown, where: string): M.Resource | undefined {
  if (!isMapping(v)) return undefined;
  const out: M.Resource = {};
  if (v.cpus !== undefined && v.cpus !== null) put(out, 'cpus', Number(v.cpus));
  if (v.memory !== undefined && v.memory !== null) put(out, 'memory', bytesString(v.memory, `${where}.memory`) === '0' ? undefined : bytesString(v.memory, `${where}.memory`));
  put(out, 'pids', v.pids as number);
  if (Array.isArray(v.devices)) put(out, 'devices', v.devices.map(deviceRequest));
  put(out, 'generic_resources', v.generic_resources as unknown[]);
  extensions(v, out);
  return out;
}

function updateConfig(v: unknown, where: string): M.UpdateConfig | undefined {
  if (!isMapping(v)) return undefined;
  const out: M.UpdateConfig = {};
  if (v.parallelism !== undefined) out.parallelism = v.parallelism as number;
  if (v.delay !== undefined) put(out, 'delay', durationString(v.delay, `${where}.delay`));
  put(out, 'failure_action', v.failure_action as string);
  if (v.monitor !== undefined) put(out, 'monitor', durationString(v.monitor, `${where}.monitor`));
  put(out, 'max_failure_ratio', v.max_failure_ratio as number);
  put(out, 'order', v.order as string);
  return out;
}

function deploy(v: unknown, where: string): M.DeployConfig | undefined {
  if (!isMapping(v)) return undefined;
  const out = {} as M.DeployConfig;
  put(out, 'mode', v.mode as string);
  if (v.replicas !== undefined && v.replicas !== null) out.replicas = v.replicas as number;
  put(out, 'labels', mapping(v.labels));
  put(out, 'update_config', updateConfig(v.update_config, `${where}.update_config`));
  put(out, 'rollback_config', updateConfig(v.rollback_config, `${where}.rollback_config`));
  const res = isMapping(v.resources) ? v.resources : {};
  out.resources = {};
  put(out.resources, 'limits', resource(res.limits, `${where}.resources.limits`));
  put(out.resources, 'reservations', resource(res.reservations, `${where}.resources.reservations`));
  if (isMapping(v.restart_policy)) {
    const rp = v.restart_policy;
    const r: M.DeployRestartPolicy = {};
    put(r, 'condition', rp.condition as string);
    if (rp.delay !== undefined) r.delay = durationString(rp.delay, `${where}.restart_policy.delay`);
    if (rp.max_attempts !== undefined) r.max_attempts = rp.max_attempts as number;
    if (rp.window !== undefined) r.window = durationString(rp.window, `${where}.restart_policy.window`);
    out.restart_policy = r;
  }
  const pl = isMapping(v.placement) ? v.placement : {};
  out.placement = {};
  put(out.placement, 'constraints', pl.constraints === undefined ? undefined : list(pl.constraints));
  put(out.placement, 'preferences', pl.preferences as unknown[]);
  put(out.placement, 'max_replicas_per_node', pl.max_replicas_per_node as number);
  put(out, 'endpoint_mode', v.endpoint_mode as string);
  extensions(v, out);
  return out;
}

function healthcheck(v: unknown, where: string): M.HealthCheckConfig | undefined {
  if (!isMapping(v)) return undefined;
  const out: M.HealthCheckConfig = {};
  if (typeof v.test === 'string') out.test = ['CMD-SHELL', v.test];
  else if (Array.isArray(v.test)) put(out, 'test', v.test.map(str));
  for (const k of ['timeout', 'interval'] as const) if (v[k] !== undefined && v[k] !== null) out[k] = durationString(v[k], `${where}.${k}`);
  if (v.retries !== undefined && v.retries !== null) out.retries = v.retries as number;
  for (const k of ['start_period', 'start_interval'] as const) if (v[k] !== undefined && v[k] !== null) out[k] = durationString(v[k], `${where}.${k}`);
  put(out, 'disable', v.disable === true);
  extensions(v, out);
  return out;
}

function build(v: unknown, where: string): M.BuildConfig | undefined {
  if (!isMapping(v)) return undefined;
  const out: M.BuildConfig = {};
  put(out, 'context', v.context === undefined ? undefined : str(v.context));
  put(out, 'dockerfile', v.dockerfile === undefined ? undefined : str(v.dockerfile));
  put(out, 'dockerfile_inline', v.dockerfile_inline === undefined ? undefined : str(v.dockerfile_inline));
  put(out, 'entitlements', v.entitlements === undefined ? undefined : list(v.entitlements));
  put(out, 'args', mappingWithEquals(v.args));
  put(out, 'provenance', v.provenance as string);
  put(out, 'sbom', v.sbom as string);
  if (isMapping(v.ssh)) put(out, 'ssh', Object.entries(v.ssh).map(([id, p]) => (p === null || p === undefined || p === '' ? id : `${id}=${str(p)}`)));
  put(out, 'labels', mapping(v.labels));
  put(out, 'cache_from', v.cache_from === undefined ? undefined : list(v.cache_from));
  put(out, 'cache_to', v.cache_to === undefined ? undefined : list(v.cache_to));
  put(out, 'no_cache', v.no_cache === true);
  put(out, 'no_cache_filter', v.no_cache_filter === undefined ? undefined : list(v.no_cache_filter));
  put(out, 'additional_contexts', mapping(v.additional_contexts));
  put(out, 'pull', v.pull === true);
  put(out, 'extra_hosts', hostsList(v.extra_hosts, `${where}.extra_hosts`));
  put(out, 'isolation', v.isolation as string);
  put(out, 'network', v.network as string);
  put(out, 'target', v.target as string);
  if (Array.isArray(v.secrets)) put(out, 'secrets', v.secrets.map(fileRef));
  if (v.shm_size !== undefined && v.shm_size !== null) put(out, 'shm_size', bytesString(v.shm_size, `${where}.shm_size`));
  put(out, 'tags', v.tags === undefined ? undefined : list(v.tags));
  put(out, 'ulimits', ulimits(v.ulimits));
  put(out, 'platforms', v.platforms === undefined ? undefined : list(v.platforms));
  put(out, 'privileged', v.privileged === true);
  extensions(v, out);
  return out;
}

function port(v: unknown): M.ServicePortConfig {
  const d = v as Dict;
  const out = {} as M.ServicePortConfig;
  put(out, 'name', d.name as string);
  put(out, 'mode', d.mode as string);
  put(out, 'host_ip', d.host_ip as string);
  out.target = Number(d.target);
  if (d.published !== undefined && d.published !== null && d.published !== '') out.published = str(d.published);
  put(out, 'protocol', d.protocol as string);
  put(out, 'app_protocol', d.app_protocol as string);
  extensions(d, out);
  return out;
}

function volume(v: unknown, where: string): M.ServiceVolumeConfig {
  const d = v as Dict;
  const out = { type: str(d.type) } as M.ServiceVolumeConfig;
  put(out, 'source', d.source === undefined ? undefined : str(d.source));
  out.target = str(d.target);
  put(out, 'read_only', d.read_only === true);
  put(out, 'consistency', d.consistency as string);
  if (isMapping(d.bind)) {
    const b: M.ServiceVolumeBind = {};
    put(b, 'selinux', d.bind.selinux as string);
    put(b, 'propagation', d.bind.propagation as string);
    put(b, 'create_host_path', d.bind.create_host_path === true);
    put(b, 'recursive', d.bind.recursive as string);
    out.bind = b;
  }
  if (isMapping(d.volume)) {
    const vv: M.ServiceVolumeVolume = {};
    put(vv, 'labels', mapping(d.volume.labels));
    put(vv, 'nocopy', d.volume.nocopy === true);
    put(vv, 'subpath', d.volume.subpath as string);
    out.volume = vv;
  }
  if (isMapping(d.tmpfs)) {
    const t: M.ServiceVolumeTmpfs = {};
    if (d.tmpfs.size !== undefined && d.tmpfs.size !== null) put(t, 'size', bytesString(d.tmpfs.size, `${where}.tmpfs.size`) === '0' ? undefined : bytesString(d.tmpfs.size, `${where}.tmpfs.size`));
    put(t, 'mode', d.tmpfs.mode as number);
    out.tmpfs = t;
  }
  if (isMapping(d.image)) {
    out.image = {};
    put(out.image, 'subpath', d.image.subpath as string);
  }
  extensions(d, out);
  return out;
}

function serviceNetworks(v: unknown): Record<string, M.ServiceNetworkConfig | null> | undefined {
  if (!isMapping(v)) return undefined;
  const out: Record<string, M.ServiceNetworkConfig | null> = {};
  for (const [name, n] of Object.entries(v)) {
    if (!isMapping(n)) {
      out[name] = null;
      continue;
    }
    const c: M.ServiceNetworkConfig = {};
    put(c, 'aliases', n.aliases === undefined ? undefined : list(n.aliases));
    put(c, 'driver_opts', mapping(n.driver_opts));
    put(c, 'gw_priority', n.gw_priority as number);
    put(c, 'interface_name', n.interface_name as string);
    put(c, 'ipv4_address', n.ipv4_address as string);
    put(c, 'ipv6_address', n.ipv6_address as string);
    put(c, 'link_local_ips', n.link_local_ips === undefined ? undefined : list(n.link_local_ips));
    put(c, 'mac_address', n.mac_address as string);
    put(c, 'priority', n.priority as number);
    extensions(n, c);
    out[name] = c;
  }
  return out;
}

function hook(v: unknown): M.ServiceHook {
  const d = v as Dict;
  const out = { command: command(d.command) } as M.ServiceHook;
  put(out, 'image', d.image as string);
  put(out, 'user', d.user as string);
  put(out, 'privileged', d.privileged === true);
  put(out, 'working_dir', d.working_dir as string);
  put(out, 'environment', mappingWithEquals(d.environment));
  put(out, 'per_replica', d.per_replica === true);
  return out;
}

const STRING_FIELDS = [
  'cgroup_parent', 'cgroup', 'cpuset', 'container_name', 'dockerfile', 'domainname', 'hostname', 'image', 'ipc', 'isolation', 'log_driver', 'mac_address',
  'net', 'network_mode', 'pid', 'platform', 'pull_policy', 'restart', 'runtime', 'stop_signal', 'user', 'userns_mode', 'uts', 'volume_driver', 'working_dir',
] as const;
const LIST_FIELDS = ['profiles', 'cap_add', 'cap_drop', 'device_cgroup_rules', 'dns', 'dns_opt', 'dns_search', 'expose', 'external_links', 'group_add', 'label_file', 'links', 'security_opt', 'tmpfs', 'volumes_from'] as const;
const NUMBER_FIELDS = ['cpu_count', 'cpu_percent', 'cpu_period', 'cpu_quota', 'cpu_rt_period', 'cpu_rt_runtime', 'cpus', 'cpu_shares', 'oom_score_adj', 'pids_limit'] as const;
const BOOL_FIELDS = ['oom_kill_disable', 'privileged', 'read_only', 'stdin_open', 'tty', 'use_api_socket'] as const;
const BYTES_FIELDS = ['mem_limit', 'mem_reservation', 'memswap_limit', 'mem_swappiness', 'shm_size'] as const;

export function toService(name: string, d: Dict): M.ServiceConfig {
  const where = `services.${name}`;
  const s = { command: command(d.command), entrypoint: command(d.entrypoint) } as M.ServiceConfig;
  const o = s as unknown as Dict;
  for (const k of STRING_FIELDS) if (d[k] !== undefined && d[k] !== null) put(o, k, str(d[k]));
  for (const k of LIST_FIELDS) if (d[k] !== undefined && d[k] !== null) put(o, k, list(d[k]));
  for (const k of NUMBER_FIELDS) if (typeof d[k] === 'number' || typeof d[k] === 'string') put(o, k, Number(d[k]));
  for (const k of BOOL_FIELDS) put(o, k, d[k] === true);
  for (const k of BYTES_FIELDS) if (d[k] !== undefined && d[k] !== null) put(o, k, bytesString(d[k], `${where}.${k}`) === '0' ? undefined : bytesString(d[k], `${where}.${k}`));
  put(o, 'annotations', mapping(d.annotations));
  if (typeof d.attach === 'boolean') s.attach = d.attach;
  put(o, 'build', build(d.build, `${where}.build`));
  if (isMapping(d.develop)) s.develop = d.develop as M.DevelopConfig;
  if (isMapping(d.blkio_config)) s.blkio_config = d.blkio_config as M.BlkioConfig;
  if (Array.isArray(d.configs)) put(o, 'configs', d.configs.map(fileRef));
  if (isMapping(d.credential_spec)) s.credential_spec = d.credential_spec as M.CredentialSpecConfig;
  if (isMapping(d.depends_on)) {
    const deps: Record<string, M.ServiceDependency> = {};
    for (const [dep, c] of Object.entries(d.depends_on)) {
      const cd = isMapping(c) ? c : {};
      const entry = { condition: str(cd.condition ?? 'service_started') } as M.ServiceDependency;
      if (cd.restart === true) entry.restart = true;
      extensions(cd, entry);
      entry.required = cd.required !== false;
      deps[dep] = entry;
    }
    put(o, 'depends_on', deps);
  }
  put(o, 'deploy', deploy(d.deploy, `${where}.deploy`));
  if (Array.isArray(d.devices)) put(o, 'devices', d.devices as M.DeviceMapping[]);
  if (isMapping(d.provider)) s.provider = d.provider as M.ServiceProviderConfig;
  put(o, 'environment', mappingWithEquals(d.environment));
  if (Array.isArray(d.env_file)) {
    put(
      o,
      'env_file',
      d.env_file.filter(isMapping).map((e) => {
        const f: M.EnvFile = { path: str(e.path) };
        if (e.required === false) f.required = false;
        if (e.format !== undefined) f.format = str(e.format);
        return f;
      }),
    );
  }
  if (isMapping(d.extends)) s.extends = d.extends as unknown as M.ExtendsConfig;
  put(o, 'extra_hosts', hostsList(d.extra_hosts, `${where}.extra_hosts`));
  if (Array.isArray(d.gpus)) put(o, 'gpus', d.gpus.map(deviceRequest));
  put(o, 'healthcheck', healthcheck(d.healthcheck, `${where}.healthcheck`));
  if (typeof d.init === 'boolean') s.init = d.init;
  put(o, 'labels', mapping(d.labels));
  if (isMapping(d.logging)) {
    const l: M.LoggingConfig = {};
    put(l, 'driver', d.logging.driver as string);
    put(l, 'options', mapping(d.logging.options));
    s.logging = l;
  }
  put(o, 'log_opt', mapping(d.log_opt));
  if (isMapping(d.models)) s.models = d.models as M.ServiceConfig['models'];
  put(o, 'networks', serviceNetworks(d.networks));
  if (Array.isArray(d.ports)) put(o, 'ports', d.ports.map(port));
  if (typeof d.scale === 'number') s.scale = d.scale;
  if (Array.isArray(d.secrets)) put(o, 'secrets', d.secrets.map(fileRef));
  if (d.stop_grace_period !== undefined && d.stop_grace_period !== null) s.stop_grace_period = durationString(d.stop_grace_period, `${where}.stop_grace_period`);
  put(o, 'storage_opt', mapping(d.storage_opt));
  put(o, 'sysctls', mapping(d.sysctls));
  put(o, 'ulimits', ulimits(d.ulimits));
  if (Array.isArray(d.volumes)) put(o, 'volumes', d.volumes.map((v, i) => volume(v, `${where}.volumes.${i}`)));
  if (Array.isArray(d.post_start)) put(o, 'post_start', d.post_start.map(hook));
  if (Array.isArray(d.pre_stop)) put(o, 'pre_stop', d.pre_stop.map(hook));
  extensions(d, o);
  return s;
}

function network(d: Dict): M.NetworkConfig {
  const out = {} as M.NetworkConfig;
  const o = out as unknown as Dict;
  put(o, 'name', d.name as string);
  put(o, 'driver', d.driver as string);
  put(o, 'driver_opts', mapping(d.driver_opts));
  const ipam = isMapping(d.ipam) ? d.ipam : {};
  out.ipam = {};
  put(out.ipam, 'driver', ipam.driver as string);
  if (Array.isArray(ipam.config)) {
    put(
      out.ipam as Dict,
      'config',
      ipam.config.filter(isMapping).map((c) => {
        const pool: M.IPAMPool = {};
        put(pool, 'subnet', c.subnet as string);
        put(pool, 'gateway', c.gateway as string);
        put(pool, 'ip_range', c.ip_range as string);
        put(pool, 'aux_addresses', mapping(c.aux_addresses));
        return pool;
      }),
    );
  }
  put(out.ipam, 'options', mapping(ipam.options));
  put(o, 'external', d.external === true);
  put(o, 'internal', d.internal === true);
  put(o, 'attachable', d.attachable === true);
  put(o, 'labels', mapping(d.labels));
  if (typeof d.enable_ipv4 === 'boolean') out.enable_ipv4 = d.enable_ipv4;
  if (typeof d.enable_ipv6 === 'boolean') out.enable_ipv6 = d.enable_ipv6;
  extensions(d, o);
  return out;
}

function volumeConfig(d: Dict): M.VolumeConfig {
  const out: M.VolumeConfig = {};
  const o = out as Dict;
  put(o, 'name', d.name as string);
  put(o, 'driver', d.driver as string);
  put(o, 'driver_opts', mapping(d.driver_opts));
  put(o, 'external', d.external === true);
  put(o, 'labels', mapping(d.labels));
  extensions(d, o);
  return out;
}

function fileObject(d: Dict): M.FileObjectConfig {
  const out: M.FileObjectConfig = {};
  const o = out as Dict;
  for (const k of ['name', 'file', 'environment', 'content'] as const) if (d[k] !== undefined && d[k] !== null) put(o, k, str(d[k]));
  put(o, 'external', d.external === true);
  put(o, 'labels', mapping(d.labels));
  put(o, 'driver', d.driver as string);
  put(o, 'driver_opts', mapping(d.driver_opts));
  put(o, 'template_driver', d.template_driver as string);
  extensions(d, o);
  return out;
}

/** The normalized tree (name already set) to the printable project. */
export function toProject(tree: Dict, name: string): { project: M.Project; services: Record<string, M.ServiceConfig> } {
  const project = { name, services: {} } as M.Project;
  const services: Record<string, M.ServiceConfig> = {};
  for (const [svc, d] of Object.entries(isMapping(tree.services) ? tree.services : {})) services[svc] = toService(svc, isMapping(d) ? d : {});
  const section = <T>(key: string, conv: (d: Dict) => T): Record<string, T> | undefined => {
    const all = tree[key];
    if (!isMapping(all)) return undefined;
    const out: Record<string, T> = {};
    for (const [k, d] of Object.entries(all)) out[k] = conv(isMapping(d) ? d : {});
    return out;
  };
  const nets = section('networks', network);
  if (nets) project.networks = nets;
  const vols = section('volumes', volumeConfig);
  if (vols) project.volumes = vols;
  const secrets = section('secrets', fileObject);
  if (secrets) project.secrets = secrets;
  const configs = section('configs', fileObject);
  if (configs) project.configs = configs;
  const models = section('models', (d) => d as M.ModelConfig);
  if (models) project.models = models;
  extensions(tree, project);
  return { project, services };
}
