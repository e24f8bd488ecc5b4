// The distribution protocol, client side: what berthd's pull and push need, independent of its
// image store. One RegistryClient serves many registries; each gets a transport that remembers
// its scheme, auth challenge and tokens.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Descriptor, INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES, Manifest } from '../oci.js';
import type { BlobSource } from './blob-source.js';
import { repositoryScope } from './challenge.js';
import { Credentials, getCredentials, isDockerHub, registryHostOf } from './credentials.js';
import { PlatformSpec, defaultPlatform, formatPlatform, selectPlatformManifest } from './platform.js';
import { RegistryHttpError, RegistryTransport, readAll } from './transport.js';

/** A repository on a registry, and optionally a tag or digest in it. */
export interface RegistryTarget {
  /** host[:port]; "docker.io" means Docker Hub. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export interface ClientOptions {
  /** Credentials per registry; default: ~/.docker/config.json. */
  credentials?: (registry: string) => Promise<Credentials | undefined> | Credentials | undefined;
  /** Registries to reach over plain HTTP (after HTTPS fails) without TLS verification. Localhost always is. */
  insecureRegistries?: string[];
  /** Pull-through mirrors per registry ("docker.io" → ["http://127.0.0.1:5001"]); tried before the registry. */
  mirrors?: Record<string, string[]>;
  retries?: number;
  retryBaseMs?: number;
  timeoutMs?: number;
  userAgent?: string;
}

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  body: Buffer;
  manifest: Manifest;
  /** The index / list the manifest was selected from, when the reference named one. */
  index?: { digest: string; mediaType: string; body: Buffer; manifest: Manifest };
}

export interface PushBlobOptions {
  /** Repositories on the same registry to try mounting the blob from first. */
  mountFrom?: string[];
  /** Upload in chunks of this many bytes (PATCH with Content-Range); default: one PUT. */
  chunkSize?: number;
}

export type PushBlobResult = 'exists' | 'mounted' | 'uploaded';

const MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');
const LOCAL_HOST_RE = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

/** The host[:port] the API of a registry lives on (docker.io → registry-1.docker.io). */
export function apiHost(registry: string): string {
  return isDockerHub(registry) ? 'registry-1.docker.io' : registryHostOf(registry);
}

export function computeDigest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function refOf(t: RegistryTarget): string {
  const r = t.digest ?? t.tag;
  if (!r) throw new Error(`no tag or digest given for ${t.registry}/${t.repository}`);
  return r;
}

function repoPath(repository: string): string {
  return repository.split('/').map(encodeURIComponent).join('/');
}

