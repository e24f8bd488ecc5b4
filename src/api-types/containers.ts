// Containers: what /containers/* take and answer (Docker Engine API v1.50, the fields berth uses).
import type { FilterInput, IdResponse, Labels } from './common.js';

export interface PortSummary {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export interface MountSummary {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination?: string;
  Driver?: string;
  Mode?: string;
  RW?: boolean;
  Propagation?: string;
}

/** An item of GET /containers/json. */
export interface ContainerSummary {
  Id: string;
  Names?: string[];
  Image: string;
  ImageID?: string;
  Command?: string;
  Created: number;
  Ports?: PortSummary[];
  Labels?: Labels | null;
  State?: string;
  Status?: string;
  SizeRw?: number;
  SizeRootFs?: number;
  HostConfig?: { NetworkMode?: string; Annotations?: Record<string, string> };
  NetworkSettings?: { Networks?: Record<string, EndpointSettingsSummary> };
  Mounts?: MountSummary[];
}

export interface EndpointSettingsSummary {
  NetworkID?: string;
  EndpointID?: string;
  Gateway?: string;
  IPAddress?: string;
  IPPrefixLen?: number;
  MacAddress?: string;
  Aliases?: string[] | null;
  [key: string]: unknown;
}

export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

/** "80/tcp" → bindings (null: exposed, not published). */
export type PortMap = Record<string, PortBinding[] | null>;

export interface RestartPolicy {
  Name?: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure' | string;
  MaximumRetryCount?: number;
}

export interface HealthcheckConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
  StartInterval?: number;
}

/** Config of POST /containers/create (and `Config` of inspect). Open: berth passes fields through. */
export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, object> | null;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Healthcheck?: HealthcheckConfig;
  Image?: string;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  NetworkDisabled?: boolean;
  MacAddress?: string;
  Labels?: Labels | null;
  StopSignal?: string;
  StopTimeout?: number | null;
  Shell?: string[] | null;
  [key: string]: unknown;
}

export interface HostConfig {
  Binds?: string[] | null;
  NetworkMode?: string;
  PortBindings?: PortMap | null;
  RestartPolicy?: RestartPolicy;
  AutoRemove?: boolean;
  Privileged?: boolean;
  Init?: boolean | null;
  Memory?: number;
  NanoCpus?: number;
  [key: string]: unknown;
}

export interface EndpointSettings {
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] } | null;
  Links?: string[] | null;
  Aliases?: string[] | null;
  DriverOpts?: Record<string, string> | null;
  GwPriority?: number;
  MacAddress?: string;
  NetworkID?: string;
  EndpointID?: string;
  Gateway?: string;
  IPAddress?: string;
  IPPrefixLen?: number;
  [key: string]: unknown;
}

/** The body of POST /containers/create. */
export interface ContainerCreateBody extends ContainerConfig {
  HostConfig?: HostConfig;
  NetworkingConfig?: { EndpointsConfig?: Record<string, EndpointSettings> } | null;
}

export type ContainerCreateResponse = IdResponse;

export interface ContainerStateView {
  Status?: string;
  Running?: boolean;
  Paused?: boolean;
  Restarting?: boolean;
  OOMKilled?: boolean;
  Dead?: boolean;
  Pid?: number;
  ExitCode?: number;
  Error?: string;
  StartedAt?: string;
  FinishedAt?: string;
  Health?: { Status?: string; FailingStreak?: number; Log?: unknown[] };
}

/** GET /containers/{id}/json. The fields callers read are typed; the rest passes through. */
export interface ContainerInspect {
  Id: string;
  Name?: string;
  Created?: string;
  Path?: string;
  Args?: string[];
  Image?: string;
  State: ContainerStateView;
  Config: ContainerConfig;
  HostConfig?: HostConfig;
  NetworkSettings?: { Ports?: PortMap | null; Networks?: Record<string, EndpointSettings>; [key: string]: unknown };
  Mounts?: MountSummary[];
  SizeRw?: number;
  SizeRootFs?: number;
  [key: string]: unknown;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface ContainerWaitResponse {
  StatusCode: number;
  Error?: { Message?: string } | null;
}

/** The body of POST /containers/{id}/update: resources and the restart policy. */
export interface ContainerUpdateBody {
  BlkioWeight?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpuShares?: number;
  NanoCpus?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  Memory?: number;
  MemoryReservation?: number;
  MemorySwap?: number;
  PidsLimit?: number;
  RestartPolicy?: RestartPolicy;
  [key: string]: unknown;
}

export interface ContainerUpdateResponse {
  Warnings?: string[] | null;
}

export interface ContainerTopResponse {
  Titles: string[];
  Processes: string[][] | null;
}

/** An item of GET /containers/{id}/changes: Kind 0 modified, 1 added, 2 deleted. */
export interface FilesystemChange {
  Path: string;
  Kind: 0 | 1 | 2 | number;
}

export interface ContainerPruneResponse {
  ContainersDeleted?: string[] | null;
  SpaceReclaimed?: number;
}

export interface BlkioStatEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** One sample of GET /containers/{id}/stats (cgroup v1 and v2 fields as Docker reports them). */
export interface ContainerStats {
  id?: string;
  name?: string;
  read?: string;
  preread?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[]; usage_in_kernelmode?: number; usage_in_usermode?: number }; system_cpu_usage?: number; online_cpus?: number; throttling_data?: Record<string, number> };
  precpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  memory_stats?: { usage?: number; max_usage?: number; limit?: number; failcnt?: number; stats?: Record<string, number> };
  /** Per interface of the container's endpoints (eth0, …); absent with no interfaces (none, host). */
  networks?: Record<string, { rx_bytes: number; rx_packets: number; rx_errors: number; rx_dropped: number; tx_bytes: number; tx_packets: number; tx_errors: number; tx_dropped: number }>;
  /** v1: every list (the CFQ ones, else the throttle ones as *_recursive); v2: io_service_bytes_recursive only (op read/write), the rest null. */
  blkio_stats?: Partial<Record<'io_service_bytes_recursive' | 'io_serviced_recursive' | 'io_queue_recursive' | 'io_service_time_recursive' | 'io_wait_time_recursive' | 'io_merged_recursive' | 'io_time_recursive' | 'sectors_recursive', BlkioStatEntry[] | null>>;
  pids_stats?: { current?: number; limit?: number };
  num_procs?: number;
  os_type?: string;
  storage_stats?: Record<string, number>;
}

/** X-Docker-Container-Path-Stat of the archive endpoints, decoded. */
export interface ContainerPathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export interface ContainerListOptions {
  all?: boolean;
  limit?: number;
  size?: boolean;
  filters?: FilterInput;
}

export interface ContainerLogsOptions {
  stdout?: boolean;
  stderr?: boolean;
  follow?: boolean;
  /** Unix seconds (fractions allowed) as Docker's `since` takes them. */
  since?: string | number;
  until?: string | number;
  timestamps?: boolean;
  tail?: string | number;
  details?: boolean;
}

export interface ContainerAttachOptions {
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  stream?: boolean;
  logs?: boolean;
  detachKeys?: string;
}
