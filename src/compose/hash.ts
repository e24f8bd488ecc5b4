// The config hash Docker Compose v2 writes in `com.docker.compose.config-hash`
// (pkg/compose/hash.go): sha256 of Go's json.Marshal of compose-go's ServiceConfig with build,
// pull_policy, scale, deploy.replicas, depends_on and profiles cleared. Reproduced here from the
// model (the `docker compose config --format json` shape): keys in compose-go's struct field order
// (v2.9.0, the one Compose 2.39 builds with), map keys sorted, x- extensions left out, strings
// escaped as Go escapes them (<, >, & as \u003c…), and compose-go's custom marshalers (env_file,
// ulimits, weight/throttle devices, provider). So a project Docker Compose created is seen as
// unchanged by berth compose and the other way round. Not verified against a Compose v2 binary
// (none is installed here); the unit tests pin the byte layout.
import { createHash } from 'node:crypto';
import type { NetworkConfig, ServiceConfig, VolumeConfig } from './model.js';

/** A field's value shape: a struct (by name), a map or list of one, or a plain value. */
type Shape = string | { map: Shape } | { list: Shape } | undefined;
type Fields = [key: string, shape?: Shape][];

const FILE_REF: Fields = [['source'], ['target'], ['uid'], ['gid'], ['mode']];
const HOOK: Fields = [['command'], ['user'], ['privileged'], ['working_dir'], ['environment']];
const DEVICE_REQUEST: Fields = [['capabilities'], ['driver'], ['count'], ['device_ids'], ['options']];
const RESOURCE: Fields = [['cpus'], ['memory'], ['pids'], ['devices', { list: 'DeviceRequest' }], ['generic_resources', { list: 'GenericResource' }]];
const UPDATE: Fields = [['parallelism'], ['delay'], ['failure_action'], ['monitor'], ['max_failure_ratio'], ['order']];

