// Shapes of the volume subsystem: what is kept on disk for a volume, and what the API shows.

/** Metadata of one volume, stored as <dataRoot>/volumes/<name>/volume.json. */
export interface VolumeRecord {
  Name: string;
  Driver: 'local';
  /** RFC 3339, seconds, UTC: Docker shows the creation time this way. */
  CreatedAt: string;
  Labels: Record<string, string> | null;
  /** Driver options as given at create (type, device, o); null when none. */
  Options: Record<string, string> | null;
  /**
   * True once the volume has been populated, or found non-empty, by a container's first mount:
   * the image's content is copied into a volume once, never again (see copyUpIfEmpty).
   */
  Populated?: boolean;
}

/** A volume as the Engine API shows it (GET /volumes/{name}, list entries, create answer). */
export interface Volume {
  CreatedAt: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: 'local';
  UsageData?: { Size: number; RefCount: number };
}

/** Body of POST /volumes/create. */
export interface VolumeCreateOptions {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

export interface VolumeListResult {
  Volumes: Volume[];
  Warnings: string[] | null;
}

export interface VolumePruneResult {
  VolumesDeleted: string[];
  SpaceReclaimed: number;
}

/** Where and how a container mounts a volume: the attributes of Docker's volume mount event. */
export interface VolumeMountInfo {
  containerId: string;
  destination?: string;
  readWrite?: boolean;
  propagation?: string;
}
