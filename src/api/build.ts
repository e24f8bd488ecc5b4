// Engine API routes for build (classic builder). Thin handlers: validate the query, unpack the
// context into a scratch directory under the data root, run engine.builds, and stream progress as
// dockerd does: nothing is sent until the first message, so an error before any output is a plain
// HTTP error; after that it ends the JSON stream as {"errorDetail":…,"error":…}.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { tracer } from '../util/log.js';
import type { Router, Ctx } from './router.js';
import { queryBool, queryFilters, readJson, sendJson } from './http.js';
import { InvalidArgumentError, NotFoundError } from '../engine/errors.js';
import { decompressStream, peekStream } from '../archive/index.js';
import { receiveContextTar, type BuildContextSource } from '../engine/build/context-spool.js';
import { parseNormalizedNamed } from '../engine/images/reference.js';
import { errorMessage, type BuildMessage } from '../engine/build/output.js';
import type { EngineBuildOptions } from '../engine/build/engine-backend.js';
import type { BuildContextSyncBody, BuildContextSyncResponse, BuildPruneResponse } from '../api-types/images.js';

/** Go's json.Marshal escapes <, > and & (dockerd's stream shows ` ---\u003e`). */
function goJson(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A JSON-lines response whose headers go out with the first message. */
class LazyJsonStream {
  constructor(private readonly res: ServerResponse) {}
  get started(): boolean {
    return this.res.headersSent;
  }
  write(msg: unknown): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    if (!this.res.headersSent) this.res.writeHead(200, { 'Content-Type': 'application/json' });
    this.res.write(goJson(msg) + '\r\n');
  }
  end(): void {
    if (!this.res.headersSent) this.res.writeHead(200, { 'Content-Type': 'application/json' });
    if (!this.res.writableEnded) this.res.end();
  }
}

function jsonQuery<T>(q: URLSearchParams, name: string, check: (v: unknown) => v is T): T | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    throw new InvalidArgumentError(`invalid ${name} (${raw}): ${(e as Error).message}`);
  }
  if (v === null) return undefined;
  if (!check(v)) throw new InvalidArgumentError(`invalid ${name} (${raw})`);
  return v;
}

const isStringMap = (v: unknown): v is Record<string, string> =>
  !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isArgMap = (v: unknown): v is Record<string, string | null> =>
  !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string' || x === null);

/** The build options from POST /build's query, validated before any work (dockerd's newImageBuildOptions). */
export function buildOptionsFromQuery(q: URLSearchParams): Omit<EngineBuildOptions, 'contextDir'> & { quiet: boolean } {
  const tags = q.getAll('t').filter((t) => t !== '');
  for (const t of tags) {
    try {
      const named = parseNormalizedNamed(t);
      if (named.digest) throw new Error('digest');
    } catch {
      throw new InvalidArgumentError(`invalid reference format: ${t}`);
    }
  }
  const networkMode = q.get('networkmode') || undefined;
  const extraHosts = q
    .getAll('extrahosts')
    .flatMap((h) => h.split(','))
    .map((h) => h.trim())
    .filter(Boolean);
  const platform = q.get('platform') || undefined;
  if (platform && !/^[a-z0-9_-]+(\/[a-z0-9_-]+){0,2}$/i.test(platform)) throw new InvalidArgumentError(`"${platform}": unknown operating system or architecture: invalid argument`);
  if (q.get('remote') && !q.get('remote')!.match(/^[^:]+$/)) {
    throw new InvalidArgumentError('remote build contexts (URLs, git repositories) are not supported by berthd: send the context as the request body');
  }
  return {
    tags,
    dockerfile: q.get('dockerfile') || undefined,
    buildArgs: jsonQuery(q, 'buildargs', isArgMap),
    labels: jsonQuery(q, 'labels', isStringMap),
    target: q.get('target') || undefined,
    noCache: queryBool(q, 'nocache'),
    pull: queryBool(q, 'pull'),
    cacheFrom: jsonQuery(q, 'cachefrom', isStringArray),
    remove: q.has('rm') ? queryBool(q, 'rm', true) : true,
    forceRemove: queryBool(q, 'forcerm'),
    networkMode,
    extraHosts: extraHosts.length ? extraHosts : undefined,
    platform,
    quiet: queryBool(q, 'q'),
    buildId: q.get('buildid') || undefined,
  };
}

