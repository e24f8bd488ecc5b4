// Volumes: /volumes/*.
import type { Labels } from './common.js';

export interface VolumeView {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt?: string;
  Status?: Record<string, unknown>;
  Labels?: Labels | null;
  Scope?: string;
  Options?: Record<string, string> | null;
  UsageData?: { Size: number; RefCount: number } | null;
}

export interface VolumeCreateBody {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string>;
  Labels?: Labels;
}

export interface VolumeListResponse {
  Volumes: VolumeView[] | null;
  Warnings?: string[] | null;
}

export interface VolumePruneResponse {
  VolumesDeleted?: string[] | null;
  SpaceReclaimed?: number;
}
