// berth network disconnect: detach a container from a network.
import type { Cli, CommandSpec } from '../../cli.js';

export const spec: CommandSpec = {
  usage: 'network disconnect [OPTIONS] NETWORK CONTAINER',
  description: 'Disconnect a container from a network',
  flags: [{ name: 'force', short: 'f', kind: 'bool', desc: 'Force the container to disconnect from a network' }],
  minArgs: 2,
  maxArgs: 2,
};

export default async function disconnect(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const [network, container] = flags.positionals;
  await cli.client().networks.disconnect(network, { Container: container, Force: flags.bool('force') });
  return 0;
}
