// Engine API routes for exec sessions: create, start (hijacked stream), resize, inspect.
import type { Router } from './router.js';
import { openRawStream, queryInt, readJson, sendJson, sendNoContent } from './http.js';
import { frameSink } from './containers.js';
import type { IdResponse } from '../api-types/common.js';
import type { ExecConfig } from '../engine/containers/exec.js';
import { matchGoFields } from './go-json.js';

const EXEC_CONFIG_FIELDS: readonly (keyof ExecConfig)[] = ['AttachStdin', 'AttachStdout', 'AttachStderr', 'DetachKeys', 'Tty', 'ConsoleSize', 'Env', 'Cmd', 'Privileged', 'User', 'WorkingDir'];

export function registerExecRoutes(r: Router): void {
  r.post('/containers/:id/exec', async (ctx) => {
    const body = matchGoFields(await readJson<ExecConfig>(ctx.req), EXEC_CONFIG_FIELDS);
    sendJson<IdResponse>(ctx.res, 201, ctx.engine.execs.create(ctx.params.id, body));
  });

  r.post('/exec/:id/start', async (ctx) => {
    const body = await readJson<{ Detach?: boolean; Tty?: boolean; ConsoleSize?: [number, number] | null }>(ctx.req, {});
    const execs = ctx.engine.execs;
    const session = execs.get(ctx.params.id);
    // As dockerd: the start request's Tty says only whether the stream is raw or multiplexed (the
    // process's terminal was decided at create), and a console size comes with a Tty or not at all.
    const rawStream = !!body.Tty;
    const consoleSize = rawStream ? (body.ConsoleSize ?? undefined) : undefined;
    if (body.Detach) {
      await execs.start(ctx.params.id, { detach: true, consoleSize });
      sendNoContent(ctx.res, 200);
      return;
    }
    // Errors before the stream opens are plain HTTP errors (the CLI shows them).
    const raw = openRawStream(ctx, rawStream);
    // Input nobody forwards is read and dropped, so the client's EOF (and going) is seen.
    if (!session.config.AttachStdin) raw.input.resume();
    const sink = frameSink(raw.output, rawStream);
    try {
      const run = await execs.start(ctx.params.id, {
        detach: false,
        stdin: session.config.AttachStdin ? raw.input : undefined,
        sink,
        consoleSize,
        // The client may go while the process is being started: the engine lets go of it then.
        signal: raw.gone,
      });
      await run.done;
    } catch (e: any) {
      // dockerd writes a failed start's error on the stream's stdout; the exit code (126, 127)
      // is for the client to read from exec inspect.
      sink.write('stdout', Buffer.from(`${e?.message ?? e}\r\n`));
    }
    raw.end();
  });

  r.post('/exec/:id/resize', async (ctx) => {
    await ctx.engine.execs.resize(ctx.params.id, queryInt(ctx.query, 'h') ?? 0, queryInt(ctx.query, 'w') ?? 0);
    sendNoContent(ctx.res, 200);
  });

  r.get('/exec/:id/json', (ctx) => sendJson(ctx.res, 200, ctx.engine.execs.inspect(ctx.params.id)));
}
