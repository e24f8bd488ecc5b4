// berth compose top: the running processes of each of the project's containers.
import type { Cli, CommandSpec } from '../../cli.js';
import { tabwrite } from '../../format/table.js';
import { canonicalName } from '../../../compose/naming.js';
import { projectContainers } from '../../../compose/observe.js';
import { openProject } from './project.js';

export const spec: CommandSpec = { usage: 'compose top [SERVICES...]', description: 'Display the running processes', flags: [] };

export default async function top(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session: s } = await openProject(cli, { optional: true });
  const containers = await projectContainers(s.client, s.project.name, { services: flags.positionals, all: false });
  for (const c of containers) {
    const r = await s.client.containers.top(c.Id);
    let text = r.Titles.join('\t') + '\n';
    for (const p of r.Processes ?? []) text += p.join('\t') + '\n';
    cli.out(`${canonicalName(c)}\n${tabwrite(text, { minWidth: 0, padding: 3 })}\n`);
  }
  return 0;
}
