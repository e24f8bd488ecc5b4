// berth network rm: remove networks.
import type { Cli, CommandSpec } from '../../cli.js';
import { forEachTarget } from '../helpers.js';
import { isNotFound } from '../../../client/errors.js';

export const spec: CommandSpec = {
  usage: 'network rm NETWORK [NETWORK...]',
  description: 'Remove one or more networks',
  flags: [{ name: 'force', short: 'f', kind: 'bool', desc: 'Do not error if the network does not exist' }],
  minArgs: 1,
};

export default async function rm(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  return forEachTarget(cli, flags.positionals, async (n) => {
    try {
      await cli.client().networks.remove(n);
    } catch (e) {
      if (flags.bool('force') && isNotFound(e)) return;
      throw e;
    }
  });
}
