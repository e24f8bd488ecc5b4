// A container's persistent record: what Docker keeps in config.v2.json + hostconfig.json, in
// Docker's own field names so inspect is mostly a projection.

import type { HealthcheckConfig } from '../../api-types/containers.js';

// A type, not an interface, so it has the implicit index signature that lets it stand for the
// open ContainerConfig of src/api-types in inspect.
export type ContainerConfig = {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[];
  Cmd: string[] | null;
  Healthcheck?: HealthcheckConfig;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  OnBuild: string[] | null;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  Shell?: string[];
  MacAddress?: string;
  NetworkDisabled?: boolean;
};

/** Docker's HostConfig as sent by clients; fields the engine reads are typed, the rest kept. */
export interface HostConfig {
  Binds?: string[] | null;
  Mounts?: MountSpec[] | null;
  Tmpfs?: Record<string, string> | null;
  NetworkMode?: string;
  PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null;
  PublishAllPorts?: boolean;
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
  AutoRemove?: boolean;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  SecurityOpt?: string[] | null;
  Devices?: Array<{ PathOnHost: string; PathInContainer: string; CgroupPermissions: string }> | null;
  DeviceCgroupRules?: string[] | null;
  Sysctls?: Record<string, string> | null;
  PidMode?: string;
  IpcMode?: string;
  UTSMode?: string;
  CgroupnsMode?: string;
  Init?: boolean | null;
  Dns?: string[] | null;
  DnsSearch?: string[] | null;
  DnsOptions?: string[] | null;
  ExtraHosts?: string[] | null;
  Links?: string[] | null;
  GroupAdd?: string[] | null;
  ShmSize?: number;
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuQuota?: number;
  CpuRealtimePeriod?: number;
  CpuRealtimeRuntime?: number;
  VolumeDriver?: string;
  CpuPeriod?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number | null;
  BlkioWeight?: number;
  OomScoreAdj?: number;
  Ulimits?: Array<{ Name: string; Soft: number; Hard: number }> | null;
  Runtime?: string;
  LogConfig?: { Type?: string; Config?: Record<string, string> };
  VolumesFrom?: string[] | null;
  ConsoleSize?: [number, number];
  MaskedPaths?: string[] | null;
  ReadonlyPaths?: string[] | null;
  MemorySwappiness?: number | null;
  OomKillDisable?: boolean | null;
  KernelMemoryTCP?: number;
  CpuPercent?: number;
  CpuCount?: number;
  IOMaximumIOps?: number;
  IOMaximumBandwidth?: number;
  Isolation?: string;
  CgroupParent?: string;
  Cgroup?: string;
  UsernsMode?: string;
  StorageOpt?: Record<string, string> | null;
  Annotations?: Record<string, string> | null;
  DeviceRequests?: Array<{ Driver?: string; Count?: number; DeviceIDs?: string[] | null; Capabilities?: string[][] | null; Options?: Record<string, string> | null }> | null;
  [k: string]: unknown;
}

export interface MountSpec {
  Type: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; Subpath?: string; DriverConfig?: { Name?: string; Options?: Record<string, string> } };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number; Options?: string[][] };
}

/** A resolved mount, as inspect shows it (`Mounts`). */
export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
  /** Extra tmpfs options (size, mode). */
  tmpfsOptions?: string[];
  /** Anonymous volume (removed by rm -v and --rm). */
  anonymous?: boolean;
  /** Copy image content into the volume on first use. */
  copyUp?: boolean;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerState {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** A legacy link (HostConfig.Links on the default bridge): the linked container under an alias. */
export interface LegacyLink {
  alias: string;
  childId: string;
}

export interface ContainerRecord {
  id: string;
  /** Without the leading slash. */
  name: string;
  created: string;
  /** `sha256:…` */
  image: string;
  path: string;
  args: string[];
  config: ContainerConfig;
  hostConfig: HostConfig;
  networkingConfig: { EndpointsConfig: Record<string, any> };
  state: ContainerState;
  restartCount: number;
  /** Set by stop/kill from a user: restart policies (except always) leave it stopped. */
  manuallyStopped: boolean;
  mounts: MountPoint[];
  driver: 'overlay' | 'vfs';
  /** Last network settings (inspect); filled by the network layer at start. */
  networkSettings: Record<string, any>;
  /** Exec sessions alive in this container. */
  execIds: string[];
  runtime: string;
  /** Legacy links resolved at create (links.ts); absent on records made before them. */
  links?: LegacyLink[];
}
