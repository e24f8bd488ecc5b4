// The resolved compose project: the model every part of berth compose works from (plan, apply,
// config, the live view). It mirrors compose-go's normalized model (github.com/compose-spec/
// compose-go/v2 types.Project after loading, interpolation, merging, `extends`, `include`,
// profiles and normalization), field for field and with the same JSON names, so that
// `JSON.stringify(project)` prints what `docker compose config --format json` prints.
//
// Normalization guarantees (what the loader, src/compose/loader/, promises to consumers):
// - every short syntax is in its long form: ports, volumes, secrets, configs, depends_on,
//   networks, environment, labels, build, env_file, ulimits, extra_hosts;
// - every relative host path (bind sources, build context, env_file, secret/config files,
//   extends/include paths) is absolute, resolved against the project directory; `~` expanded;
// - interpolation is done, `$$` unescaped to `$`;
// - services not enabled by the active profiles are gone from `services` (kept in
//   `disabledServices` on the loader's result, never printed);
// - a service with neither `networks` nor `network_mode` is attached to `default`, and the
//   top-level `default` network exists (named `<project>_default` unless the file names it);
// - top-level networks/volumes/secrets/configs carry their resolved engine `name`
//   (`<project>_<key>`, or the key itself when `external`, or `name:` when set);
// - `scale` and `deploy.replicas` agree when either is set;
// - durations are strings as Go prints them ("1m30s", "10s", "500ms"), byte sizes are decimal
//   strings of bytes ("268435456"), as compose-go marshals them;
// - keys whose value is empty are left out, as compose-go's `omitempty` does, except the few
//   compose-go always prints (`command`, `entrypoint`, `depends_on.*.required`, network `ipam`,
//   deploy `resources`/`placement`).
// Maps are plain objects; iteration order is not meaningful (compose sorts when it prints).

/** A `x-…` extension field, kept wherever the spec allows one. */
export type Extensions = { [key: `x-${string}`]: unknown };

/** Go-style duration string as compose prints it: "1m30s", "10s", "1.5s", "0s". */
export type Duration = string;

/** A byte count printed as a decimal string ("268435456"); the loader parses "256m", "1g". */
export type UnitBytes = string;

/** `KEY: value` where `null` means "take the value from the environment at run time"
 *  (`environment: [FOO]` or `FOO:` with no value). compose-go's MappingWithEquals. */
export type MappingWithEquals = Record<string, string | null>;

/** Plain string map (labels, driver options, sysctls…). compose-go's Mapping / Labels / Options. */
export type Mapping = Record<string, string>;

/** Top-level shape printed by `docker compose config --format json`. */
export interface Project extends Extensions {
  /** Normalized project name: lowercase [a-z0-9_-], starting with a letter or digit. */
  name: string;
  /** Enabled services, by name. */
  services: Record<string, ServiceConfig>;
  networks?: Record<string, NetworkConfig>;
  volumes?: Record<string, VolumeConfig>;
  secrets?: Record<string, SecretConfig>;
  configs?: Record<string, ConfigObjConfig>;
  models?: Record<string, ModelConfig>;
}

