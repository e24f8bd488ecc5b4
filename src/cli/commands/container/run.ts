// berth run: create (pulling if needed), attach, register the wait, start, stream until the
// container exits, and exit with its status, in the docker CLI's order of calls.
import { ApiError } from '../../../client/errors.js';
import type { Cli, CommandSpec } from '../../cli.js';
import { PROG } from '../../cli.js';
import { StatusError } from '../../errors.js';
import { monitorResize, proxySignals, streamHijacked, type StreamSession } from '../../attach.js';
import { CREATE_FLAGS, RUN_ONLY_FLAGS, buildCreateRequest } from './create-opts.js';
import { createContainer, createEnv, startFailureStatus } from './create-flow.js';
import type { ContainerWaitResponse } from '../../../api-types/containers.js';
import { settled } from '../../../util/best-effort.js';

export const spec: CommandSpec = {
  usage: 'run [OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create and run a new container from an image',
  // Plain code-point order (flag names are ASCII): localeCompare would start ICU's collator,
  // ~14 ms of every `berth run`.
  flags: [...CREATE_FLAGS, ...RUN_ONLY_FLAGS].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  minArgs: 1,
  stopAtPositional: 1,
};

/** After the output ends: a container still running means the user detached (ctrl-p ctrl-q). */
async function detachedWhileRunning(cli: Cli, id: string, waited: Promise<unknown>): Promise<boolean> {
  const settled = await Promise.race([waited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 250))]);
  if (settled) return false;
  try {
    const info = await cli.client().containers.inspect(id);
    return Boolean(info.State?.Running);
  } catch {
    return false;
  }
}

export default async function run(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const detach = flags.bool('detach');
  const req = buildCreateRequest(flags, createEnv(cli), { detach });
  const { config } = req;
  if (config.Tty && config.AttachStdin && !cli.stdin.isTTY) {
    throw new StatusError('the input device is not a TTY', 1);
  }
  const created = await createContainer(cli, req, 'run', flags.bool('quiet'));
  const id = created.Id;
  const client = cli.client();

  if (detach) {
    try {
      await client.containers.start(id);
    } catch (e) {
      const msg = e instanceof ApiError ? `Error response from daemon: ${e.message}` : (e as Error).message;
      throw new StatusError(`${PROG}: ${msg.replace(/\.$/, '')}.`, startFailureStatus(msg));
    }
    cli.out(`${id}\n`);
    return 0;
  }

  // Attach and wait are independent of each other: both requests go out together, and start
  // waits for both, so no output is lost and the exit cannot be missed (docker sends them one after
  // the other; together saves a round trip of every `berth run`).
  const attach =
    config.AttachStdin || config.AttachStdout || config.AttachStderr
      ? client.containers.attach(id, {
          stderr: config.AttachStderr,
          stdin: config.AttachStdin,
          stdout: config.AttachStdout,
          stream: true,
          detachKeys: flags.string('detach-keys') || undefined,
        })
      : undefined;
  const wait = client.containers.registerWait(id, { condition: req.autoRemove ? 'removed' : 'next-exit' });
  const [attached, pendingWait] = await Promise.allSettled([attach, wait]);
  const session: StreamSession | undefined =
    attached.status === 'fulfilled' && attached.value ? streamHijacked(cli, attached.value, { tty: config.Tty, stdin: config.AttachStdin }) : undefined;
  if (attached.status === 'rejected' || pendingWait.status === 'rejected') {
    session?.close();
    if (pendingWait.status === 'fulfilled') void settled(pendingWait.value.result); // the start error is the one to report
    throw attached.status === 'rejected' ? attached.reason : (pendingWait as PromiseRejectedResult).reason;
  }
  const waited: Promise<ContainerWaitResponse> = pendingWait.value.result;

  try {
    await client.containers.start(id);
  } catch (e) {
    session?.close();
    const msg = e instanceof ApiError ? `Error response from daemon: ${e.message}` : (e as Error).message;
    cli.err(`${PROG}: ${msg.replace(/\.$/, '')}.\n`);
    if (req.autoRemove) await settled(waited);
    return startFailureStatus(msg);
  }

  const stopResize = config.Tty && cli.stdout.isTTY ? monitorResize(cli, (size) => client.containers.resize(id, size)) : undefined;
  const stopSignals = !config.Tty && flags.bool('sig-proxy') ? proxySignals(cli, id) : undefined;
  try {
    if (session) {
      await session.output.catch((e: Error) => cli.err(`${e.message}\n`));
      if (await detachedWhileRunning(cli, id, waited)) {
        session.close();
        return 0;
      }
    }
    const result = await waited;
    session?.close();
    if (result.Error?.Message) {
      cli.err(`Error waiting for container: ${result.Error.Message}\n`);
      return 125;
    }
    return result.StatusCode;
  } finally {
    stopResize?.();
    stopSignals?.();
  }
}

