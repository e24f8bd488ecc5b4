// The distribution API over HTTP: routes /v2/… to storage, checks access first, and answers with
// the spec's headers (Docker-Content-Digest, Location, Range, Link, OCI-Subject) and error form.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { MEDIA, isDigest, isValidRepositoryName } from '../oci.js';
import type { AccessEntry } from './access.js';
import { Authenticator, ChallengeError } from './auth.js';
import { RegistryError, errorBody } from './errors.js';
import { MAX_MANIFEST_BYTES } from './manifest.js';
import { MultiRegistryError, RegistryStorage } from './storage.js';

export interface HandlerOptions {
  storage: RegistryStorage;
  auth: Authenticator;
  readOnly: boolean;
  log?: (line: string) => void;
}

const API_HEADER = { 'Docker-Distribution-API-Version': 'registry/2.0' };

interface Route {
  kind: 'base' | 'catalog' | 'uploads' | 'upload' | 'blob' | 'manifest' | 'tags' | 'referrers' | 'token';
  name?: string;
  ref?: string;
}

const ROUTES: Array<[RegExp, Route['kind']]> = [
  [/^\/v2\/(.+)\/blobs\/uploads\/?$/, 'uploads'],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, 'upload'],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, 'blob'],
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, 'manifest'],
  [/^\/v2\/(.+)\/tags\/list$/, 'tags'],
  [/^\/v2\/(.+)\/referrers\/([^/]+)$/, 'referrers'],
];