/** One service (compose-go's ServiceConfig; its `name` is the key in `services`). */
export interface ServiceConfig extends Extensions {
  profiles?: string[];
  annotations?: Mapping;
  /** `false`: `up` does not attach to this service's output. */
  attach?: boolean;
  build?: BuildConfig;
  develop?: DevelopConfig;
  blkio_config?: BlkioConfig;
  cap_add?: string[];
  cap_drop?: string[];
  cgroup_parent?: string;
  /** "host" | "private". */
  cgroup?: string;
  cpu_count?: number;
  cpu_percent?: number;
  cpu_period?: number;
  cpu_quota?: number;
  cpu_rt_period?: number;
  cpu_rt_runtime?: number;
  cpus?: number;
  cpuset?: string;
  cpu_shares?: number;
  /** Overrides the image's CMD. Always printed: `null` = image default, `[]` = cleared.
   *  The string form is split as a shell would (compose-go's ShellCommand). */
  command: string[] | null;
  configs?: ServiceConfigObjConfig[];
  container_name?: string;
  credential_spec?: CredentialSpecConfig;
  /** Dependencies by service name, in the long form. */
  depends_on?: Record<string, ServiceDependency>;
  deploy?: DeployConfig;
  device_cgroup_rules?: string[];
  devices?: DeviceMapping[];
  dns?: string[];
  dns_opt?: string[];
  dns_search?: string[];
  dockerfile?: string;
  domainname?: string;
  /** Overrides the image's ENTRYPOINT. Always printed: `null` = image default, `[]` = cleared. */
  entrypoint: string[] | null;
  provider?: ServiceProviderConfig;
  /** Final environment: `environment` merged over the `env_file`s (env files are read and
   *  folded in by the loader; `env_file` is still listed, as compose prints it). */
  environment?: MappingWithEquals;
  env_file?: EnvFile[];
  /** Exposed container ports as strings ("80", "8000-8010/udp"). */
  expose?: string[];
  /** Kept for reference only; already applied by the loader. */
  extends?: ExtendsConfig;
  external_links?: string[];
  /** "host=ip" entries, sorted (compose-go's HostsList prints `name=ip`). */
  extra_hosts?: string[];
  group_add?: string[];
  gpus?: DeviceRequest[];
  hostname?: string;
  healthcheck?: HealthCheckConfig;
  image?: string;
  init?: boolean;
  ipc?: string;
  isolation?: string;
  labels?: Mapping;
  label_file?: string[];
  links?: string[];
  logging?: LoggingConfig;
  log_driver?: string;
  log_opt?: Mapping;
  mem_limit?: UnitBytes;
  mem_reservation?: UnitBytes;
  memswap_limit?: UnitBytes;
  mem_swappiness?: UnitBytes;
  mac_address?: string;
  models?: Record<string, ServiceModelConfig | null>;
  net?: string;
  /** "host", "none", "bridge", "service:NAME", "container:NAME|ID". Excludes `networks`. */
  network_mode?: string;
  /** Attached networks by top-level key; `null` = attached with no options. */
  networks?: Record<string, ServiceNetworkConfig | null>;
  oom_kill_disable?: boolean;
  oom_score_adj?: number;
  pid?: string;
  pids_limit?: number;
  platform?: string;
  ports?: ServicePortConfig[];
  privileged?: boolean;
  /** "always" | "never" | "missing" | "build" | "if_not_present" | "daily" | "weekly" | "every_<d>". */
  pull_policy?: string;
  read_only?: boolean;
  /** "no" | "always" | "on-failure[:N]" | "unless-stopped". */
  restart?: string;
  runtime?: string;
  /** Number of containers; equals deploy.replicas when both are present. Absent means 1. */
  scale?: number;
  secrets?: ServiceSecretConfig[];
  security_opt?: string[];
  shm_size?: UnitBytes;
  stdin_open?: boolean;
  stop_grace_period?: Duration;
  stop_signal?: string;
  storage_opt?: Mapping;
  sysctls?: Mapping;
  /** Paths mounted as tmpfs ("/run", "/tmp:size=64m"). */
  tmpfs?: string[];
  tty?: boolean;
  /** By name ("nofile"): `{soft, hard}`, or a bare number when one value was given (`single`). */
  ulimits?: Record<string, UlimitsConfig | number>;
  use_api_socket?: boolean;
  user?: string;
  userns_mode?: string;
  uts?: string;
  volume_driver?: string;
  volumes?: ServiceVolumeConfig[];
  volumes_from?: string[];
  working_dir?: string;
  post_start?: ServiceHook[];
  pre_stop?: ServiceHook[];
}

export interface ServiceProviderConfig extends Extensions {
  type?: string;
  options?: Record<string, string[]>;
}

export interface BuildConfig extends Extensions {
  /** Absolute directory, or a URL (git/https) kept as written. */
  context?: string;
  /** Relative to the context, as written ("Dockerfile" is not filled in). */
  dockerfile?: string;
  dockerfile_inline?: string;
  entitlements?: string[];
  /** Build arguments; `null` = take the value from the environment. */
  args?: MappingWithEquals;
  provenance?: string;
  sbom?: string;
  /** "default" or "id=path"-style entries, as compose prints SSHKey. */
  ssh?: string[];
  labels?: Mapping;
  cache_from?: string[];
  cache_to?: string[];
  no_cache?: boolean;
  no_cache_filter?: string[];
  additional_contexts?: Mapping;
  pull?: boolean;
  extra_hosts?: string[];
  isolation?: string;
  network?: string;
  target?: string;
  secrets?: ServiceSecretConfig[];
  shm_size?: UnitBytes;
  tags?: string[];
  ulimits?: Record<string, UlimitsConfig | number>;
  platforms?: string[];
  privileged?: boolean;
}

export interface DevelopConfig extends Extensions {
  watch?: WatchTrigger[];
}

export interface WatchTrigger extends Extensions {
  /** Absolute host path watched. */
  path: string;
  action: 'sync' | 'rebuild' | 'restart' | 'sync+restart' | 'sync+exec';
  /** Container path for sync actions. */
  target?: string;
  exec?: ServiceHook;
  include?: string[];
  ignore?: string[];
  initial_sync?: boolean;
}

