// berth attach: connect our terminal to a running container's streams.
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError } from '../../errors.js';
import { monitorResize, proxySignals, streamHijacked } from '../../attach.js';

export const spec: CommandSpec = {
  usage: 'attach [OPTIONS] CONTAINER',
  description: "Attach local standard input, output, and error streams to a running container",
  flags: [
    { name: 'detach-keys', kind: 'string', desc: 'Override the key sequence for detaching a container' },
    { name: 'no-stdin', kind: 'bool', desc: 'Do not attach STDIN' },
    { name: 'sig-proxy', kind: 'bool', desc: 'Proxy all received signals to the process', default: 'true' },
  ],
  minArgs: 1,
  maxArgs: 1,
};

export default async function attach(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const client = cli.client();
  const c = await client.containers.inspect(flags.positionals[0]);
  if (!c.State.Running) throw new StatusError('You cannot attach to a stopped container, start it first', 1);
  if (c.State.Paused) throw new StatusError('You cannot attach to a paused container, unpause it first', 1);
  if (c.State.Restarting) throw new StatusError('You cannot attach to a restarting container, wait until it is running', 1);
  const tty = Boolean(c.Config.Tty);
  const stdin = !flags.bool('no-stdin') && Boolean(c.Config.OpenStdin);
  if (tty && stdin && !cli.stdin.isTTY) throw new StatusError('the input device is not a TTY', 1);
  const conn = await client.containers.attach(c.Id, { logs: false, stderr: true, stdin, stdout: true, stream: true, detachKeys: flags.string('detach-keys') || undefined });
  const session = streamHijacked(cli, conn, { tty, stdin });
  const stopResize = tty && cli.stdout.isTTY ? monitorResize(cli, (size) => client.containers.resize(c.Id, size)) : undefined;
  const stopSignals = !tty && flags.bool('sig-proxy') ? proxySignals(cli, c.Id) : undefined;
  try {
    await session.output.catch((e: Error) => cli.err(`${e.message}\n`));
    session.close();
    // The stream ended: the container exited (report its status) or we detached (exit 0).
    const waited = (await client.containers.registerWait(c.Id, { condition: 'not-running' })).result;
    const settled = await Promise.race([waited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 250))]);
    return settled ? settled.StatusCode : 0;
  } finally {
    stopResize?.();
    stopSignals?.();
  }
}
