// berth top: the running processes of a container, as `ps` on the daemon's host shows them.
import type { Cli, CommandSpec } from '../../cli.js';
import { tabwrite } from '../../format/table.js';

export const spec: CommandSpec = { usage: 'top CONTAINER [ps OPTIONS]', description: 'Display the running processes of a container', flags: [], minArgs: 1, stopAtPositional: 1 };

export default async function top(cli: Cli, argv: string[]): Promise<number> {
  const [c, ...psArgs] = cli.parse(spec, argv).positionals;
  const r = await cli.client().containers.top(c, { psArgs: psArgs.length ? psArgs.join(' ') : undefined });
  let text = r.Titles.join('\t') + '\n';
  for (const p of r.Processes ?? []) text += p.join('\t') + '\n';
  cli.out(tabwrite(text, { minWidth: 20, padding: 3 }));
  return 0;
}
