// System: /_ping, /version, /info, /events, /system/df, /auth.
import type { FilterInput } from './common.js';
import type { ContainerSummary } from './containers.js';
import type { ImageSummary } from './images.js';
import type { VolumeView } from './volumes.js';

export interface SystemVersion {
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  GitCommit?: string;
  GoVersion?: string;
  Os?: string;
  Arch?: string;
  KernelVersion?: string;
  BuildTime?: string;
  Experimental?: boolean;
  Platform?: { Name?: string };
  Components?: { Name: string; Version: string; Details?: Record<string, string> }[];
}

/** GET /info; the fields callers read are typed, the rest passes through. */
export interface SystemInfo {
  ID?: string;
  Name?: string;
  Containers?: number;
  ContainersRunning?: number;
  ContainersPaused?: number;
  ContainersStopped?: number;
  Images?: number;
  Driver?: string;
  ServerVersion?: string;
  OperatingSystem?: string;
  KernelVersion?: string;
  NCPU?: number;
  MemTotal?: number;
  DockerRootDir?: string;
  CgroupDriver?: string;
  CgroupVersion?: string;
  Architecture?: string;
  Warnings?: string[] | null;
  [key: string]: unknown;
}

/** One message of GET /events. */
export interface EventMessage {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
  scope?: string;
  time: number;
  timeNano?: number;
  status?: string;
  id?: string;
  from?: string;
}

export interface EventsOptions {
  since?: string | number;
  until?: string | number;
  filters?: FilterInput;
}

/** One BuildCache record of GET /system/df (BuildKit's shape). */
export interface BuildCacheRecord {
  ID: string;
  /** Deprecated, emptied from API 1.42. */
  Parent?: string;
  /** From API 1.42. */
  Parents?: string[] | null;
  Type: string;
  Description?: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  CreatedAt?: string;
  LastUsedAt?: string | null;
  UsageCount?: number;
}

/** GET /system/df: a list is null when its `type` was not asked for (API 1.42+). */
export interface SystemDf {
  LayersSize?: number;
  Images?: (Partial<ImageSummary> & { Size: number; SharedSize?: number; Containers?: number })[] | null;
  Containers?: Partial<ContainerSummary>[] | null;
  Volumes?: Partial<VolumeView>[] | null;
  BuildCache?: BuildCacheRecord[] | null;
  /** Before API 1.42: the build cache's total. */
  BuilderSize?: number;
}

/** What GET /system/df may be asked for (`type`, API 1.42+). */
export type DiskUsageObject = 'container' | 'image' | 'volume' | 'build-cache';

/** The body of POST /auth. */
export interface AuthConfig {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
  email?: string;
}

export interface AuthResponse {
  Status?: string;
  IdentityToken?: string;
}
