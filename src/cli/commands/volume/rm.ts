// berth volume rm: remove volumes (-f ignores missing ones).
import type { Cli, CommandSpec } from '../../cli.js';
import { forEachTarget } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'volume rm [OPTIONS] VOLUME [VOLUME...]',
  description: 'Remove one or more volumes',
  flags: [{ name: 'force', short: 'f', kind: 'bool', desc: 'Force the removal of one or more volumes' }],
  minArgs: 1,
};

export default async function rm(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  return forEachTarget(cli, flags.positionals, (v) => cli.client().volumes.remove(v, { force: flags.bool('force') }));
}
