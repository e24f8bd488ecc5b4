// Engine API routes for containers. Thin handlers: validate input, call the engine, map to Docker's shapes.
import type { Router, Ctx } from './router.js';
import { clientGone, openRawStream, queryBool, sendStream, queryFilters, queryInt, readJson, sendJson, sendNoContent } from './http.js';
import { InvalidArgumentError } from '../engine/errors.js';
import { migrateMacAddress } from './mac-address.js';
import { acceptWebSocket, checkWebSocketRequest } from './websocket.js';
import { apiVersionAtLeast } from '../util/api-version.js';
import { containerList, inspectContainer } from '../engine/containers/views.js';
import { containerPruneFilter } from '../engine/containers/filters.js';
import { firstStatsFrame, statsOnce, watchStats } from '../engine/containers/stats.js';
import { assertLogsReadable, attachContainer, parseDetachKeys, parseLogTime, streamLogs, type OutputSink, type StreamName } from '../engine/containers/streams.js';
import type { Readable, Writable } from 'node:stream';
import type { ContainerRecord } from '../engine/containers/types.js';
import type { IdResponse } from '../api-types/common.js';
import type {
  ContainerCreateResponse,
  ContainerInspect,
  ContainerPruneResponse,
  ContainerStats,
  ContainerSummary,
  ContainerTopResponse,
  ContainerUpdateBody,
  ContainerUpdateResponse,
  FilesystemChange,
} from '../api-types/containers.js';

/** Docker's stream framing: 8-byte header (stream, 0,0,0, big-endian length) unless TTY. */
export function frameSink(out: Writable, tty: boolean): OutputSink {
  return {
    write(stream: StreamName, data: Buffer) {
      if (!out.writable) return;
      if (tty) return out.write(data);
      const h = Buffer.alloc(8);
      h[0] = stream === 'stdout' ? 1 : 2;
      h.writeUInt32BE(data.length, 4);
      return out.write(Buffer.concat([h, data]));
    },
    drained() {
      return new Promise<void>((resolve) => {
        if (!out.writable || !out.writableNeedDrain) return resolve();
        const done = () => {
          out.off('drain', done);
          out.off('close', done);
          resolve();
        };
        out.on('drain', done);
        out.on('close', done);
      });
    },
  };
}

/**
 * Runs one attach over a client's streams (a hijacked connection or a WebSocket) until it ends:
 * stdin forwarded when asked and the container keeps it open, output framed unless `raw`.
 */
async function attachOver(ctx: Ctx, rec: ContainerRecord, input: Readable, output: Writable, gone: AbortSignal, raw: boolean): Promise<void> {
  const q = ctx.query;
  const forwardsStdin = queryBool(q, 'stdin') && !!rec.config.OpenStdin;
  // Input nobody forwards is read and dropped, so the client's EOF (and going) is seen.
  if (!forwardsStdin) input.resume();
  const att = attachContainer(ctx.engine.containers, rec, {
    stdin: forwardsStdin ? input : undefined,
    stdout: queryBool(q, 'stdout'),
    stderr: queryBool(q, 'stderr'),
    logs: queryBool(q, 'logs'),
    stream: queryBool(q, 'stream'),
    detachKeys: q.get('detachKeys') ?? undefined,
    sink: frameSink(output, raw),
  });
  gone.addEventListener('abort', att.abort, { once: true });
  input.on('error', att.abort);
  await att.done;
}