/** A tar header block: its checksum field matches the sum of its bytes (field as spaces). */
function looksLikeTar(head: Buffer): boolean {
  if (head.length < 512) return head.length === 0 || head.every((b) => b === 0);
  const block = head.subarray(0, 512);
  if (block.every((b) => b === 0)) return true;
  const field = block.subarray(148, 156).toString('latin1').replace(/\0.*$/, '').trim();
  const want = parseInt(field, 8);
  if (Number.isNaN(want)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum === want;
}

/**
 * Receives the request body (a tar, plain or gzip) as a spooled, indexed context whose files are
 * extracted into `dir` only when a step needs them. A body that is not an archive is a bare
 * Dockerfile (`berth build - < Dockerfile`): its text is returned instead.
 */
async function receiveContext(req: IncomingMessage, scratch: string, dir: string): Promise<{ dockerfileContent?: string; context?: BuildContextSource; release?: () => Promise<void> }> {
  const { head, all } = await peekStream(decompressStream(req), 512);
  if (!looksLikeTar(head)) {
    const chunks: Buffer[] = [];
    for await (const c of all) chunks.push(c as Buffer);
    return { dockerfileContent: Buffer.concat(chunks).toString('utf8') };
  }
  // The docker CLI's tar for `-f -` (archive.ReplaceFileTarWrapper) closes its pipe before the
  // tar writer, so it has no end-of-archive blocks: supply them (extra zeros past an end are unread).
  async function* terminated(): AsyncGenerator<Buffer> {
    for await (const c of all) yield c as Buffer;
    yield Buffer.alloc(1024);
  }
  // Names with `..` or absolute paths and links leading out are refused here, before any step.
  const context = await receiveContextTar(terminated(), path.join(scratch, 'context.tar'), dir);
  return { context };
}

/** A context synced beforehand (`berthcontext=<id>`, berth's CLI): no body to read. */
async function syncedContext(ctx: Ctx, id: string, dir: string): Promise<{ context: BuildContextSource; release(): Promise<void> }> {
  for await (const _ of ctx.req); // nothing is expected; drain whatever came
  const { source, release } = ctx.engine.builds.contexts.acquire(id, dir);
  return { context: source, release };
}

async function postBuild(ctx: Ctx): Promise<void> {
  const { quiet, ...opts } = buildOptionsFromQuery(ctx.query);
  const builds = ctx.engine.builds;
  const syncedId = ctx.query.get('berthcontext');
  const scratch = await builds.scratchDir('context');
  const t = tracer('build', path.basename(scratch));
  const client = new AbortController();
  // A client that goes away cancels the build (dockerd cancels the request context).
  const onClose = (): void => {
    if (!ctx.res.writableFinished) client.abort();
  };
  ctx.res.on('close', onClose);
  const out = new LazyJsonStream(ctx.res);
  const buffered: BuildMessage[] = [];
  // Where the context's files go if a step needs them on disk (the spool sits beside it).
  const dir = path.join(scratch, 'context');
  let received: Awaited<ReturnType<typeof receiveContext>> | undefined;
  try {
    try {
      await fsp.mkdir(dir, { mode: 0o755 });
      received = syncedId ? await syncedContext(ctx, syncedId, dir) : await receiveContext(ctx.req, scratch, dir);
    } catch (e) {
      if (e instanceof NotFoundError) throw e;
      if (e instanceof InvalidArgumentError) throw e;
      throw new InvalidArgumentError(`failed to read the build context: ${(e as Error).message}`);
    }
    t('context received');
    const emit = (m: BuildMessage): void => {
      if (quiet) buffered.push(m);
      else out.write(m);
    };
    try {
      const { context, dockerfileContent } = received;
      const result = await builds.build({ ...opts, contextDir: dir, context, dockerfileContent }, emit, client.signal);
      if (quiet) out.write({ stream: `${result.imageId}\n` });
    } catch (e) {
      // Quiet builds show what they held back when they fail, then the error (dockerd's errf).
      if (quiet) for (const m of buffered) out.write(m);
      if (!out.started) throw e;
      out.write(errorMessage(e));
    }
    out.end();
    t('built');
  } finally {
    ctx.res.off('close', onClose);
    await received?.context?.close();
    await received?.release?.();
    await builds.removeScratch(scratch);
    t('context removed');
  }
}

async function postBuildPrune(ctx: Ctx): Promise<void> {
  sendJson<BuildPruneResponse>(ctx.res, 200, await ctx.engine.builds.prune(queryFilters(ctx.query)));
}

/** berth's context sync (not in Docker's API): a manifest in, the files berthd lacks out. */
async function postBuildContext(ctx: Ctx): Promise<void> {
  const manifest = await readJson<BuildContextSyncBody>(ctx.req);
  sendJson<BuildContextSyncResponse>(ctx.res, 200, await ctx.engine.builds.contexts.sync(manifest));
}

/** The files the sync asked for, as a tar (plain or gzip). */
async function postBuildContextFiles(ctx: Ctx): Promise<void> {
  await ctx.engine.builds.contexts.upload(ctx.params.id, decompressStream(ctx.req));
  ctx.res.writeHead(204);
  ctx.res.end();
}

export function registerBuildRoutes(r: Router): void {
  r.post('/build', postBuild);
  r.post('/berth/build-contexts', postBuildContext);
  r.post('/berth/build-contexts/:id/files', postBuildContextFiles);
  r.post('/build/prune', postBuildPrune);
  // BuildKit's cancel: classic builds stop when their client disconnects; an ID we know is aborted too.
  const cancel = (ctx: Ctx): void => {
    const id = ctx.query.get('id');
    if (id) ctx.engine.builds.cancel(id);
    ctx.res.writeHead(200);
    ctx.res.end();
  };
  r.post('/build/cancel', cancel);
  r.get('/build/cancel', cancel);
}
