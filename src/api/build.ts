// Engine API routes for build (classic builder). Thin handlers: validate the query, hand the
// body to the engine (engine/build/request.ts receives the context and runs the build), and
// stream its progress as dockerd does (json-stream.ts).
import type { Router, Ctx } from './router.js';
import { queryBool, queryFilters, readJson, sendJson } from './http.js';
import { LazyJsonStream } from './json-stream.js';
import { InvalidArgumentError } from '../engine/errors.js';
import { decompressStream } from '../archive/index.js';
import { parseNormalizedNamed } from '../engine/images/reference.js';
import { errorMessage } from '../engine/build/output.js';
import { buildFromRequest, type BuildRequest } from '../engine/build/request.js';
import type { BuildContextSyncBody, BuildContextSyncResponse, BuildPruneResponse } from '../api-types/images.js';

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
export function buildOptionsFromQuery(q: URLSearchParams): BuildRequest {
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

async function postBuild(ctx: Ctx): Promise<void> {
  const opts = buildOptionsFromQuery(ctx.query);
  const out = new LazyJsonStream(ctx.res);
  const stream = { write: out.write, fail: (e: unknown) => out.fail(e, errorMessage), end: () => out.end() };
  await buildFromRequest(ctx.engine.builds, ctx.req, { ...opts, syncedContext: ctx.query.get('berthcontext') || undefined }, stream, out.signal);
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
