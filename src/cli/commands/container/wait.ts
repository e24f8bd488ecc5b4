// berth wait: block until containers stop, then print their exit codes.
import type { Cli, CommandSpec } from '../../cli.js';
import { forEachTarget } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'wait CONTAINER [CONTAINER...]',
  description: 'Block until one or more containers stop, then print their exit codes',
  flags: [],
  minArgs: 1,
};

export default async function wait(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  return forEachTarget(cli, flags.positionals, async (c) => {
    const r = await cli.client().containers.wait(c);
    if (r.Error?.Message) throw new Error(r.Error.Message);
    return String(r.StatusCode);
  });
}
