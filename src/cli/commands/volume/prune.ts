// berth volume prune: remove unused volumes (anonymous ones unless -a).
import type { Cli, CommandSpec } from '../../cli.js';
import { humanSize } from '../../format/units.js';
import { FORCE_FLAG, confirm } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'volume prune [OPTIONS]',
  description: 'Remove unused local volumes',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', desc: 'Remove all unused volumes, not just anonymous ones' },
    { name: 'filter', kind: 'list', desc: 'Provide filter values (e.g. "label=<label>")' },
    FORCE_FLAG,
  ],
  maxArgs: 0,
};

export default async function prune(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const warning = flags.bool('all') ? 'WARNING! This will remove all local volumes not used by at least one container.' : 'WARNING! This will remove anonymous local volumes not used by at least one container.';
  if (!flags.bool('force') && !(await confirm(cli, `${warning}\nAre you sure you want to continue?`))) return 0;
  const filters = flags.list('filter');
  if (flags.bool('all')) filters.push('all=true');
  const r = await cli.client().volumes.prune({ filters });
  let out = '';
  if (r.VolumesDeleted?.length) out += `Deleted Volumes:\n${r.VolumesDeleted.join('\n')}\n\n`;
  out += `Total reclaimed space: ${humanSize(r.SpaceReclaimed ?? 0)}\n`;
  cli.out(out);
  return 0;
}
