// The registry page's work: browse OCI distribution registries (berth registry serve, CNCF
// distribution, Harbor, …) through berth's own distribution client (src/registry/client), which
// handles the Basic / bearer-token challenges. Which registries: those given with --registry, and
// those the page logs in to. Credentials come from the docker config (what `berth login` and
// `docker login` write), or from the page's log-in form: those are kept in this process's memory
// for that dashboard session only and never sent back to the page. Plain HTTP only to loopback
// registries (the client's rule, as the engine's), HTTPS elsewhere.
import { INDEX_MEDIA_TYPES, DIGEST_RE, isValidRepositoryName, type Descriptor, type Manifest } from '../../registry/oci.js';
import { RegistryClient, RegistryHttpError, formatPlatform, getCredentials, login, registryHostOf, type ClientOptions, type RegistryTarget } from '../../registry/client/index.js';
import type { ConfigView, LayerRow, ManifestView, PlatformRow, RegistryInfo, RepositoryPage, TagList, TagRow } from '../registry-view.js';
import { orUndefined } from '../../util/best-effort.js';
import type { ActionResult } from './actions.js';

/** Image config media types (Docker's and OCI's); any other config is an artifact's, not parsed. */
const IMAGE_CONFIG_TYPES = new Set(['application/vnd.docker.container.image.v1+json', 'application/vnd.oci.image.config.v1+json']);
/** How many manifests / tag lists are fetched at once from one registry. */
const PARALLEL = 6;
const HOST_RE = /^(?:[a-z0-9.-]+|\[[0-9a-f:]+\])(?::\d{1,5})?$/;

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Runs `call`, turning the registry's errors (UNSUPPORTED 405, DENIED 403, …) into a status and `{message, code}`. */
export async function registryAnswer(call: () => Promise<unknown>): Promise<ActionResult> {
  try {
    const body = await call();
    return body === undefined ? { status: 204 } : { status: 200, body };
  } catch (e) {
    if (e instanceof RegistryHttpError && e.status >= 400 && e.status < 600) return { status: e.status, body: { message: e.message, code: e.code } };
    if (e instanceof BadRequest) return { status: 400, body: { message: e.message } };
    return { status: 502, body: { message: message(e) } };
  }
}

export class BadRequest extends Error {}

/** A registry as the user names it ("localhost:5000", "https://ghcr.io/") → host[:port]; throws on anything else. */
export function registryHost(name: string): string {
  const host = registryHostOf(name);
  if (!HOST_RE.test(host)) throw new BadRequest(`not a registry address: ${name}`);
  return host;
}

function sumLayers(m: Manifest): number {
  return (m.layers ?? []).reduce((a, l) => a + (l.size ?? 0), 0);
}

/** Attestations (buildx's provenance / SBOM) sit in an index as "unknown/unknown": not a platform. */
function isAttestation(d: Descriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';
}

interface Login {
  username: string;
  client: RegistryClient;
}

export class RegistryBrowser {
  private readonly configured: string[];
  /** Credentials from the docker config file (read when a registry is first reached). */
  private readonly shared: RegistryClient;
  /** Per dashboard session: the registries logged in to from the page. */
  private readonly logins = new Map<string, Map<string, Login>>();
  private readonly clientOptions: Omit<ClientOptions, 'credentials'> = { insecureRegistries: [], retries: 1, retryBaseMs: 100, timeoutMs: 30_000, userAgent: 'berth-dashboard' };

  constructor(
    registries: string[],
    private readonly credentialsFile?: string,
  ) {
    this.configured = [...new Set(registries.map(registryHost))];
    this.shared = new RegistryClient({ ...this.clientOptions, credentials: (r) => getCredentials(r, credentialsFile) });
  }

  close(): void {
    this.shared.close();
    for (const m of this.logins.values()) for (const l of m.values()) l.client.close();
    this.logins.clear();
  }

  async list(session: string): Promise<RegistryInfo[]> {
    const mine = this.logins.get(session) ?? new Map<string, Login>();
    const hosts = [...new Set([...this.configured, ...mine.keys()])];
    return Promise.all(
      hosts.map(async (host): Promise<RegistryInfo> => {
        const page = mine.get(host);
        if (page) return { host, user: page.username, auth: 'page' };
        const config = await orUndefined(getCredentials(host, this.credentialsFile), 'reading the docker config');
        return config ? { host, user: config.username || undefined, auth: 'config' } : { host, auth: 'none' };
      }),
    );
  }

  /** The client for a registry this session may browse; undefined for one it does not know. */
  client(session: string, host: string): RegistryClient | undefined {
    const page = this.logins.get(session)?.get(host);
    if (page) return page.client;
    return this.configured.includes(host) ? this.shared : undefined;
  }

  /** Checks the credentials with the registry as `docker login` does, then keeps them for this session. */
  async login(session: string, registry: string, username: string, password: string): Promise<void> {
    const host = registryHost(registry);
    if (!username || !password) throw new BadRequest('user and password are required');
    await login(host, username, password, this.clientOptions);
    const mine = this.logins.get(session) ?? new Map<string, Login>();
    mine.get(host)?.client.close();
    mine.set(host, { username, client: new RegistryClient({ ...this.clientOptions, credentials: () => ({ username, password }) }) });
    this.logins.set(session, mine);
  }

  logout(session: string, host: string): void {
    const mine = this.logins.get(session);
    mine?.get(host)?.client.close();
    mine?.delete(host);
  }
}

function checkRepository(repository: string): void {
  if (!isValidRepositoryName(repository)) throw new BadRequest(`not a repository name: ${repository}`);
}

