// Prints a project as `docker compose config` does: compose-go's struct field order for
// structs, sorted keys for maps; JSON as Go's json.MarshalIndent (x-* only at the top level,
// empty `command`/`entrypoint` as null, `<`, `>`, `&` escaped), YAML as go-yaml (2-space
// indent, x-* fields inline, empty fields left out).
import { stringify } from 'yaml';
import type { Project } from './model.js';

const SERVICE = [
  'profiles', 'annotations', 'attach', 'build', 'develop', 'blkio_config', 'cap_add', 'cap_drop', 'cgroup_parent', 'cgroup', 'cpu_count', 'cpu_percent',
  'cpu_period', 'cpu_quota', 'cpu_rt_period', 'cpu_rt_runtime', 'cpus', 'cpuset', 'cpu_shares', 'command', 'configs', 'container_name', 'credential_spec',
  'depends_on', 'deploy', 'device_cgroup_rules', 'devices', 'dns', 'dns_opt', 'dns_search', 'dockerfile', 'domainname', 'entrypoint', 'provider',
  'environment', 'env_file', 'expose', 'extends', 'external_links', 'extra_hosts', 'group_add', 'gpus', 'hostname', 'healthcheck', 'image', 'init', 'ipc',
  'isolation', 'labels', 'label_file', 'links', 'logging', 'log_driver', 'log_opt', 'mem_limit', 'mem_reservation', 'memswap_limit', 'mem_swappiness',
  'mac_address', 'models', 'net', 'network_mode', 'networks', 'oom_kill_disable', 'oom_score_adj', 'pid', 'pids_limit', 'platform', 'ports', 'privileged',
  'pull_policy', 'read_only', 'restart', 'runtime', 'scale', 'secrets', 'security_opt', 'shm_size', 'stdin_open', 'stop_grace_period', 'stop_signal',
  'storage_opt', 'sysctls', 'tmpfs', 'tty', 'ulimits', 'use_api_socket', 'user', 'userns_mode', 'uts', 'volume_driver', 'volumes', 'volumes_from',
  'working_dir', 'post_start', 'pre_stop',
];
const BUILD = [
  'context', 'dockerfile', 'dockerfile_inline', 'entitlements', 'args', 'provenance', 'sbom', 'ssh', 'labels', 'cache_from', 'cache_to', 'no_cache',
  'no_cache_filter', 'additional_contexts', 'pull', 'extra_hosts', 'isolation', 'network', 'target', 'secrets', 'shm_size', 'tags', 'ulimits', 'platforms',
  'privileged',
];
const RESOURCE = ['cpus', 'memory', 'pids', 'devices', 'generic_resources'];
const DEVICE_REQUEST = ['capabilities', 'driver', 'count', 'device_ids', 'options'];
const UPDATE = ['parallelism', 'delay', 'failure_action', 'monitor', 'max_failure_ratio', 'order'];
const FILE_REF = ['source', 'target', 'uid', 'gid', 'mode'];
const FILE_OBJECT = ['name', 'file', 'environment', 'content', 'external', 'labels', 'driver', 'driver_opts', 'template_driver'];
const HOOK = ['command', 'image', 'user', 'privileged', 'working_dir', 'environment', 'per_replica'];

