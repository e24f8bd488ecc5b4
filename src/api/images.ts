// Engine API routes for images. Thin handlers: validate input, call the engine, map to Docker's shapes.
import type { Router, Ctx } from './router.js';
import { queryBool, queryFilters, sendJson, startJsonStream } from './http.js';
import { LazyJsonStream } from './json-stream.js';
import { InvalidArgumentError, NotFoundError } from '../engine/errors.js';
import { searchImages } from '../engine/images/search.js';
import { loadImages } from '../engine/images/load.js';
import { saveImages } from '../engine/images/save.js';
import { importImage } from '../engine/images/import.js';
import { pullFromImage } from './distribution.js';
import { parseRepoAndTag } from '../engine/images/reference.js';
import { imageHistory, inspectImage, listImages } from '../engine/images/views.js';
import { notFoundName } from '../engine/images/store.js';
import { apiVersionAtLeast } from '../util/api-version.js';

/** Streams a tar to the client; errors after the headers can only cut the connection. */
async function sendTar(ctx: Ctx, names: string[]): Promise<void> {
  const tar = await saveImages(ctx.engine.images, names);
  ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  tar.on('error', () => ctx.res.destroy());
  tar.pipe(ctx.res);
  await new Promise<void>((resolve) => ctx.res.on('close', resolve));
}

export function registerImageRoutes(r: Router): void {
  // Literal paths first: `/images/json` must not be taken for an image called "json".
  r.get('/images/json', (ctx) => {
    const list = listImages(ctx.engine.images, {
      all: queryBool(ctx.query, 'all'),
      filters: queryFilters(ctx.query),
      apiVersion: ctx.apiVersion,
    });
    sendJson(ctx.res, 200, list);
  });

  r.get('/images/get', (ctx) => sendTar(ctx, ctx.query.getAll('names')));

  r.get('/images/search', async (ctx) => {
    const rawLimit = ctx.query.get('limit') ?? '';
    if (rawLimit !== '' && !/^\d+$/.test(rawLimit)) throw new InvalidArgumentError(`invalid limit specified: strconv.Atoi: parsing ${JSON.stringify(rawLimit)}: invalid syntax`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(ctx.req.headers)) if (/^x-meta-/i.test(k) && typeof v === 'string') headers[k] = v;
    const results = await searchImages(ctx.engine.config, { term: ctx.query.get('term') ?? '', limit: rawLimit === '' ? 0 : Number(rawLimit), filters: queryFilters(ctx.query), headers });
    sendJson(ctx.res, 200, results);
  });

  r.post('/images/load', async (ctx) => {
    const stream = new LazyJsonStream(ctx.res);
    // As dockerd's postImagesLoad: the stream starts at once, so a broken or truncated archive's
    // error is its last message in a 200; nothing of a failed load is kept.
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    await stream.run(() => loadImages(ctx.engine.images, ctx.req, stream.write, { quiet: queryBool(ctx.query, 'quiet') }));
  });

  r.post('/images/create', async (ctx) => {
    const fromSrc = ctx.query.get('fromSrc');
    const fromImage = ctx.query.get('fromImage');
    if (fromSrc !== null && fromSrc !== '') {
      const img = await importImage(
        ctx.engine.images,
        {
          source: fromSrc,
          repo: ctx.query.get('repo') ?? undefined,
          tag: ctx.query.get('tag') ?? undefined,
          message: ctx.query.get('message') ?? undefined,
          changes: ctx.query.getAll('changes'),
        },
        ctx.req,
      );
      const write = startJsonStream(ctx.res);
      write({ status: img.id });
      ctx.res.end();
      return;
    }
    if (fromImage) {
      await pullFromImage(ctx, fromImage);
      return;
    }
    sendJson(ctx.res, 400, { message: 'fromImage or fromSrc must be specified' });
  });

  r.post('/images/prune', async (ctx) => {
    sendJson(ctx.res, 200, await ctx.engine.images.prune({ filters: queryFilters(ctx.query) }));
  });

  r.get('/images/:name*/json', (ctx) => {
    const name = ctx.params.name;
    let img;
    try {
      img = ctx.engine.images.get(name);
    } catch (e) {
      // dockerd 20.10's inspect wording (the CLI prints "No such object" either way).
      if (e instanceof NotFoundError) throw new NotFoundError(`no such image: ${name}: No such image: ${notFoundName(name)}`);
      throw e;
    }
    sendJson(ctx.res, 200, inspectImage(ctx.engine.images, img, imageInspectVersion(ctx)));
  });

  r.get('/images/:name*/history', (ctx) => {
    sendJson(ctx.res, 200, imageHistory(ctx.engine.images, ctx.engine.images.get(ctx.params.name)));
  });

  r.get('/images/:name*/get', (ctx) => sendTar(ctx, [ctx.params.name]));

  r.post('/images/:name*/tag', async (ctx) => {
    const repo = ctx.query.get('repo') ?? '';
    const target = parseRepoAndTag(repo, ctx.query.get('tag'));
    await ctx.engine.images.tag(ctx.params.name, target);
    ctx.res.writeHead(201, { 'Content-Length': 0 });
    ctx.res.end();
  });

  r.delete('/images/:name*', async (ctx) => {
    const records = await ctx.engine.images.remove(ctx.params.name, {
      force: queryBool(ctx.query, 'force'),
      noprune: queryBool(ctx.query, 'noprune'),
    });
    sendJson(ctx.res, 200, records);
  });
}

/**
 * The API version whose image shape an inspect answers with. docker-compose 1.x reads an image's
 * `ContainerConfig` when it recreates a container, yet negotiates the daemon's newest API, where
 * dockerd (API 1.45+) no longer sends that field: against dockerd 25+ its recreate crashes with
 * `KeyError: 'ContainerConfig'`. berth answers that client as the API 1.44 it was written for
 * (the extra fields are all that differ); every other client gets dockerd's shape.
 */
function imageInspectVersion(ctx: Ctx): string {
  const composeV1 = /(^|\s)docker-compose\/1\./.test(ctx.req.headers['user-agent'] ?? '');
  return composeV1 && apiVersionAtLeast(ctx.apiVersion, '1.45') ? '1.44' : ctx.apiVersion;
}