/** compose-go's struct field order (json names), by type. */
const STRUCTS: Record<string, Fields> = {
  ServiceConfig: [
    ['profiles'], ['annotations'], ['attach'], ['build'], ['develop', 'Develop'], ['blkio_config', 'Blkio'], ['cap_add'], ['cap_drop'],
    ['cgroup_parent'], ['cgroup'], ['cpu_count'], ['cpu_percent'], ['cpu_period'], ['cpu_quota'], ['cpu_rt_period'], ['cpu_rt_runtime'],
    ['cpus'], ['cpuset'], ['cpu_shares'], ['command'], ['configs', { list: 'FileRef' }], ['container_name'], ['credential_spec', 'CredentialSpec'],
    ['depends_on'], ['deploy', 'Deploy'], ['device_cgroup_rules'], ['devices', { list: 'DeviceMapping' }], ['dns'], ['dns_opt'], ['dns_search'],
    ['dockerfile'], ['domainname'], ['entrypoint'], ['provider', 'Provider'], ['environment'], ['env_file'], ['expose'], ['extends', 'Extends'],
    ['external_links'], ['extra_hosts'], ['group_add'], ['gpus', { list: 'DeviceRequest' }], ['hostname'], ['healthcheck', 'Healthcheck'],
    ['image'], ['init'], ['ipc'], ['isolation'], ['labels'], ['label_file'], ['links'], ['logging', 'Logging'], ['log_driver'], ['log_opt'],
    ['mem_limit'], ['mem_reservation'], ['memswap_limit'], ['mem_swappiness'], ['mac_address'], ['models', { map: 'ServiceModel' }], ['net'],
    ['network_mode'], ['networks', { map: 'ServiceNetwork' }], ['oom_kill_disable'], ['oom_score_adj'], ['pid'], ['pids_limit'], ['platform'],
    ['ports', { list: 'Port' }], ['privileged'], ['pull_policy'], ['read_only'], ['restart'], ['runtime'], ['scale'], ['secrets', { list: 'FileRef' }],
    ['security_opt'], ['shm_size'], ['stdin_open'], ['stop_grace_period'], ['stop_signal'], ['storage_opt'], ['sysctls'], ['tmpfs'], ['tty'],
    ['ulimits', { map: 'Ulimits' }], ['use_api_socket'], ['user'], ['userns_mode'], ['uts'], ['volume_driver'], ['volumes', { list: 'Volume' }],
    ['volumes_from'], ['working_dir'], ['post_start', { list: 'Hook' }], ['pre_stop', { list: 'Hook' }],
  ],
  Provider: [['driver'], ['options']],
  Develop: [['watch', { list: 'Trigger' }]],
  Trigger: [['path'], ['action'], ['target'], ['exec', 'Hook'], ['include'], ['ignore'], ['initial_sync']],
  Hook: HOOK,
  Blkio: [
    ['weight'], ['weight_device', { list: 'WeightDevice' }], ['device_read_bps', { list: 'Throttle' }], ['device_read_iops', { list: 'Throttle' }],
    ['device_write_bps', { list: 'Throttle' }], ['device_write_iops', { list: 'Throttle' }],
  ],
  // No json tags in compose-go: Go's field names are the keys.
  WeightDevice: [['Path'], ['Weight']],
  Throttle: [['Path'], ['Rate']],
  DeviceMapping: [['source'], ['target'], ['permissions']],
  DeviceRequest: DEVICE_REQUEST,
  CredentialSpec: [['config'], ['file'], ['registry']],
  Deploy: [
    ['mode'], ['replicas'], ['labels'], ['update_config', 'Update'], ['rollback_config', 'Update'], ['resources', 'Resources'],
    ['restart_policy', 'RestartPolicy'], ['placement', 'Placement'], ['endpoint_mode'],
  ],
  Update: UPDATE,
  Resources: [['limits', 'Resource'], ['reservations', 'Resource']],
  Resource: RESOURCE,
  GenericResource: [['discrete_resource_spec', 'Discrete']],
  Discrete: [['kind'], ['value']],
  RestartPolicy: [['condition'], ['delay'], ['max_attempts'], ['window']],
  Placement: [['constraints'], ['preferences', { list: 'Preference' }], ['max_replicas_per_node']],
  Preference: [['spread']],
  Extends: [['file'], ['service']],
  Healthcheck: [['test'], ['timeout'], ['interval'], ['retries'], ['start_period'], ['start_interval'], ['disable']],
  Logging: [['driver'], ['options']],
  ServiceModel: [['endpoint_var'], ['model_var']],
  ServiceNetwork: [
    ['aliases'], ['driver_opts'], ['gw_priority'], ['interface_name'], ['ipv4_address'], ['ipv6_address'], ['link_local_ips'], ['mac_address'], ['priority'],
  ],
  Port: [['name'], ['mode'], ['host_ip'], ['target'], ['published'], ['protocol'], ['app_protocol']],
  Volume: [['type'], ['source'], ['target'], ['read_only'], ['consistency'], ['bind', 'Bind'], ['volume', 'VolumeOpts'], ['tmpfs', 'Tmpfs'], ['image', 'ImageOpts']],
  Bind: [['selinux'], ['propagation'], ['create_host_path'], ['recursive']],
  VolumeOpts: [['labels'], ['nocopy'], ['subpath']],
  Tmpfs: [['size'], ['mode']],
  ImageOpts: [['subpath']],
  FileRef: FILE_REF,
  Ulimits: [['single'], ['soft'], ['hard']],
  EnvFile: [['path'], ['required'], ['format']],
  Network: [['name'], ['driver'], ['driver_opts'], ['ipam', 'Ipam'], ['external'], ['internal'], ['attachable'], ['labels'], ['enable_ipv4'], ['enable_ipv6']],
  Ipam: [['driver'], ['config', { list: 'IpamPool' }]],
  IpamPool: [['subnet'], ['gateway'], ['ip_range'], ['aux_addresses']],
  VolumeTop: [['name'], ['driver'], ['driver_opts'], ['external'], ['labels']],
};

/** Fields compose-go always prints (no omitempty), with the value Go prints for their zero. */
const ALWAYS: Record<string, Record<string, unknown>> = {
  ServiceConfig: { command: null, entrypoint: null },
  Hook: { command: null },
  Trigger: { path: '', action: '', exec: {} },
  Deploy: { resources: {}, placement: {} },
  Network: { ipam: {} },
  EnvFile: { required: false },
  Discrete: { kind: '', value: 0 },
};

