// berth pause: pause all processes within one or more containers.
import type { Cli, CommandSpec } from '../../cli.js';
import { forEachTarget } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'pause CONTAINER [CONTAINER...]',
  description: 'Pause all processes within one or more containers',
  flags: [],
  minArgs: 1,
};

export default async function pause(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  return forEachTarget(cli, flags.positionals, (c) => cli.client().containers.pause(c));
}