export interface ServiceHook extends Extensions {
  command: string[] | null;
  image?: string;
  user?: string;
  privileged?: boolean;
  working_dir?: string;
  environment?: MappingWithEquals;
  per_replica?: boolean;
}

export interface BlkioConfig extends Extensions {
  weight?: number;
  weight_device?: { path: string; weight: number }[];
  device_read_bps?: ThrottleDevice[];
  device_read_iops?: ThrottleDevice[];
  device_write_bps?: ThrottleDevice[];
  device_write_iops?: ThrottleDevice[];
}

export interface ThrottleDevice extends Extensions {
  path: string;
  /** Bytes (for *_bps, printed as a string of bytes) or operations per second. */
  rate: UnitBytes | number;
}

export interface CredentialSpecConfig extends Extensions {
  config?: string;
  file?: string;
  registry?: string;
}

export interface ServiceDependency extends Extensions {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  /** Restart this service when the dependency is restarted/recreated by compose. */
  restart?: boolean;
  /** `false`: a missing or disabled dependency is only warned about. Always printed. */
  required: boolean;
}

export interface DeployConfig extends Extensions {
  /** "replicated" | "global" | "replicated-job" | "global-job". */
  mode?: string;
  replicas?: number;
  labels?: Mapping;
  update_config?: UpdateConfig;
  rollback_config?: UpdateConfig;
  /** Always printed (possibly `{}`). */
  resources: Resources;
  restart_policy?: DeployRestartPolicy;
  /** Always printed (possibly `{}`). */
  placement: Placement;
  endpoint_mode?: string;
}

export interface UpdateConfig extends Extensions {
  parallelism?: number;
  delay?: Duration;
  failure_action?: string;
  monitor?: Duration;
  max_failure_ratio?: number;
  order?: string;
}

export interface Resources extends Extensions {
  limits?: Resource;
  reservations?: Resource;
}

export interface Resource extends Extensions {
  /** CPUs as a number (0.5 = half a CPU). */
  cpus?: number;
  memory?: UnitBytes;
  pids?: number;
  devices?: DeviceRequest[];
  generic_resources?: { discrete_resource_spec?: { kind: string; value: number } }[];
}

export interface DeployRestartPolicy extends Extensions {
  /** "none" | "on-failure" | "any". */
  condition?: string;
  delay?: Duration;
  max_attempts?: number;
  window?: Duration;
}

export interface Placement extends Extensions {
  constraints?: string[];
  preferences?: { spread?: string }[];
  max_replicas_per_node?: number;
}

export interface DeviceRequest {
  capabilities?: string[];
  driver?: string;
  /** -1 means "all". */
  count?: number;
  device_ids?: string[];
  options?: Mapping;
}

export interface DeviceMapping extends Extensions {
  source: string;
  target?: string;
  permissions?: string;
}

export interface EnvFile {
  /** Absolute path. */
  path: string;
  /** Absent/true: a missing file is an error. Printed only when false. */
  required?: boolean;
  /** "raw" reads values literally; absent = compose's dotenv syntax with interpolation. */
  format?: string;
}

export interface ExtendsConfig {
  file?: string;
  service: string;
}

export interface HealthCheckConfig extends Extensions {
  /** ["NONE"], ["CMD", args…], ["CMD-SHELL", "script"]; a string is normalized to CMD-SHELL. */
  test?: string[];
  timeout?: Duration;
  interval?: Duration;
  retries?: number;
  start_period?: Duration;
  start_interval?: Duration;
  /** `disable: true` is printed as test ["NONE"] by compose; kept when written. */
  disable?: boolean;
}

export interface LoggingConfig extends Extensions {
  driver?: string;
  options?: Mapping;
}

export interface ServiceModelConfig extends Extensions {
  endpoint_var?: string;
  model_var?: string;
}

export interface ServiceNetworkConfig extends Extensions {
  aliases?: string[];
  driver_opts?: Mapping;
  gw_priority?: number;
  interface_name?: string;
  ipv4_address?: string;
  ipv6_address?: string;
  link_local_ips?: string[];
  mac_address?: string;
  priority?: number;
}

/** One published/exposed port range entry. A short "8080-8081:80-81" expands to one entry per port. */
export interface ServicePortConfig extends Extensions {
  name?: string;
  /** "ingress" (the default compose fills in) | "host". */
  mode?: string;
  /** Host address to bind ("127.0.0.1", "::1"); absent = all addresses. */
  host_ip?: string;
  /** Container port. */
  target: number;
  /** Host port or range as a string ("8080", "8000-8010"); absent = an ephemeral port. */
  published?: string;
  /** "tcp" (filled in by default) | "udp" | "sctp". */
  protocol?: string;
  app_protocol?: string;
}

