// berth rename: rename a container.
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError } from '../../errors.js';
import { describeError } from '../../../client/errors.js';

export const spec: CommandSpec = { usage: 'rename CONTAINER NEW_NAME', description: 'Rename a container', flags: [], minArgs: 2, maxArgs: 2 };

export default async function rename(cli: Cli, argv: string[]): Promise<number> {
  const [oldName, newName] = cli.parse(spec, argv).positionals;
  if (!newName.trim() || !oldName.trim()) throw new StatusError('Error: Neither old nor new names may be empty', 1);
  try {
    await cli.client().containers.rename(oldName, newName);
  } catch (e) {
    throw new StatusError(`${describeError(e)}\nError: failed to rename container named ${oldName}`, 1);
  }
  return 0;
}
