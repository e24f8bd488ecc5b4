// The dashboard's WebSocket protocol, shared by the server (src/dashboard/server) and the page
// (src/dashboard/web). Types only: nothing here runs, so both sides can import it.
//
// One WebSocket per page. The page opens subscriptions (`sub`, each with an id the page chose)
// and closes them (`unsub`); the server answers each with `msg` frames for that id and `end` when
// the stream is over (or `error`). The server sends a batch of messages as one JSON array per
// frame. Actions that change something are not sent here: they are POSTs with the CSRF header
// (see server/actions.ts), so they stay simple to audit.
import type { ContainerSummary } from '../api-types/containers.js';
import type { ImageHistoryItem, ImageInspect, ImageSummary } from '../api-types/images.js';
import type { NetworkInspect } from '../api-types/networks.js';
import type { EventMessage, SystemDf } from '../api-types/system.js';
import type { VolumeView } from '../api-types/volumes.js';
import type { DiskUsageKind } from '../client/disk-usage.js';
import type { StatsUsage } from '../client/stats-usage.js';
import type { ProgressEvent } from '../compose/progress.js';

/** An engine the dashboard watches: `id` is used in URLs, `label` is shown. */
export interface HostInfo {
  id: string;
  label: string;
  /** The engine's address kind: a unix socket is on this machine, so ports open on the page's host. */
  local: boolean;
}

/** A container of the list, with the host it runs on. */
export interface ContainerRow extends ContainerSummary {
  host: string;
}

/**
 * A list of an engine's things kept live (server/relays/listing.ts): a snapshot, then changes by
 * key; `down` when the engine's event stream broke (a snapshot follows when it is back).
 */
export type ListMessage<T> =
  /** `keys[i]` is the key of `items[i]` (upserts and removals name items by it). */
  | { op: 'snapshot'; items: T[]; keys: string[] }
  | { op: 'upsert'; key: string; item: T }
  | { op: 'remove'; key: string }
  | { op: 'down'; error?: string };

/** A container that uses a volume or network, for links to its page. */
export interface ContainerRef {
  id: string;
  name: string;
}

/** A volume of the list: the engine's view, its size (GET /system/df; -1 when not known) and the containers that mount it. */
export interface VolumeRow extends VolumeView {
  size: number;
  users: ContainerRef[];
}

/** A network as GET /networks/{id} shows it, with its attached containers. */
export type NetworkRow = NetworkInspect;

/** Streams a page may open, by kind; the server has one relay per kind (server/relays/). */
export type Subscription =
  | { kind: 'containers' }
  | { kind: 'stats'; host: string; container: string }
  | { kind: 'logs'; host: string; container: string; tail?: number }
  /** `resume`: the token of a shell this page had before its socket dropped (relays/exec.ts), `received` the bytes of its output the page has. */
  | { kind: 'exec'; host: string; container: string; cmd?: string[]; rows: number; cols: number; resume?: string; received?: number }
  | { kind: 'volumes'; host: string }
  | { kind: 'networks'; host: string }
  /** One engine's events: the ones it kept (`recent`), then live ones. */
  | { kind: 'events'; host: string }
  /** One engine's disk use (`docker system df`), anew after each change. */
  | { kind: 'disk'; host: string }
  /** One engine's images (keyed by Id), `Containers` counted from its container list. */
  | { kind: 'images'; host: string };

export type ClientMessage =
  | { type: 'sub'; id: number; sub: Subscription }
  | { type: 'unsub'; id: number }
  /** Keystrokes for an exec subscription (UTF-8 text). */
  | { type: 'input'; id: number; data: string }
  | { type: 'resize'; id: number; rows: number; cols: number };

/** What each subscription kind streams, by kind. */
export interface StreamMessages {
  containers:
    | { op: 'snapshot'; hosts: HostInfo[]; rows: ContainerRow[] }
    | { op: 'upsert'; row: ContainerRow }
    | { op: 'remove'; host: string; id: string }
    | { op: 'host'; host: string; up: boolean; error?: string };
  stats: { op: 'sample'; t: number; usage: StatsUsage };
  logs: { op: 'lines'; lines: { stream: 'stdout' | 'stderr'; text: string }[] };
  /** Terminal output as base64 (it is bytes, not always whole UTF-8 characters). */
  /**
   * `started`: `resume` takes the shell up again after a dropped socket; `resumed` says it was,
   * and `at` is the byte offset of the output that follows (past what the page had when the
   * server no longer kept all it missed).
   */
  exec:
    | { op: 'started'; execId: string; resume: string; resumed?: boolean; at?: number }
    | { op: 'output'; data: string }
    | { op: 'exit'; code: number | null };
  volumes: ListMessage<VolumeRow>;
  networks: ListMessage<NetworkRow>;
  /** Events oldest first (a replay after a reconnect may repeat some); `status` when the engine's stream breaks or is back. */
  events: { op: 'events'; events: EventMessage[] } | { op: 'status'; up: boolean; error?: string };
  /** The whole of /system/df each time (with its totals), or why it could not be read. */
  disk: { op: 'df'; t: number; df: SystemDf; summary: DiskUsageKind[] } | { op: 'down'; error?: string };
  images: ListMessage<ImageSummary>;
}

/** What a prune from the host page removed (POST /api/hosts/{host}/prune/{kind}). */
export interface PruneReport {
  /** Names or ids of what went, per kind ("Containers", "Images", …). */
  deleted: Record<string, string[]>;
  /** Bytes freed (networks free none). */
  reclaimed: number;
}

/** What the host page may prune, as POST /api/hosts/{host}/prune/{kind} (images and build cache take ?all=1, system ?all=1&volumes=1). */
export const PRUNE_KINDS = ['containers', 'images', 'volumes', 'networks', 'build-cache', 'system'] as const;
export type PruneKind = (typeof PRUNE_KINDS)[number];

export type ServerMessage =
  | { type: 'msg'; id: number; msg: StreamMessages[keyof StreamMessages] }
  | { type: 'end'; id: number }
  | { type: 'error'; id: number; message: string };

/** The container actions the page may POST, as /api/hosts/{host}/containers/{id}/{action}. */
export const CONTAINER_ACTIONS = ['start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'remove'] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

/** The compose project actions, as POST /api/hosts/{host}/compose/{action} (server/compose.ts). */
export const COMPOSE_ACTIONS = ['up', 'rebuild', 'restart', 'down'] as const;
export type ComposeAction = (typeof COMPOSE_ACTIONS)[number];

/** What the file view shows: each file's text, the loader's error, and each service's config hash. */
export interface ComposeFileView {
  project?: string;
  workingDir?: string;
  files: { path: string; content?: string; error?: string }[];
  /** The loader's error (ComposeError names the file, service and key). */
  error?: string;
  /** serviceHash of each service as the file says now: differs from a container's label = drift. */
  hashes?: Record<string, string>;
}

export interface ComposeActionResult {
  events: ProgressEvent[];
  warnings: string[];
}

/** GET /api/hosts/{host}/images/{id}/json: what the image page shows (server/routes/images.ts). */
export interface ImageDetail {
  inspect: ImageInspect;
  history: ImageHistoryItem[];
}

/** The header that carries the session's CSRF token on every POST. */
export const CSRF_HEADER = 'x-berth-csrf';