/** One mount. Short "src:dst:ro" strings become this. */
export interface ServiceVolumeConfig extends Extensions {
  type: 'volume' | 'bind' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  /** volume: top-level volume key (absent = anonymous volume); bind: absolute host path;
   *  image: image reference; tmpfs: absent. */
  source?: string;
  /** Absolute path in the container. */
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: ServiceVolumeBind;
  volume?: ServiceVolumeVolume;
  tmpfs?: ServiceVolumeTmpfs;
  image?: { subpath?: string };
}

export interface ServiceVolumeBind extends Extensions {
  /** "z" | "Z". */
  selinux?: string;
  /** "rprivate" | "private" | "rshared" | "shared" | "rslave" | "slave". */
  propagation?: string;
  /** Short syntax always sets this to true (docker's -v creates the host path). */
  create_host_path?: boolean;
  recursive?: string;
}

export interface ServiceVolumeVolume extends Extensions {
  labels?: Mapping;
  nocopy?: boolean;
  subpath?: string;
}

export interface ServiceVolumeTmpfs extends Extensions {
  size?: UnitBytes;
  /** File mode as a number (0o1777 = 1023). */
  mode?: number;
}

/** A secret or config as a service mounts it (long syntax). */
export interface FileReferenceConfig extends Extensions {
  /** Top-level secret/config key. */
  source: string;
  /** Path (or file name under /run/secrets for secrets; "/<source>" for configs) in the container. */
  target?: string;
  uid?: string;
  gid?: string;
  /** File mode as an octal string ("0444"). */
  mode?: string;
}
export type ServiceSecretConfig = FileReferenceConfig;
export type ServiceConfigObjConfig = FileReferenceConfig;

export interface UlimitsConfig extends Extensions {
  soft?: number;
  hard?: number;
}

export interface NetworkConfig extends Extensions {
  /** Engine network name: `<project>_<key>` unless `name:` is set or the network is external. */
  name?: string;
  driver?: string;
  driver_opts?: Mapping;
  /** Always printed (possibly `{}`). */
  ipam: IPAMConfig;
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  labels?: Mapping;
  enable_ipv4?: boolean;
  enable_ipv6?: boolean;
}

export interface IPAMConfig extends Extensions {
  driver?: string;
  config?: IPAMPool[];
  options?: Mapping;
}

export interface IPAMPool extends Extensions {
  subnet?: string;
  gateway?: string;
  ip_range?: string;
  aux_addresses?: Mapping;
}

export interface VolumeConfig extends Extensions {
  /** Engine volume name: `<project>_<key>` unless `name:` is set or the volume is external. */
  name?: string;
  driver?: string;
  driver_opts?: Mapping;
  external?: boolean;
  labels?: Mapping;
}

/** Top-level secret or config. Exactly one source: file, environment, content, or external. */
export interface FileObjectConfig extends Extensions {
  /** Engine-side name (`<project>_<key>` unless set). */
  name?: string;
  /** Absolute host path. */
  file?: string;
  /** Name of a variable in the project environment holding the value. */
  environment?: string;
  /** Inline content (configs only); never printed for secrets. */
  content?: string;
  external?: boolean;
  labels?: Mapping;
  driver?: string;
  driver_opts?: Mapping;
  template_driver?: string;
}
export type SecretConfig = FileObjectConfig;
export type ConfigObjConfig = FileObjectConfig;

export interface ModelConfig extends Extensions {
  name?: string;
  model?: string;
  context_size?: number;
  runtime_flags?: string[];
}

/** What the loader hands back: the printable project plus what compose-go keeps beside it
 *  (`json:"-"` fields), which `config` never prints but plan/apply need. */
export interface LoadedProject {
  project: Project;
  /** Absolute project directory (`--project-directory`, else the first file's directory). */
  workingDir: string;
  /** Absolute paths of the compose files loaded, in order (for com.docker.compose.project.config_files). */
  configFiles: string[];
  /** The environment interpolation used: process env over the .env / --env-file values. */
  environment: Record<string, string>;
  /** The .env / --env-file files read, absolute (for com.docker.compose.project.environment_file). */
  envFiles: string[];
  /** Active profiles. */
  profiles: string[];
  /** Services defined but not enabled by the active profiles, by name. */
  disabledServices: Record<string, ServiceConfig>;
}

/** Label keys compose writes on what it creates (shared by plan/apply and the loader). */
export const ComposeLabels = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  containerNumber: 'com.docker.compose.container-number',
  configHash: 'com.docker.compose.config-hash',
  oneoff: 'com.docker.compose.oneoff',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  environmentFile: 'com.docker.compose.project.environment_file',
  dependsOn: 'com.docker.compose.depends_on',
  version: 'com.docker.compose.version',
  image: 'com.docker.compose.image',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  replace: 'com.docker.compose.replace',
} as const;