export function matchRoute(pathname: string): Route | undefined {
  if (pathname === '/v2/' || pathname === '/v2') return { kind: 'base' };
  if (pathname === '/v2/_catalog') return { kind: 'catalog' };
  if (pathname === '/token') return { kind: 'token' };
  for (const [re, kind] of ROUTES) {
    const m = re.exec(pathname);
    if (m) {
      try {
        return { kind, name: decodeURIComponent(m[1]!), ref: m[2] === undefined ? undefined : decodeURIComponent(m[2]) };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function sendErrors(res: ServerResponse, status: number, errors: RegistryError[], extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(errors);
  res.writeHead(status, { ...API_HEADER, ...extra, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJsonBody(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}, head = false): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...API_HEADER, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(head ? undefined : body);
}

function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string | number>): void {
  res.writeHead(status, { ...API_HEADER, 'Content-Length': 0, ...headers });
  res.end();
}

/** Parses PATCH's Content-Range ("start-end", optionally "bytes start-end"). */
export function parseContentRange(h: string | undefined): { start: number; end: number } | undefined | 'invalid' {
  if (h === undefined) return undefined;
  const m = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(h.trim());
  if (!m) return 'invalid';
  const start = Number(m[1]);
  const end = Number(m[2]);
  return end < start ? 'invalid' : { start, end };
}

/** Parses a blob GET's Range ("bytes=a-b", "bytes=a-", "bytes=-n") against the blob size. */
export function parseByteRange(h: string, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(h.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** Entries after `last`, at most `n`, and whether more follow (for the Link header). */
export function paginate(all: string[], nParam: string | null, last: string | null): { page: string[]; more: boolean; n?: number } {
  const after = last ? all.filter((x) => x > last) : all;
  if (nParam === null || nParam === '') return { page: after, more: false };
  if (!/^\d+$/.test(nParam)) throw new RegistryError('PAGINATION_NUMBER_INVALID', undefined, { n: nParam });
  const n = Number(nParam);
  return { page: after.slice(0, n), more: n > 0 && after.length > n, n };
}

function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  if (len !== undefined) return Number(len) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

async function readLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    req.resume();
    throw new RegistryError('SIZE_INVALID', `manifest exceeds ${limit} bytes`, { size: declared, limit }, 413);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new RegistryError('SIZE_INVALID', `manifest exceeds ${limit} bytes`, { limit }, 413);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function requiredActions(method: string): string[] {
  if (method === 'GET' || method === 'HEAD') return ['pull'];
  if (method === 'DELETE') return ['delete'];
  return ['pull', 'push'];
}

function encodeName(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

export function createRegistryHandler(opts: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { storage, auth, readOnly } = opts;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://registry');
    const route = matchRoute(url.pathname);
    const method = req.method ?? 'GET';
    const head = method === 'HEAD';
    if (!route) {
      sendErrors(res, 404, [new RegistryError('NAME_UNKNOWN', 'page not found')]);
      return;
    }
    if (route.kind === 'token') {
      if (!auth.tokenEndpointEnabled) throw new RegistryError('UNSUPPORTED', 'no token endpoint here', undefined, 404);
      let form: URLSearchParams | undefined;
      if (method === 'POST') form = new URLSearchParams((await readLimited(req, 64 * 1024)).toString('utf8'));
      sendJsonBody(res, 200, await auth.issueToken(req, url.searchParams, form));
      return;
    }
    if (route.kind === 'base') {
      await auth.authorize(req, []);
      sendJsonBody(res, 200, {}, {}, head);
      return;
    }
    if (route.kind === 'catalog') {
      await auth.authorize(req, [{ type: 'registry', name: 'catalog', actions: ['*'] }]);
      const { page, more, n } = paginate(await storage.listRepositories(), url.searchParams.get('n'), url.searchParams.get('last'));
      const headers: Record<string, string> = {};
      if (more) headers.Link = `</v2/_catalog?n=${n}&last=${encodeURIComponent(page[page.length - 1]!)}>; rel="next"`;
      sendJsonBody(res, 200, { repositories: page }, headers, head);
      return;
    }

    const name = route.name!;
    if (!isValidRepositoryName(name)) throw new RegistryError('NAME_INVALID', 'invalid repository name', { name });
    const isWrite = method !== 'GET' && method !== 'HEAD';
    const required: AccessEntry[] = [{ type: 'repository', name, actions: requiredActions(method) }];
    await auth.authorize(req, required);
    if (isWrite && readOnly) throw new RegistryError('UNSUPPORTED', 'registry is in read-only mode');
    const ename = encodeName(name);

    switch (route.kind) {
      case 'blob':
        return blob(req, res, method, name, route.ref!);
      case 'uploads':
        if (method !== 'POST') throw new RegistryError('UNSUPPORTED', undefined, undefined, 405);
        return startUpload(req, res, url.searchParams, name, ename);
      case 'upload':
        return upload(req, res, method, url.searchParams, name, ename, route.ref!);
      case 'manifest':
        return manifest(req, res, method, name, ename, route.ref!);
      case 'tags': {
        if (method !== 'GET' && method !== 'HEAD') throw new RegistryError('UNSUPPORTED', undefined, undefined, 405);
        if (!(await storage.repositoryExists(name))) throw new RegistryError('NAME_UNKNOWN', undefined, { name });
        const { page, more, n } = paginate(await storage.listTags(name), url.searchParams.get('n'), url.searchParams.get('last'));
        const headers: Record<string, string> = {};
        if (more) headers.Link = `</v2/${ename}/tags/list?n=${n}&last=${encodeURIComponent(page[page.length - 1]!)}>; rel="next"`;
        sendJsonBody(res, 200, { name, tags: page }, headers, head);
        return;
      }
      case 'referrers': {
        if (method !== 'GET') throw new RegistryError('UNSUPPORTED', undefined, undefined, 405);
        const artifactType = url.searchParams.get('artifactType') ?? undefined;
        const manifests = await storage.listReferrers(name, route.ref!, artifactType);
        const headers: Record<string, string> = { 'Content-Type': MEDIA.ociIndex };
        if (artifactType !== undefined) headers['OCI-Filters-Applied'] = 'artifactType';
        sendJsonBody(res, 200, { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests }, headers);
        return;
      }
    }
  }

  async function blob(req: IncomingMessage, res: ServerResponse, method: string, name: string, digest: string): Promise<void> {
    if (method === 'DELETE') {
      await storage.deleteBlob(name, digest);
      sendEmpty(res, 202, {});
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') throw new RegistryError('UNSUPPORTED', undefined, undefined, 405);
    const info = await storage.statBlob(name, digest);
    if (!info) throw new RegistryError('BLOB_UNKNOWN', undefined, { digest });
    const headers: Record<string, string | number> = {
      ...API_HEADER,
      'Content-Type': 'application/octet-stream',
      'Docker-Content-Digest': digest,
      ETag: `"${digest}"`,
      'Cache-Control': 'max-age=31536000',
      'Accept-Ranges': 'bytes',
    };
    let start = 0;
    let end = info.size - 1;
    let status = 200;
    const rangeHeader = req.headers.range;
    if (rangeHeader && info.size > 0) {
      const r = parseByteRange(rangeHeader, info.size);
      if (r === 'unsatisfiable') {
        sendEmpty(res, 416, { 'Content-Range': `bytes */${info.size}` });
        return;
      }
      if (r) {
        ({ start, end } = r);
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${info.size}`;
      }
    }
    headers['Content-Length'] = info.size === 0 ? 0 : end - start + 1;
    if (method === 'HEAD' || info.size === 0) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    // Open before answering so a blob deleted meanwhile still gives a clean 404.
    const stream = createReadStream(info.path, { start, end, highWaterMark: 1 << 20 });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    }).catch(() => {
      throw new RegistryError('BLOB_UNKNOWN', undefined, { digest });
    });
    res.writeHead(status, headers);
    await pipeline(stream, res).catch(() => res.destroy());
  }

  function uploadHeaders(ename: string, uuid: string, size: number): Record<string, string | number> {
    return {
      Location: `/v2/${ename}/blobs/uploads/${uuid}`,
      Range: `0-${size > 0 ? size - 1 : 0}`,
      'Docker-Upload-UUID': uuid,
    };
  }

  async function startUpload(req: IncomingMessage, res: ServerResponse, q: URLSearchParams, name: string, ename: string): Promise<void> {
    const mount = q.get('mount');
    const from = q.get('from');
    if (mount && from && isValidRepositoryName(from) && !hasBody(req)) {
      let mayPullFrom = true;
      try {
        await auth.authorize(req, [{ type: 'repository', name: from, actions: ['pull'] }]);
      } catch {
        mayPullFrom = false;
      }
      if (mayPullFrom && /^sha256:[a-f0-9]{64}$/.test(mount) && (await storage.mountBlob(name, from, mount))) {
        sendEmpty(res, 201, { Location: `/v2/${ename}/blobs/${mount}`, 'Docker-Content-Digest': mount });
        return;
      }
    }
    const digest = q.get('digest');
    if (digest) {
      await storage.putBlob(name, digest, req);
      sendEmpty(res, 201, { Location: `/v2/${ename}/blobs/${digest}`, 'Docker-Content-Digest': digest });
      return;
    }
    req.resume();
    const uuid = await storage.startUpload(name);
    sendEmpty(res, 202, uploadHeaders(ename, uuid, 0));
  }

  async function upload(req: IncomingMessage, res: ServerResponse, method: string, q: URLSearchParams, name: string, ename: string, uuid: string): Promise<void> {
    const range = parseContentRange(req.headers['content-range']);
    if (range === 'invalid') {
      req.resume();
      throw new RegistryError('BLOB_UPLOAD_INVALID', 'invalid content range', undefined, 416);
    }
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (range && declared !== undefined && declared !== range.end - range.start + 1) {
      req.resume();
      throw new RegistryError('BLOB_UPLOAD_INVALID', 'Content-Range does not match Content-Length', undefined, 416);
    }
    switch (method) {
      case 'GET': {
        const size = await storage.uploadSize(name, uuid);
        sendEmpty(res, 204, uploadHeaders(ename, uuid, size));
        return;
      }
      case 'PATCH': {
        const size = await storage.appendUpload(name, uuid, req, range?.start);
        sendEmpty(res, 202, uploadHeaders(ename, uuid, size));
        return;
      }
      case 'PUT': {
        const digest = q.get('digest');
        if (!digest) {
          req.resume();
          throw new RegistryError('DIGEST_INVALID', 'digest missing', undefined);
        }
        await storage.finishUpload(name, uuid, digest, hasBody(req) ? req : undefined, range?.start);
        if (!hasBody(req)) req.resume();
        sendEmpty(res, 201, { Location: `/v2/${ename}/blobs/${digest}`, 'Docker-Content-Digest': digest });
        return;
      }
      case 'DELETE':
        await storage.cancelUpload(name, uuid);
        sendEmpty(res, 204, {});
        return;
      default:
        throw new RegistryError('UNSUPPORTED', undefined, undefined, 405);
    }
  }

  async function manifest(req: IncomingMessage, res: ServerResponse, method: string, name: string, ename: string, ref: string): Promise<void> {
    switch (method) {
      case 'GET':
      case 'HEAD': {
        if (method === 'HEAD') {
          const st = await storage.statManifest(name, ref);
          if (!st) throw new RegistryError('MANIFEST_UNKNOWN', undefined, isDigest(ref) ? { digest: ref } : { tag: ref });
          res.writeHead(200, { ...API_HEADER, 'Content-Type': st.mediaType, 'Content-Length': st.size, 'Docker-Content-Digest': st.digest, ETag: `"${st.digest}"` });
          res.end();
          return;
        }
        const m = await storage.getManifest(name, ref);
        if (!m) throw new RegistryError('MANIFEST_UNKNOWN', undefined, isDigest(ref) ? { digest: ref } : { tag: ref });
        res.writeHead(200, { ...API_HEADER, 'Content-Type': m.mediaType, 'Content-Length': m.body.length, 'Docker-Content-Digest': m.digest, ETag: `"${m.digest}"` });
        res.end(m.body);
        return;
      }
      case 'PUT': {
        const body = await readLimited(req, MAX_MANIFEST_BYTES);
        const { digest, subject } = await storage.putManifest(name, ref, body, req.headers['content-type']);
        const headers: Record<string, string> = { Location: `/v2/${ename}/manifests/${digest}`, 'Docker-Content-Digest': digest };
        if (subject) headers['OCI-Subject'] = subject;
        sendEmpty(res, 201, headers);
        opts.log?.(`pushed manifest ${name}:${ref} ${digest}`);
        return;
      }
      case 'DELETE':
        await storage.deleteManifest(name, ref);
        sendEmpty(res, 202, {});
        return;
      default:
        throw new RegistryError('UNSUPPORTED', undefined, undefined, 405);
    }
  }

  return (req, res) => {
    handle(req, res).catch((e: unknown) => {
      // Drain what the client is still sending so keep-alive connections stay usable.
      if (!req.readableEnded) req.resume();
      if (e instanceof ChallengeError) {
        sendErrors(res, 401, [e], { 'WWW-Authenticate': e.challenge });
      } else if (e instanceof RegistryError) {
        sendErrors(res, e.status, [e]);
      } else if (e instanceof MultiRegistryError) {
        sendErrors(res, e.errors[0]!.status, e.errors);
      } else {
        opts.log?.(`error: ${req.method} ${req.url}: ${(e as Error)?.stack ?? String(e)}`);
        sendErrors(res, 500, [new RegistryError('UNKNOWN', (e as Error)?.message ?? 'internal error', undefined, 500)]);
      }
    });
  };
}

