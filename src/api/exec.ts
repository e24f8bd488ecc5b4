// Engine API routes for exec sessions: create, start (hijacked stream), resize, inspect.
import type { Router } from './router.js';
import { openRawStream, queryInt, readJson, sendJson, sendNoContent } from './http.js';
import { frameSink } from './containers.js';
import type { IdResponse } from '../api-types/common.js';

export function registerExecRoutes(r: Router): void {
  r.post('/containers/:id/exec', async (ctx) => {
    const body = await readJson(ctx.req);
    sendJson<IdResponse>(ctx.res, 201, ctx.engine.execs.create(ctx.params.id, body));
  });

  r.post('/exec/:id/start', async (ctx) => {
    const body = await readJson<{ Detach?: boolean; Tty?: boolean; ConsoleSize?: [number, number] }>(ctx.req, {});
    const execs = ctx.engine.execs;
    const session = execs.get(ctx.params.id);
    const tty = body.Tty ?? !!session.config.Tty;
    if (body.Detach) {
      await execs.start(ctx.params.id, { detach: true, tty });
      sendNoContent(ctx.res, 200);
      return;
    }
    // Errors before the stream opens are plain HTTP errors (the CLI shows them).
    const raw = openRawStream(ctx, tty);
    // Input nobody forwards is read and dropped, so the client's EOF (and going) is seen.
    if (!session.config.AttachStdin) raw.input.resume();
    try {
      const run = await execs.start(ctx.params.id, {
        detach: false,
        tty,
        stdin: session.config.AttachStdin ? raw.input : undefined,
        sink: frameSink(raw.output, tty),
        consoleSize: body.ConsoleSize,
        // The client may go while the process is being started: the engine lets go of it then.
        signal: raw.gone,
      });
      await run.done;
    } catch (e: any) {
      frameSink(raw.output, tty).write('stderr', Buffer.from(`${e?.message ?? e}\n`));
    }
    raw.end();
  });

  r.post('/exec/:id/resize', async (ctx) => {
    await ctx.engine.execs.resize(ctx.params.id, queryInt(ctx.query, 'h') ?? 0, queryInt(ctx.query, 'w') ?? 0);
    sendNoContent(ctx.res, 200);
  });

  r.get('/exec/:id/json', (ctx) => sendJson(ctx.res, 200, ctx.engine.execs.inspect(ctx.params.id)));
}