/** Parses `Link: </v2/…?n=2&last=b>; rel="next"`. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
  return m?.[1];
}

function appendQuery(location: string, params: Record<string, string>): string {
  const u = new URL(location, 'http://placeholder');
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return /^https?:\/\//.test(location) ? u.toString() : `${u.pathname}${u.search}`;
}

export class RegistryClient {
  private readonly transports = new Map<string, RegistryTransport>();

  constructor(private readonly opts: ClientOptions = {}) {}

  close(): void {
    for (const t of this.transports.values()) t.close();
    this.transports.clear();
  }

  private isInsecure(host: string): boolean {
    if (LOCAL_HOST_RE.test(host)) return true;
    return (this.opts.insecureRegistries ?? []).some((r) => registryHostOf(r) === host);
  }

  /** The transport for a registry (or a mirror URL such as "http://127.0.0.1:5001"). */
  /** @internal The transport for a registry; used by login. */
  async transport(registry: string): Promise<RegistryTransport> {
    const host = /^[a-z]+:\/\//.test(registry) ? registryHostOf(registry) : apiHost(registry);
    const plainMirror = registry.startsWith('http://');
    const key = `${plainMirror ? 'http' : ''}${host}`;
    let t = this.transports.get(key);
    if (!t) {
      const credentials = this.opts.credentials ? await this.opts.credentials(registry) : await getCredentials(registry);
      t = new RegistryTransport(host, {
        insecure: plainMirror || this.isInsecure(host),
        credentials,
        retries: this.opts.retries ?? 3,
        retryBaseMs: this.opts.retryBaseMs ?? 200,
        timeoutMs: this.opts.timeoutMs ?? 60_000,
        userAgent: this.opts.userAgent ?? 'berth/0.1',
      });
      this.transports.set(key, t);
    }
    return t;
  }

  /** Runs a pull-side operation on the registry's mirrors first, then on the registry itself. */
  private async withMirrors<T>(registry: string, fn: (t: RegistryTransport) => Promise<T>): Promise<T> {
    const mirrors = this.opts.mirrors?.[isDockerHub(registry) ? 'docker.io' : registryHostOf(registry)] ?? [];
    for (const m of mirrors) {
      try {
        return await fn(await this.transport(m));
      } catch {
        // A mirror that lacks the content or is down is skipped, as docker does.
      }
    }
    return fn(await this.transport(registry));
  }

  /** GET /v2/: reachability and which auth the registry wants. */
  async ping(registry: string): Promise<{ auth: 'none' | 'basic' | 'bearer'; realm?: string; service?: string }> {
    const t = await this.transport(registry);
    const { challenge } = await t.ping();
    return { auth: (challenge?.scheme as 'basic' | 'bearer' | undefined) ?? 'none', realm: challenge?.params.realm, service: challenge?.params.service };
  }

  /** HEAD of a manifest: digest, media type and size, or undefined if it does not exist. */
  async headManifest(target: RegistryTarget): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
    return this.withMirrors(target.registry, async (t) => {
      const res = await t.request({
        method: 'HEAD',
        path: `/v2/${repoPath(target.repository)}/manifests/${refOf(target)}`,
        headers: { Accept: MANIFEST_ACCEPT },
        scopes: [repositoryScope(target.repository, ['pull'])],
        okStatus: [404],
      });
      res.resume();
      if (res.statusCode === 404) return undefined;
      return {
        digest: String(res.headers['docker-content-digest'] ?? ''),
        mediaType: String(res.headers['content-type'] ?? ''),
        size: Number(res.headers['content-length'] ?? 0),
      };
    });
  }

  private async fetchManifestRaw(t: RegistryTransport, target: RegistryTarget, ref: string): Promise<{ digest: string; mediaType: string; body: Buffer; manifest: Manifest }> {
    const res = await t.request({
      method: 'GET',
      path: `/v2/${repoPath(target.repository)}/manifests/${ref}`,
      headers: { Accept: MANIFEST_ACCEPT },
      scopes: [repositoryScope(target.repository, ['pull'])],
    });
    const body = await readAll(res, 4 * 1024 * 1024 + 1);
    const digest = computeDigest(body);
    if (ref.includes(':') && ref !== digest) throw new Error(`manifest digest mismatch: asked ${ref}, got ${digest}`);
    const headerDigest = res.headers['docker-content-digest'];
    if (!ref.includes(':') && typeof headerDigest === 'string' && headerDigest.startsWith('sha256:') && headerDigest !== digest) {
      throw new Error(`manifest digest mismatch: registry says ${headerDigest}, content is ${digest}`);
    }
    let manifest: Manifest;
    try {
      manifest = JSON.parse(body.toString('utf8')) as Manifest;
    } catch {
      throw new Error(`manifest ${ref} of ${target.repository} is not valid JSON`);
    }
    const ct = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
    const mediaType = manifest.mediaType ?? (MANIFEST_MEDIA_TYPES.includes(ct) ? ct : manifest.manifests ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json');
    return { digest, mediaType, body, manifest };
  }

  /**
   * Fetches the manifest a tag or digest names; when it is an index / manifest list, the entry for
   * `platform` (default: this machine's) is fetched too. `platform: null` returns the index itself.
   */
  async getManifest(target: RegistryTarget, options: { platform?: PlatformSpec | null } = {}): Promise<FetchedManifest> {
    return this.withMirrors(target.registry, async (t) => {
      const top = await this.fetchManifestRaw(t, target, refOf(target));
      if (!INDEX_MEDIA_TYPES.has(top.mediaType) || options.platform === null) return top;
      const want = options.platform ?? defaultPlatform();
      const entry = selectPlatformManifest(top.manifest.manifests ?? [], want);
      if (!entry) {
        throw new RegistryHttpError(404, `no matching manifest for ${formatPlatform(want)} in the manifest list entries`, [{ code: 'MANIFEST_UNKNOWN' }]);
      }
      const child = await this.fetchManifestRaw(t, target, entry.digest);
      return { ...child, index: top };
    });
  }

  /** Size of a blob in the repository, or undefined if it is not there. */
  async blobExists(target: RegistryTarget, digest: string): Promise<number | undefined> {
    const t = await this.transport(target.registry);
    const res = await t.request({
      method: 'HEAD',
      path: `/v2/${repoPath(target.repository)}/blobs/${digest}`,
      scopes: [repositoryScope(target.repository, ['pull'])],
      okStatus: [404],
    });
    res.resume();
    return res.statusCode === 404 ? undefined : Number(res.headers['content-length'] ?? 0);
  }

  /**
   * A blob as a stream whose bytes are checked against `digest` as they pass (the stream errors on
   * a mismatch, before its end). A connection lost mid-way is resumed with a Range request.
   * `offset` starts at that byte (the digest can then not be checked: pass `verify: false`).
   */
  getBlob(target: RegistryTarget, digest: string, options: { expectedSize?: number; offset?: number; verify?: boolean } = {}): Readable {
    return Readable.from(this.blobChunks(target, digest, options), { objectMode: false, highWaterMark: 1 << 20 });
  }

  private async *blobChunks(target: RegistryTarget, digest: string, options: { expectedSize?: number; offset?: number; verify?: boolean }): AsyncGenerator<Buffer> {
    const verify = options.verify ?? (options.offset === undefined || options.offset === 0);
    const retries = this.opts.retries ?? 3;
    const hash = createHash('sha256');
    let received = options.offset ?? 0;
    for (let attempt = 0; ; attempt++) {
      const res = await this.withMirrors(target.registry, (t) =>
        t.request({
          method: 'GET',
          path: `/v2/${repoPath(target.repository)}/blobs/${digest}`,
          headers: received > 0 ? { Range: `bytes=${received}-` } : {},
          scopes: [repositoryScope(target.repository, ['pull'])],
        }),
      );
      // A server that ignores Range answers 200 from byte 0: skip what we already have.
      let skip = received > 0 && res.statusCode === 200 ? received : 0;
      try {
        for await (const c of res) {
          let chunk = c as Buffer;
          if (skip > 0) {
            const n = Math.min(skip, chunk.length);
            skip -= n;
            chunk = chunk.subarray(n);
            if (chunk.length === 0) continue;
          }
          if (verify) hash.update(chunk);
          received += chunk.length;
          yield chunk;
        }
        if (!res.complete) throw Object.assign(new Error('connection closed mid-blob'), { code: 'ECONNRESET' });
        break;
      } catch (e: any) {
        if (attempt >= retries || e instanceof RegistryHttpError) throw e;
        await new Promise((r) => setTimeout(r, (this.opts.retryBaseMs ?? 200) * 2 ** attempt));
      }
    }
    if (options.expectedSize !== undefined && received !== options.expectedSize) {
      throw new Error(`blob ${digest}: size ${received}, expected ${options.expectedSize}`);
    }
    if (verify) {
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== digest) throw new Error(`blob digest mismatch: expected ${digest}, got ${actual}`);
    }
  }

  /**
   * Uploads a blob unless the repository has it: tries a cross-repository mount from `mountFrom`,
   * else sends it in one PUT or in chunks. A failed chunk is resumed from the offset the registry
   * reports.
   */
  async pushBlob(target: RegistryTarget, digest: string, source: BlobSource, options: PushBlobOptions = {}): Promise<PushBlobResult> {
    if ((await this.blobExists(target, digest)) !== undefined) return 'exists';
    const t = await this.transport(target.registry);
    const base = `/v2/${repoPath(target.repository)}/blobs/uploads/`;
    const pushScope = repositoryScope(target.repository, ['pull', 'push']);
    let location: string | undefined;
    for (const from of options.mountFrom ?? []) {
      if (from === target.repository) continue;
      const res = await t.request({
        method: 'POST',
        path: `${base}?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
        scopes: [pushScope, repositoryScope(from, ['pull'])],
        headers: { 'Content-Length': 0 },
      });
      res.resume();
      if (res.statusCode === 201) return 'mounted';
      location = res.headers.location;
      if (location) break;
    }
    if (!location) {
      const res = await t.request({ method: 'POST', path: base, scopes: [pushScope], headers: { 'Content-Length': 0 } });
      res.resume();
      location = res.headers.location;
      if (!location) throw new Error(`registry did not return an upload location for ${target.repository}`);
    }
    if (!options.chunkSize || options.chunkSize >= source.size) {
      const res = await t.request({
        method: 'PUT',
        path: appendQuery(location, { digest }),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': source.size },
        body: () => source.open(0, source.size),
        scopes: [pushScope],
      });
      res.resume();
      return 'uploaded';
    }
    location = await this.uploadChunks(t, location, source, options.chunkSize, pushScope);
    const res = await t.request({ method: 'PUT', path: appendQuery(location, { digest }), headers: { 'Content-Length': 0 }, scopes: [pushScope] });
    res.resume();
    return 'uploaded';
  }

  /** Sends [offset, size) in PATCH chunks; after an error asks the session where to go on. */
  private async uploadChunks(t: RegistryTransport, location: string, source: BlobSource, chunkSize: number, scope: string, startAt = 0): Promise<string> {
    let offset = startAt;
    let failures = 0;
    while (offset < source.size) {
      const end = Math.min(offset + chunkSize, source.size);
      try {
        const res = await t.request({
          method: 'PATCH',
          path: location,
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': end - offset, 'Content-Range': `${offset}-${end - 1}` },
          body: () => source.open(offset, end),
          scopes: [scope],
          retry: false,
        });
        res.resume();
        location = res.headers.location ?? location;
        offset = end;
        failures = 0;
      } catch (e) {
        if (++failures > (this.opts.retries ?? 3)) throw e;
        // Learn how much the registry has (the Range of the upload session) and continue from there.
        const status = await t.request({ method: 'GET', path: location, scopes: [scope] });
        status.resume();
        location = status.headers.location ?? location;
        const range = /^(?:bytes=)?0-(\d+)$/.exec(String(status.headers.range ?? ''));
        offset = range ? Number(range[1]) + 1 : 0;
        // "0-0" means nothing or one byte (registries say 0-0 for an empty session): try 0, then 1.
        if (range && range[1] === '0') offset = failures % 2 === 1 ? 0 : 1;
      }
    }
    return location;
  }

  /** Resumes an interrupted chunked upload session at `location` from where the registry stands. */
  async resumeUpload(target: RegistryTarget, location: string, digest: string, source: BlobSource, chunkSize: number): Promise<void> {
    const t = await this.transport(target.registry);
    const scope = repositoryScope(target.repository, ['pull', 'push']);
    const status = await t.request({ method: 'GET', path: location, scopes: [scope] });
    status.resume();
    const m = /^(?:bytes=)?0-(\d+)$/.exec(String(status.headers.range ?? ''));
    const have = m && Number(m[1]) > 0 ? Number(m[1]) + 1 : 0;
    const loc = await this.uploadChunks(t, status.headers.location ?? location, source, chunkSize, scope, have);
    const res = await t.request({ method: 'PUT', path: appendQuery(loc, { digest }), headers: { 'Content-Length': 0 }, scopes: [scope] });
    res.resume();
  }

  /** PUT a manifest under a tag or digest; returns its digest. */
  async putManifest(target: RegistryTarget, body: Buffer, mediaType: string): Promise<{ digest: string; subject?: string }> {
    const t = await this.transport(target.registry);
    const res = await t.request({
      method: 'PUT',
      path: `/v2/${repoPath(target.repository)}/manifests/${refOf(target)}`,
      headers: { 'Content-Type': mediaType, 'Content-Length': body.length },
      body,
      scopes: [repositoryScope(target.repository, ['pull', 'push'])],
    });
    res.resume();
    const digest = computeDigest(body);
    const subject = res.headers['oci-subject'];
    return { digest, subject: typeof subject === 'string' ? subject : undefined };
  }

  async deleteManifest(target: RegistryTarget): Promise<void> {
    const t = await this.transport(target.registry);
    const res = await t.request({
      method: 'DELETE',
      path: `/v2/${repoPath(target.repository)}/manifests/${refOf(target)}`,
      scopes: [repositoryScope(target.repository, ['delete'])],
    });
    res.resume();
  }

  /** Every tag (following Link pagination), or one page when `n` is given. */
  async listTags(target: RegistryTarget, page: { n?: number; last?: string } = {}): Promise<string[]> {
    const q = new URLSearchParams();
    if (page.n !== undefined) q.set('n', String(page.n));
    if (page.last) q.set('last', page.last);
    const first = `/v2/${repoPath(target.repository)}/tags/list${q.size ? `?${q}` : ''}`;
    return this.paged(target.registry, first, page.n === undefined, [repositoryScope(target.repository, ['pull'])], (b) => (b as { tags?: string[] | null }).tags ?? []);
  }

  async catalog(registry: string, page: { n?: number; last?: string } = {}): Promise<string[]> {
    const q = new URLSearchParams();
    if (page.n !== undefined) q.set('n', String(page.n));
    if (page.last) q.set('last', page.last);
    return this.paged(registry, `/v2/_catalog${q.size ? `?${q}` : ''}`, page.n === undefined, ['registry:catalog:*'], (b) => (b as { repositories?: string[] }).repositories ?? []);
  }

  /**
   * One page of the catalog (at most `n` names after `last`) and, when the registry's Link header
   * says there is more, the `last` to ask the next page with (a browser pages; pull never lists).
   */
  async catalogPage(registry: string, page: { n: number; last?: string }): Promise<{ repositories: string[]; last?: string }> {
    const q = new URLSearchParams({ n: String(page.n) });
    if (page.last) q.set('last', page.last);
    const { body, next } = await this.getPage(await this.transport(registry), `/v2/_catalog?${q}`, ['registry:catalog:*']);
    const repositories = (body as { repositories?: string[] | null }).repositories ?? [];
    const last = next ? (new URL(next, 'http://placeholder').searchParams.get('last') ?? repositories.at(-1)) : undefined;
    return { repositories, last: last || undefined };
  }

  private async getPage(t: RegistryTransport, path: string, scopes: string[]): Promise<{ body: unknown; next?: string }> {
    const res = await t.request({ method: 'GET', path, scopes });
    const body: unknown = JSON.parse((await readAll(res)).toString('utf8'));
    return { body, next: nextLink(res.headers.link === undefined ? undefined : String(res.headers.link)) };
  }

  private async paged(registry: string, first: string, follow: boolean, scopes: string[], pick: (body: unknown) => string[]): Promise<string[]> {
    const t = await this.transport(registry);
    const out: string[] = [];
    let next: string | undefined = first;
    while (next) {
      const page = await this.getPage(t, next, scopes);
      out.push(...pick(page.body));
      next = follow ? page.next : undefined;
    }
    return out;
  }

  /** A small blob (an image config) read whole, its digest checked; more than `limit` bytes is an error. */
  async getBlobBytes(target: RegistryTarget, digest: string, limit = 4 * 1024 * 1024): Promise<Buffer> {
    return readAll(this.getBlob(target, digest), limit);
  }

  /** Manifests referring to `digest` (OCI referrers API), optionally of one artifact type. */
  async referrers(target: RegistryTarget, digest: string, artifactType?: string): Promise<Descriptor[]> {
    const t = await this.transport(target.registry);
    const q = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const res = await t.request({ method: 'GET', path: `/v2/${repoPath(target.repository)}/referrers/${digest}${q}`, scopes: [repositoryScope(target.repository, ['pull'])] });
    const body = JSON.parse((await readAll(res)).toString('utf8')) as { manifests?: Descriptor[] };
    const list = body.manifests ?? [];
    // A registry that ignored the filter (no OCI-Filters-Applied) is filtered here.
    return artifactType && !res.headers['oci-filters-applied'] ? list.filter((d) => d.artifactType === artifactType) : list;
  }
}

/**
 * Checks credentials against a registry as `docker login` does: GET /v2/ with them (Basic), or
 * a token request with them (Bearer). Throws RegistryHttpError 401 on bad credentials.
 */
export async function login(registry: string, username: string, password: string, opts: Omit<ClientOptions, 'credentials'> = {}): Promise<{ status: string }> {
  const client = new RegistryClient({ ...opts, credentials: () => ({ username, password }) });
  try {
    const t = await client.transport(registry);
    const { challenge } = await t.ping();
    if (challenge?.scheme === 'bearer') {
      await t.fetchToken(challenge, []);
    } else if (challenge?.scheme === 'basic') {
      const res = await t.request({ method: 'GET', path: '/v2/' });
      res.resume();
    }
    return { status: 'Login Succeeded' };
  } finally {
    client.close();
  }
}
