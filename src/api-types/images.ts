// Images: /images/*, /commit, /build.
import type { FilterInput, Labels } from './common.js';

/** An item of GET /images/json. */
export interface ImageSummary {
  Id: string;
  ParentId?: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created: number;
  Size: number;
  SharedSize?: number;
  VirtualSize?: number;
  Labels?: Labels | null;
  Containers?: number;
}

/** GET /images/{name}/json; the fields callers read are typed, the rest passes through. */
export interface ImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created?: string;
  Architecture?: string;
  Os?: string;
  Size?: number;
  Config?: { Env?: string[] | null; Cmd?: string[] | null; Entrypoint?: string[] | null; Labels?: Labels | null; [key: string]: unknown };
  RootFS?: { Type: string; Layers?: string[] };
  [key: string]: unknown;
}

/** An item of GET /images/{name}/history. */
export interface ImageHistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Size: number;
  Comment: string;
  Tags?: string[] | null;
}

/** An item of DELETE /images/{name} and of a prune's ImagesDeleted. */
export interface ImageDeleteItem {
  Untagged?: string;
  Deleted?: string;
}

export interface ImagePruneResponse {
  ImagesDeleted?: ImageDeleteItem[] | null;
  SpaceReclaimed?: number;
}

export interface ImageListOptions {
  all?: boolean;
  filters?: FilterInput;
  digests?: boolean;
  'shared-size'?: boolean;
}

/** POST /images/create from a registry. */
export interface ImagePullOptions {
  fromImage: string;
  tag?: string;
  platform?: string;
  /** The X-Registry-Auth header, already encoded. */
  registryAuth?: string;
}

/** POST /images/create from a tar archive (or a URL in fromSrc). */
export interface ImageImportOptions {
  fromSrc: string;
  repo?: string;
  tag?: string;
  message?: string;
  platform?: string;
  changes?: string[];
}

export interface ImagePushOptions {
  tag?: string;
  platform?: string;
  registryAuth?: string;
}

export interface ImageRemoveOptions {
  force?: boolean;
  noprune?: boolean;
}

/** POST /commit query. */
export interface CommitOptions {
  container: string;
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  /** Docker pauses by default: false is sent as "0". */
  pause?: boolean;
  changes?: string[];
}

/** POST /build query (the classic builder's parameters). */
export interface BuildOptions {
  dockerfile?: string;
  t?: string[];
  remote?: string;
  q?: boolean;
  nocache?: boolean;
  /** Docker removes intermediate containers by default: false is sent as "0". */
  rm?: boolean;
  forcerm?: boolean;
  pull?: boolean;
  target?: string;
  networkmode?: string;
  platform?: string;
  buildargs?: Record<string, string | null>;
  labels?: Record<string, string | null>;
  extrahosts?: string[];
  cachefrom?: string[];
  cpushares?: number;
  shmsize?: number;
  version?: '1' | '2';
  /** berth's own: build from a context synced through /berth/build-contexts. */
  berthcontext?: string;
  /** The X-Registry-Config header, already encoded. */
  registryConfig?: string;
}

export interface BuildPruneResponse {
  CachesDeleted?: string[] | null;
  SpaceReclaimed?: number;
}

/** One manifest entry: [path, type, mode (permission bits), size, mtime (s), link target, fingerprint]. */
export type BuildContextEntry = [string, 'f' | 'd' | 'l', number, number, number, string, string];

/** POST /berth/build-contexts (berth's context sync, not in Docker's API). */
export interface BuildContextSyncBody {
  /** Chooses which kept context to compare with (the client's context directory, hashed). */
  key: string;
  entries: BuildContextEntry[];
}

export interface BuildContextSyncResponse {
  id: string;
  /** Paths whose content berthd lacks: POST them as a tar to /berth/build-contexts/{id}/files. */
  need: string[];
}
