// berth start: start stopped containers; with -a attach to one and exit with its status.
import { ApiError } from '../../../client/errors.js';
import type { Cli, CommandSpec } from '../../cli.js';
import { PROG } from '../../cli.js';
import { StatusError } from '../../errors.js';
import { monitorResize, proxySignals, streamHijacked } from '../../attach.js';
import { forEachTarget } from '../helpers.js';
import { startFailureStatus } from './create-flow.js';
import { orUndefined } from '../../../util/best-effort.js';

export const spec: CommandSpec = {
  usage: 'start [OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Start one or more stopped containers',
  flags: [
    { name: 'attach', short: 'a', kind: 'bool', desc: 'Attach STDOUT/STDERR and forward signals' },
    { name: 'detach-keys', kind: 'string', desc: 'Override the key sequence for detaching a container' },
    { name: 'interactive', short: 'i', kind: 'bool', desc: "Attach container's STDIN" },
  ],
  minArgs: 1,
};

export default async function start(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const attach = flags.bool('attach') || flags.bool('interactive');
  if (!attach) return forEachTarget(cli, flags.positionals, (c) => cli.client().containers.start(c));
  if (flags.positionals.length > 1) throw new StatusError('you cannot start and attach multiple containers at once', 1);
  const client = cli.client();
  const c = await client.containers.inspect(flags.positionals[0]);
  const tty = Boolean(c.Config.Tty);
  const stdin = flags.bool('interactive') && Boolean(c.Config.OpenStdin);
  if (tty && stdin && !cli.stdin.isTTY) throw new StatusError('the input device is not a TTY', 1);
  const conn = await client.containers.attach(c.Id, { stderr: true, stdin, stdout: true, stream: true, detachKeys: flags.string('detach-keys') || undefined });
  const session = streamHijacked(cli, conn, { tty, stdin });
  const waited = (await client.containers.registerWait(c.Id, { condition: c.HostConfig?.AutoRemove ? 'removed' : 'next-exit' })).result;
  try {
    await client.containers.start(c.Id);
  } catch (e) {
    session.close();
    const msg = e instanceof ApiError ? `Error response from daemon: ${e.message}` : (e as Error).message;
    throw new StatusError(`${msg}\nError: failed to start containers: ${flags.positionals[0]}`, startFailureStatus(msg) === 125 ? 1 : startFailureStatus(msg));
  }
  const stopResize = tty && cli.stdout.isTTY ? monitorResize(cli, (size) => client.containers.resize(c.Id, size)) : undefined;
  const stopSignals = !tty ? proxySignals(cli, c.Id) : undefined;
  try {
    await session.output.catch((e: Error) => cli.err(`${e.message}\n`));
    const settled = await Promise.race([waited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 250))]);
    if (!settled) {
      const now = await orUndefined(client.containers.inspect(c.Id), `inspecting ${c.Id}`);
      if (now?.State?.Running) {
        session.close();
        return 0;
      }
    }
    const result = await waited;
    session.close();
    if (result.Error?.Message) throw new StatusError(`${PROG}: ${result.Error.Message}`, 125);
    return result.StatusCode;
  } finally {
    stopResize?.();
    stopSignals?.();
  }
}
