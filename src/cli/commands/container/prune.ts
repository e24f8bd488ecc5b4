// berth container prune: remove all stopped containers.
import type { Cli, CommandSpec } from '../../cli.js';
import { humanSize } from '../../format/units.js';
import { FORCE_FLAG, confirm } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'container prune [OPTIONS]',
  description: 'Remove all stopped containers',
  flags: [{ name: 'filter', kind: 'list', desc: 'Provide filter values (e.g. "until=<timestamp>")' }, FORCE_FLAG],
  maxArgs: 0,
};

export default async function prune(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  if (!flags.bool('force') && !(await confirm(cli, 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue?'))) return 0;
  const r = await cli.client().containers.prune({ filters: flags.list('filter') });
  let out = '';
  if (r.ContainersDeleted?.length) out += `Deleted Containers:\n${r.ContainersDeleted.join('\n')}\n\n`;
  out += `Total reclaimed space: ${humanSize(r.SpaceReclaimed ?? 0)}\n`;
  cli.out(out);
  return 0;
}