export function registerContainerRoutes(r: Router): void {
  r.get('/containers/json', async (ctx) => {
    const q = ctx.query;
    const list = await containerList(ctx.engine.containers, { all: queryBool(q, 'all'), limit: queryInt(q, 'limit'), filters: queryFilters(q), size: queryBool(q, 'size') });
    sendJson<ContainerSummary[]>(ctx.res, 200, list);
  });

  r.post('/containers/create', async (ctx) => {
    const body = await readJson(ctx.req);
    const name = ctx.query.get('name') ?? undefined;
    const macWarning = body && typeof body === 'object' ? migrateMacAddress(body as Parameters<typeof migrateMacAddress>[0], ctx.apiVersion) : undefined;
    const result = await ctx.engine.containers.create(name || undefined, body);
    if (macWarning) result.Warnings = [...(result.Warnings ?? []), macWarning];
    sendJson<ContainerCreateResponse>(ctx.res, 201, result);
  });

  r.get('/containers/:id/json', async (ctx) => {
    const svc = ctx.engine.containers;
    const rec = svc.get(ctx.params.id);
    sendJson<ContainerInspect>(ctx.res, 200, inspectContainer(svc, rec, { sizes: queryBool(ctx.query, 'size') ? await svc.sizes(rec.id) : undefined }));
  });

  r.post('/containers/:id/start', async (ctx) => {
    if (ctx.query.get('checkpoint')) throw new InvalidArgumentError('checkpoints are not supported');
    await ctx.engine.containers.start(ctx.params.id);
    sendNoContent(ctx.res);
  });

  r.post('/containers/:id/stop', async (ctx) => {
    await ctx.engine.containers.stop(ctx.params.id, { timeout: queryInt(ctx.query, 't'), signal: ctx.query.get('signal') ?? undefined });
    sendNoContent(ctx.res);
  });

  r.post('/containers/:id/restart', async (ctx) => {
    await ctx.engine.containers.restart(ctx.params.id, queryInt(ctx.query, 't'), ctx.query.get('signal') ?? undefined);
    sendNoContent(ctx.res);
  });

  r.post('/containers/:id/kill', async (ctx) => {
    await ctx.engine.containers.kill(ctx.params.id, ctx.query.get('signal') ?? undefined);
    sendNoContent(ctx.res);
  });

  r.post('/containers/:id/pause', async (ctx) => {
    await ctx.engine.containers.pause(ctx.params.id);
    sendNoContent(ctx.res);
  });

  r.post('/containers/:id/unpause', async (ctx) => {
    await ctx.engine.containers.unpause(ctx.params.id);
    sendNoContent(ctx.res);
  });

  r.post('/containers/:id/rename', async (ctx) => {
    await ctx.engine.containers.rename(ctx.params.id, ctx.query.get('name') ?? '');
    sendNoContent(ctx.res);
  });

  r.post('/containers/:id/resize', async (ctx) => {
    await ctx.engine.containers.resize(ctx.params.id, queryInt(ctx.query, 'h') ?? 0, queryInt(ctx.query, 'w') ?? 0);
    sendNoContent(ctx.res, 200);
  });

  r.post('/containers/:id/update', async (ctx) => {
    const body = await readJson<ContainerUpdateBody>(ctx.req, {});
    const warnings = await ctx.engine.containers.update(ctx.params.id, body);
    sendJson<ContainerUpdateResponse>(ctx.res, 200, { Warnings: warnings });
  });

  // `:id*`: a link's name has a slash (`docker rm --link web/db` → DELETE /containers/web/db?link=1).
  r.delete('/containers/:id*', async (ctx) => {
    if (queryBool(ctx.query, 'link')) {
      await ctx.engine.containers.removeLink(ctx.params.id);
      sendNoContent(ctx.res);
      return;
    }
    await ctx.engine.containers.remove(ctx.params.id, { force: queryBool(ctx.query, 'force'), volumes: queryBool(ctx.query, 'v') });
    sendNoContent(ctx.res);
  });

  r.post('/containers/:id/wait', async (ctx) => {
    const cond = ctx.query.get('condition') || 'not-running';
    if (!['not-running', 'next-exit', 'removed'].includes(cond)) throw new InvalidArgumentError(`invalid condition: "${cond}"`);
    const svc = ctx.engine.containers;
    svc.get(ctx.params.id);
    // Headers go out at once (the docker CLI waits for them before it starts the container).
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    ctx.res.flushHeaders();
    const ac = new AbortController();
    ctx.res.on('close', () => ac.abort());
    try {
      const result = await svc.wait(ctx.params.id, cond as any, ac.signal);
      ctx.res.end(JSON.stringify(result) + '\n');
    } catch (e: any) {
      ctx.res.end(JSON.stringify({ StatusCode: -1, Error: { Message: String(e?.message ?? e) } }) + '\n');
    }
  });

  r.post('/containers/:id/attach', async (ctx) => {
    const svc = ctx.engine.containers;
    const rec = svc.get(ctx.params.id);
    const q = ctx.query;
    const detachKeys = q.get('detachKeys') ?? undefined;
    // Bad keys are dockerd's 400, before the stream is opened.
    if (detachKeys) parseDetachKeys(detachKeys);
    const raw = openRawStream(ctx, rec.config.Tty);
    await attachOver(ctx, rec, raw.input, raw.output, raw.gone, rec.config.Tty);
    raw.end();
  });

  // The same attach over a WebSocket (browsers, dockerd's attach/ws): raw output, no stream
  // headers even without a TTY, as dockerd's (MuxStreams false); binary frames from API 1.28.
  r.get('/containers/:id/attach/ws', async (ctx) => {
    const svc = ctx.engine.containers;
    const rec = svc.get(ctx.params.id);
    const q = ctx.query;
    const detachKeys = q.get('detachKeys') ?? undefined;
    if (detachKeys) parseDetachKeys(detachKeys);
    const key = checkWebSocketRequest(ctx.req.headers);
    if (!ctx.upgrade) throw new InvalidArgumentError('not a websocket handshake');
    const ws = acceptWebSocket(ctx.upgrade.socket, key, ctx.upgrade.head, apiVersionAtLeast(ctx.apiVersion, '1.28'));
    await attachOver(ctx, rec, ws.input, ws.output, ws.gone, true);
    ws.output.end();
  });

  r.get('/containers/:id/logs', async (ctx) => {
    const svc = ctx.engine.containers;
    const rec = svc.get(ctx.params.id);
    const q = ctx.query;
    const stdout = queryBool(q, 'stdout');
    const stderr = queryBool(q, 'stderr');
    if (!stdout && !stderr) throw new InvalidArgumentError('Bad parameters: you must choose at least one stream');
    const tailRaw = q.get('tail');
    const tail = !tailRaw || tailRaw === 'all' ? undefined : Number(tailRaw);
    if (tail !== undefined && !Number.isFinite(tail)) throw new InvalidArgumentError(`invalid value for "tail": ${tailRaw}`);
    assertLogsReadable(svc, rec);
    ctx.res.writeHead(200, { 'Content-Type': rec.config.Tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream' });
    ctx.res.flushHeaders();
    const s = streamLogs(svc, rec, {
      stdout,
      stderr,
      follow: queryBool(q, 'follow'),
      since: parseLogTime(q.get('since')),
      until: parseLogTime(q.get('until')),
      tail: tail !== undefined && tail < 0 ? undefined : tail,
      timestamps: queryBool(q, 'timestamps'),
      sink: frameSink(ctx.res, rec.config.Tty),
    });
    clientGone(ctx).addEventListener('abort', s.abort, { once: true });
    await s.done;
    ctx.res.end();
  });

  r.get('/containers/:id/top', async (ctx) => {
    sendJson<ContainerTopResponse>(ctx.res, 200, await ctx.engine.containers.top(ctx.params.id, ctx.query.get('ps_args') || undefined));
  });

  r.get('/containers/:id/changes', async (ctx) => {
    const changes = await ctx.engine.files.changes(ctx.params.id);
    sendJson<FilesystemChange[] | null>(ctx.res, 200, changes.length ? changes : null);
  });

  r.get('/containers/:id/export', async (ctx) => {
    const stream = await ctx.engine.files.export(ctx.params.id);
    ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    await sendStream(stream, ctx.res);
  });

  r.head('/containers/:id/archive', async (ctx) => {
    const st = await ctx.engine.files.stat(ctx.params.id, requirePath(ctx));
    ctx.res.writeHead(200, { 'X-Docker-Container-Path-Stat': Buffer.from(JSON.stringify(st)).toString('base64'), 'Content-Type': 'application/json' });
    ctx.res.end();
  });

  r.get('/containers/:id/archive', async (ctx) => {
    const { stat, stream } = await ctx.engine.files.getArchive(ctx.params.id, requirePath(ctx));
    ctx.res.writeHead(200, { 'X-Docker-Container-Path-Stat': Buffer.from(JSON.stringify(stat)).toString('base64'), 'Content-Type': 'application/x-tar' });
    await sendStream(stream, ctx.res);
  });

  r.put('/containers/:id/archive', async (ctx) => {
    await ctx.engine.files.putArchive(ctx.params.id, requirePath(ctx), ctx.req, {
      noOverwriteDirNonDir: queryBool(ctx.query, 'noOverwriteDirNonDir'),
      copyUIDGID: queryBool(ctx.query, 'copyUIDGID'),
    });
    ctx.res.writeHead(200, { 'Content-Length': 0 });
    ctx.res.end();
  });

  r.post('/containers/prune', async (ctx) => {
    sendJson<ContainerPruneResponse>(ctx.res, 200, await ctx.engine.containers.prune(containerPruneFilter(queryFilters(ctx.query))));
  });

  r.get('/containers/:id/stats', async (ctx) => {
    const svc = ctx.engine.containers;
    const stream = queryBool(ctx.query, 'stream', true);
    if (!stream) {
      const stats = await statsOnce(svc, ctx.params.id, queryBool(ctx.query, 'one-shot'), clientGone(ctx));
      if (stats) sendJson<ContainerStats>(ctx.res, 200, stats);
      return;
    }
    const first = firstStatsFrame(svc, ctx.params.id);
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    const write = (sample: unknown) => ctx.res.write(JSON.stringify(sample) + '\n');
    write(first);
    await watchStats(svc, first, clientGone(ctx), write);
    ctx.res.end();
  });

  r.post('/commit', async (ctx) => {
    const q = ctx.query;
    const body = await readJson(ctx.req, {});
    const container = q.get('container');
    if (!container) throw new InvalidArgumentError('container is required');
    const img = await ctx.engine.files.commit(container, {
      repo: q.get('repo') || undefined,
      tag: q.get('tag') || undefined,
      comment: q.get('comment') || undefined,
      author: q.get('author') || undefined,
      changes: q.getAll('changes').flatMap((c) => c.split('\n')).filter(Boolean),
      pause: queryBool(q, 'pause', true),
      config: body,
    });
    sendJson<IdResponse>(ctx.res, 201, { Id: img.id });
  });
}

function requirePath(ctx: Ctx): string {
  const p = ctx.query.get('path');
  if (!p) throw new InvalidArgumentError('path is required');
  return p;
}
