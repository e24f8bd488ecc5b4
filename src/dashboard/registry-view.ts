// What the registry page's requests answer (server/registry.ts builds them, web/pages/registry.ts
// shows them). Types only, as protocol.ts. Credentials never appear here: the page learns who is
// logged in, not with what.

/** A registry the dashboard may browse: from --registry, or added by the page's log-in form. */
export interface RegistryInfo {
  /** host[:port], also its id in URLs. */
  host: string;
  /** The user the dashboard talks to it as: logged in from the page, or from the docker config. */
  user?: string;
  /** Where `user` comes from. */
  auth: 'none' | 'config' | 'page';
}

export interface RepositoryRow {
  name: string;
  /** Number of tags, when tags/list answered. */
  tags?: number;
  error?: string;
}

/** One page of the catalog; `next` is the `last` to ask for the page after it. */
export interface RepositoryPage {
  repositories: RepositoryRow[];
  next?: string;
}

/** One platform of an index / manifest list, with its manifest's summary. */
export interface PlatformRow {
  platform: string;
  digest: string;
  mediaType: string;
  /** Sum of the platform manifest's layers. */
  size?: number;
  created?: string;
  error?: string;
}

export interface TagRow {
  tag: string;
  digest?: string;
  mediaType?: string;
  /** Sum of the layers (an image manifest's). */
  size?: number;
  created?: string;
  /** For an index / manifest list: each platform's manifest. */
  platforms?: PlatformRow[];
  error?: string;
}

export interface TagList {
  repository: string;
  tags: TagRow[];
}

export interface LayerRow {
  digest: string;
  size: number;
  mediaType: string;
}

/** An image config, the parts a reader looks at. */
export interface ConfigView {
  digest: string;
  mediaType: string;
  size: number;
  created?: string;
  architecture?: string;
  os?: string;
  env?: string[];
  cmd?: string[];
  entrypoint?: string[];
  workingDir?: string;
  user?: string;
  exposedPorts?: string[];
  labels?: Record<string, string>;
  history?: { created?: string; createdBy?: string; comment?: string; emptyLayer?: boolean }[];
}

export interface ManifestView {
  repository: string;
  reference: string;
  digest: string;
  mediaType: string;
  /** Bytes of the manifest itself. */
  manifestSize: number;
  /** An image manifest's layers and their total. */
  layers?: LayerRow[];
  size?: number;
  config?: ConfigView;
  /** An index's platforms. */
  platforms?: PlatformRow[];
  /** The manifest as the registry sent it. */
  raw: unknown;
}
