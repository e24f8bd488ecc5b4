// Engine API routes for distribution: pull (the fromImage branch of POST /images/create lands
// here), push and login. Thin handlers: validate input, call the engine, stream its progress.
import type { Router, Ctx } from './router.js';
import { queryBool, readJsonObject, sendJson } from './http.js';
import { LazyJsonStream } from './json-stream.js';
import { InvalidArgumentError } from '../engine/errors.js';
import { pullImage } from '../engine/images/pull.js';
import { pushImage } from '../engine/images/push.js';
import { loginToRegistry } from '../engine/images/distribution-login.js';
import { inspectDistribution } from '../engine/images/distribution-inspect.js';
import type { RegistryAuth } from '../engine/images/distribution-registry.js';
import { isValidDigest, isValidTag, parseNormalizedNamed, parseRepoAndTag, type NamedReference } from '../engine/images/reference.js';
import type { AuthResponse } from '../api-types/system.js';

/** The reference POST /images/create means: `fromImage` (a trailing ":" dropped) with `tag` being a tag or a digest. */
export function pullReference(fromImage: string, tag: string | null): NamedReference {
  const named = parseNormalizedNamed(fromImage.replace(/:$/, ''));
  if (!tag) return named;
  const base = { domain: named.domain, path: named.path };
  if (tag.includes(':')) {
    if (!isValidDigest(tag) || !/^sha256:[a-f0-9]{64}$/.test(tag)) throw new InvalidArgumentError(`invalid digest format`);
    return { ...base, digest: tag };
  }
  if (!isValidTag(tag)) throw new InvalidArgumentError('invalid tag format');
  return { ...base, ...(named.digest ? { digest: named.digest } : {}), tag };
}

/** POST /images/create?fromImage=…: pull, progress streamed as dockerd does. */
export async function pullFromImage(ctx: Ctx, fromImage: string): Promise<void> {
  // Validate before anything is sent, as dockerd does (400 on a bad reference or platform).
  const ref = pullReference(fromImage, ctx.query.get('tag'));
  const allTags = queryBool(ctx.query, 'all') || (ref.tag === undefined && ref.digest === undefined);
  const stream = new LazyJsonStream(ctx.res);
  await stream.run(() =>
    pullImage(ctx.engine, allTags ? { domain: ref.domain, path: ref.path } : ref, {
      auth: ctx.req.headers['x-registry-auth'] as string | undefined,
      platform: ctx.query.get('platform') || undefined,
      allTags,
      progress: stream.write,
      signal: stream.signal,
    }),
  );
}

export function registerDistributionRoutes(r: Router): void {
  r.get('/distribution/:name*/json', async (ctx) => {
    sendJson(ctx.res, 200, await inspectDistribution(ctx.engine.config, ctx.params.name, ctx.req.headers['x-registry-auth'] as string | undefined));
  });
  r.post('/images/:name*/push', async (ctx) => {
    const tag = ctx.query.get('tag');
    const ref = tag ? parseRepoAndTag(ctx.params.name, tag) : parseNormalizedNamed(ctx.params.name);
    if (ref.digest) throw new InvalidArgumentError('cannot push a digest reference');
    const stream = new LazyJsonStream(ctx.res);
    await stream.run(() =>
      pushImage(ctx.engine, ref, {
        auth: ctx.req.headers['x-registry-auth'] as string | undefined,
        progress: stream.write,
        signal: stream.signal,
      }),
    );
  });

  r.post('/auth', async (ctx) => {
    const body = await readJsonObject<RegistryAuth>(ctx.req, {});
    const result = await loginToRegistry(ctx.engine.config, body);
    sendJson<AuthResponse>(ctx.res, 200, { Status: result.status, IdentityToken: result.identityToken ?? '' });
  });
}
