// berth diff: changes to files or directories on a container's filesystem ("C /etc").
import type { Cli, CommandSpec } from '../../cli.js';

export const spec: CommandSpec = { usage: 'diff CONTAINER', description: "Inspect changes to files or directories on a container's filesystem", flags: [], minArgs: 1, maxArgs: 1 };

const KINDS = ['C', 'A', 'D'];

export default async function diff(cli: Cli, argv: string[]): Promise<number> {
  const [c] = cli.parse(spec, argv).positionals;
  const changes = await cli.client().containers.changes(c);
  for (const ch of changes) cli.out(`${KINDS[ch.Kind] ?? '?'} ${ch.Path}\n`);
  return 0;
}