/** A page of the catalog, each repository with its number of tags. */
export async function repositories(client: RegistryClient, registry: string, q: URLSearchParams): Promise<RepositoryPage> {
  const n = Math.min(Math.max(Number(q.get('n')) || 100, 1), 1000);
  const page = await client.catalogPage(registry, { n, last: q.get('last') || undefined });
  const rows = await mapLimit(page.repositories, PARALLEL, async (name) => {
    try {
      return { name, tags: (await client.listTags({ registry, repository: name })).length };
    } catch (e) {
      return { name, error: message(e) };
    }
  });
  return { repositories: rows, next: page.last };
}

async function configOf(client: RegistryClient, target: RegistryTarget, m: Manifest): Promise<ConfigView | undefined> {
  const c = m.config;
  if (!c || !IMAGE_CONFIG_TYPES.has(c.mediaType)) return undefined;
  const raw = JSON.parse((await client.getBlobBytes(target, c.digest)).toString('utf8')) as {
    created?: string;
    architecture?: string;
    os?: string;
    config?: { Env?: string[]; Cmd?: string[]; Entrypoint?: string[]; WorkingDir?: string; User?: string; ExposedPorts?: Record<string, unknown>; Labels?: Record<string, string> | null };
    history?: { created?: string; created_by?: string; comment?: string; empty_layer?: boolean }[];
  };
  const cfg = raw.config ?? {};
  return {
    digest: c.digest,
    mediaType: c.mediaType,
    size: c.size,
    created: raw.created,
    architecture: raw.architecture,
    os: raw.os,
    env: cfg.Env ?? undefined,
    cmd: cfg.Cmd ?? undefined,
    entrypoint: cfg.Entrypoint ?? undefined,
    workingDir: cfg.WorkingDir || undefined,
    user: cfg.User || undefined,
    exposedPorts: cfg.ExposedPorts ? Object.keys(cfg.ExposedPorts) : undefined,
    labels: cfg.Labels ?? undefined,
    history: raw.history?.map((h) => ({ created: h.created, createdBy: h.created_by, comment: h.comment, emptyLayer: h.empty_layer })),
  };
}

/** Each platform of an index with its manifest's layer total and creation time. */
async function platformsOf(client: RegistryClient, target: RegistryTarget, index: Manifest): Promise<PlatformRow[]> {
  const entries = (index.manifests ?? []).filter((d) => !isAttestation(d));
  return mapLimit(entries, PARALLEL, async (d) => {
    const row: PlatformRow = { platform: d.platform ? formatPlatform(d.platform) : 'unknown', digest: d.digest, mediaType: d.mediaType };
    try {
      const child = await client.getManifest({ ...target, tag: undefined, digest: d.digest }, { platform: null });
      row.size = sumLayers(child.manifest);
      row.created = (await configOf(client, { ...target, tag: undefined }, child.manifest))?.created;
    } catch (e) {
      row.error = message(e);
    }
    return row;
  });
}

async function tagRow(client: RegistryClient, registry: string, repository: string, tag: string): Promise<TagRow> {
  const target = { registry, repository, tag };
  try {
    const m = await client.getManifest(target, { platform: null });
    const row: TagRow = { tag, digest: m.digest, mediaType: m.mediaType };
    if (INDEX_MEDIA_TYPES.has(m.mediaType)) row.platforms = await platformsOf(client, target, m.manifest);
    else {
      row.size = sumLayers(m.manifest);
      row.created = (await configOf(client, target, m.manifest))?.created;
    }
    return row;
  } catch (e) {
    return { tag, error: message(e) };
  }
}

/** Every tag of a repository with its manifest's digest, media type, size, creation, platforms. */
export async function tags(client: RegistryClient, registry: string, repository: string): Promise<TagList> {
  checkRepository(repository);
  const names = (await client.listTags({ registry, repository })).sort();
  return { repository, tags: await mapLimit(names, PARALLEL, (tag) => tagRow(client, registry, repository, tag)) };
}

/** One manifest by tag or digest: an image's layers and config, or an index's platforms. */
export async function manifest(client: RegistryClient, registry: string, repository: string, reference: string): Promise<ManifestView> {
  checkRepository(repository);
  const byDigest = reference.includes(':');
  if (byDigest && !DIGEST_RE.test(reference)) throw new BadRequest(`not a digest: ${reference}`);
  const target: RegistryTarget = byDigest ? { registry, repository, digest: reference } : { registry, repository, tag: reference };
  const m = await client.getManifest(target, { platform: null });
  const view: ManifestView = { repository, reference, digest: m.digest, mediaType: m.mediaType, manifestSize: m.body.length, raw: m.manifest };
  if (INDEX_MEDIA_TYPES.has(m.mediaType)) {
    view.platforms = await platformsOf(client, target, m.manifest);
    return view;
  }
  view.layers = (m.manifest.layers ?? []).map((l): LayerRow => ({ digest: l.digest, size: l.size, mediaType: l.mediaType }));
  view.size = sumLayers(m.manifest);
  view.config = await configOf(client, target, m.manifest);
  return view;
}

/** DELETE of a manifest by digest: every tag naming it goes with it (the registry's rule). */
export async function deleteManifest(client: RegistryClient, registry: string, repository: string, digest: string): Promise<void> {
  checkRepository(repository);
  if (!DIGEST_RE.test(digest)) throw new BadRequest(`a manifest is deleted by digest, not ${digest}`);
  await client.deleteManifest({ registry, repository, digest });
}