/** Struct field orders by path pattern (`*` any key, `[]` any item). */
const STRUCTS: [string, string[]][] = [
  ['services.*', SERVICE],
  ['services.*.build', BUILD],
  ['services.*.build.secrets.[]', FILE_REF],
  ['services.*.build.ulimits.*', ['soft', 'hard']],
  ['services.*.develop', ['watch']],
  ['services.*.develop.watch.[]', ['path', 'action', 'target', 'exec', 'include', 'ignore', 'initial_sync']],
  ['services.*.develop.watch.[].exec', HOOK],
  ['services.*.blkio_config', ['weight', 'weight_device', 'device_read_bps', 'device_read_iops', 'device_write_bps', 'device_write_iops']],
  ['services.*.credential_spec', ['config', 'file', 'registry']],
  ['services.*.configs.[]', FILE_REF],
  ['services.*.secrets.[]', FILE_REF],
  ['services.*.depends_on.*', ['condition', 'restart', 'required']],
  ['services.*.deploy', ['mode', 'replicas', 'labels', 'update_config', 'rollback_config', 'resources', 'restart_policy', 'placement', 'endpoint_mode']],
  ['services.*.deploy.update_config', UPDATE],
  ['services.*.deploy.rollback_config', UPDATE],
  ['services.*.deploy.resources', ['limits', 'reservations']],
  ['services.*.deploy.resources.limits', RESOURCE],
  ['services.*.deploy.resources.reservations', RESOURCE],
  ['services.*.deploy.resources.reservations.devices.[]', DEVICE_REQUEST],
  ['services.*.deploy.restart_policy', ['condition', 'delay', 'max_attempts', 'window']],
  ['services.*.deploy.placement', ['constraints', 'preferences', 'max_replicas_per_node']],
  ['services.*.devices.[]', ['source', 'target', 'permissions']],
  ['services.*.env_file.[]', ['path', 'required', 'format']],
  ['services.*.extends', ['file', 'service']],
  ['services.*.gpus.[]', DEVICE_REQUEST],
  ['services.*.healthcheck', ['test', 'timeout', 'interval', 'retries', 'start_period', 'start_interval', 'disable']],
  ['services.*.logging', ['driver', 'options']],
  ['services.*.models.*', ['endpoint_var', 'model_var']],
  ['services.*.networks.*', ['aliases', 'driver_opts', 'gw_priority', 'interface_name', 'ipv4_address', 'ipv6_address', 'link_local_ips', 'mac_address', 'priority']],
  ['services.*.ports.[]', ['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol']],
  ['services.*.provider', ['type', 'options']],
  ['services.*.ulimits.*', ['soft', 'hard']],
  ['services.*.volumes.[]', ['type', 'source', 'target', 'read_only', 'consistency', 'bind', 'volume', 'tmpfs', 'image']],
  ['services.*.volumes.[].bind', ['selinux', 'propagation', 'create_host_path', 'recursive']],
  ['services.*.volumes.[].volume', ['labels', 'nocopy', 'subpath']],
  ['services.*.volumes.[].tmpfs', ['size', 'mode']],
  ['services.*.volumes.[].image', ['subpath']],
  ['services.*.post_start.[]', HOOK],
  ['services.*.pre_stop.[]', HOOK],
  ['networks.*', ['name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'attachable', 'labels', 'enable_ipv4', 'enable_ipv6']],
  ['networks.*.ipam', ['driver', 'config', 'options']],
  ['networks.*.ipam.config.[]', ['subnet', 'gateway', 'ip_range', 'aux_addresses']],
  ['volumes.*', ['name', 'driver', 'driver_opts', 'external', 'labels']],
  ['secrets.*', FILE_OBJECT],
  ['configs.*', FILE_OBJECT],
  ['models.*', ['name', 'model', 'context_size', 'runtime_flags']],
];

/** Struct (not pointer) fields: JSON prints them even empty, go-yaml leaves them out when empty. */
const VALUE_STRUCTS = ['services.*.deploy.resources', 'services.*.deploy.placement', 'networks.*.ipam'];

function matches(path: string[], pattern: string): boolean {
  const parts = pattern.split('.');
  return parts.length === path.length && parts.every((p, i) => p === '*' || p === path[i] || (p === '[]' && path[i] === '[]'));
}

const structOrder = (path: string[]) => STRUCTS.find(([p]) => matches(path, p))?.[1];

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

/** The value as nested Maps in print order (Maps keep numeric-looking keys in place). */
function ordered(value: unknown, path: string[], json: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, [...path, '[]'], json));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const out = new Map<string, unknown>();
  const order = path.length === 0 ? (json ? undefined : ['name', 'services', 'networks', 'volumes', 'secrets', 'configs', 'models']) : structOrder(path);
  if (!order) {
    for (const k of Object.keys(obj).sort()) if (obj[k] !== undefined) out.set(k, ordered(obj[k], [...path, k], json));
    return out;
  }
  for (const k of order) {
    if (!Object.hasOwn(obj, k) || obj[k] === undefined) continue;
    const v = obj[k];
    const p = [...path, k];
    // go-yaml leaves out nil commands and empty value structs (ipam, resources, placement).
    if (!json && (v === null || (isEmptyObject(v) && VALUE_STRUCTS.some((pattern) => matches(p, pattern))))) continue;
    out.set(k, ordered(v, p, json));
  }
  // Extension fields: printed inline by YAML (structs) and at the top level by JSON.
  if (!json || path.length === 0) for (const k of Object.keys(obj).filter((x) => x.startsWith('x-')).sort()) out.set(k, ordered(obj[k], [...path, k], json));
  if (json && path.length === 0) return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return out;
}

function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function toJson(v: unknown, indent: string): string {
  if (v instanceof Map) {
    if (v.size === 0) return '{}';
    const inner = indent + '  ';
    return `{\n${[...v.entries()].map(([k, x]) => `${inner}${goJsonString(k)}: ${toJson(x, inner)}`).join(',\n')}\n${indent}}`;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const inner = indent + '  ';
    return `[\n${v.map((x) => `${inner}${toJson(x, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (typeof v === 'string') return goJsonString(v);
  if (v === undefined) return 'null';
  return JSON.stringify(v);
}

/** The project as `docker compose config --format json|yaml` prints it (ends with a newline for yaml). */
export function renderProject(project: Project, format: 'json' | 'yaml'): string {
  if (format === 'json') return toJson(ordered(project, [], true), '');
  return stringify(ordered(project, [], false), { indent: 2, lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, nullStr: 'null' });
}