/** A JSON string as Go's encoding/json writes it (HTML-safe escaping, U+2028/2029 escaped). */
export function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function goValue(v: unknown, shape: Shape): string {
  if (v === null || v === undefined) return 'null';
  if (typeof shape === 'string') return goStruct(v as Record<string, unknown>, shape);
  if (shape && 'list' in shape) return `[${(v as unknown[]).map((x) => goValue(x, shape.list)).join(',')}]`;
  if (shape && 'map' in shape) return goMap(v as Record<string, unknown>, shape.map);
  return goPlain(v);
}

/** Values with no struct shape: strings, numbers, booleans, string lists, string maps. */
function goPlain(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goPlain).join(',')}]`;
  return goMap(v as Record<string, unknown>, undefined);
}

function goMap(m: Record<string, unknown>, shape: Shape): string {
  // Go sorts map keys by their bytes.
  const keys = Object.keys(m).sort(byBytes);
  return `{${keys.map((k) => `${goString(k)}:${goValue(m[k], shape)}`).join(',')}}`;
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

function goStruct(obj: Record<string, unknown>, type: string): string {
  const custom = CUSTOM[type]?.(obj);
  if (custom !== undefined) return custom;
  const always = ALWAYS[type] ?? {};
  const parts: string[] = [];
  for (const [key, shape] of STRUCTS[type]) {
    const has = Object.hasOwn(always, key);
    let v = obj[key];
    if (!has && isEmpty(v) && !(typeof shape === 'string' && v !== undefined && v !== null && typeof v === 'object' && isStructValue(shape))) continue;
    if (v === undefined && has) v = always[key];
    parts.push(`${goString(key)}:${goValue(v, shape)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Pointer-to-struct fields are omitted only when nil: `{}` stays (e.g. `healthcheck: {}`). */
function isStructValue(shape: string): boolean {
  return shape !== 'Resources' && shape !== 'Placement' && shape !== 'Ipam';
}

/** compose-go's MarshalJSON methods. */
const CUSTOM: Record<string, (v: Record<string, unknown>) => string | undefined> = {
  // A required env file prints as its path.
  EnvFile: (v) => (v.required === false ? undefined : goString(String(v.path ?? ''))),
  // A single ulimit value prints as a number.
  Ulimits: (v) => (typeof v === 'number' ? String(v) : undefined),
  WeightDevice: (v) => `{"Path":${goString(String(v.path ?? v.Path ?? ''))},"Weight":${Number(v.weight ?? v.Weight ?? 0)}}`,
  Throttle: (v) => `{"Path":${goString(String(v.path ?? v.Path ?? ''))},"Rate":${goRate(v.rate ?? v.Rate)}}`,
  Provider: (v) => (v.type !== undefined ? goStruct({ driver: v.type, options: v.options }, 'Provider') : undefined),
};

/** UnitBytes prints as a quoted decimal. */
function goRate(v: unknown): string {
  return `"${typeof v === 'string' ? v : Number(v ?? 0)}"`;
}

/** Go's json.Marshal of a compose-go value of the given struct type. */
export function goJson(value: object, type: keyof typeof STRUCTS): string {
  return goStruct(value as Record<string, unknown>, type);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The bytes compose hashes for a service (exported for tests and drift reports). */
export function serviceHashInput(svc: ServiceConfig): string {
  const o: Record<string, unknown> = { ...svc };
  delete o.build;
  delete o.pull_policy;
  delete o.scale;
  delete o.depends_on;
  delete o.profiles;
  // `up` loads the project with env files folded into `environment` and discarded.
  delete o.env_file;
  if (svc.deploy) {
    const deploy: Record<string, unknown> = { ...svc.deploy };
    delete deploy.replicas;
    o.deploy = deploy;
  }
  return goJson(o, 'ServiceConfig');
}

/** `com.docker.compose.config-hash` of a service. */
export function serviceHash(svc: ServiceConfig): string {
  return sha256(serviceHashInput(svc));
}

/** The config hash compose puts on the networks it creates. */
export function networkHash(n: NetworkConfig): string {
  return sha256(goJson(n, 'Network'));
}

/** The config hash compose puts on the volumes it creates (driver defaults to "local"). */
export function volumeHash(v: VolumeConfig): string {
  return sha256(goJson({ ...v, driver: v.driver || 'local' }, 'VolumeTop'));
}
