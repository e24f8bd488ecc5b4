// berth kill: send a signal (default KILL) to one or more running containers.
import type { Cli, CommandSpec } from '../../cli.js';
import { forEachTarget } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'kill [OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Kill one or more running containers',
  flags: [{ name: 'signal', short: 's', kind: 'string', desc: 'Signal to send to the container' }],
  minArgs: 1,
};

export default async function kill(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const signal = flags.string('signal') || undefined;
  return forEachTarget(cli, flags.positionals, (c) => cli.client().containers.kill(c, { signal }));
}
