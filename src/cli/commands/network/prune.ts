// berth network prune: remove networks no container uses.
import type { Cli, CommandSpec } from '../../cli.js';
import { FORCE_FLAG, confirm } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'network prune [OPTIONS]',
  description: 'Remove all unused networks',
  flags: [{ name: 'filter', kind: 'list', desc: 'Provide filter values (e.g. "until=<timestamp>")' }, FORCE_FLAG],
  maxArgs: 0,
};

export default async function prune(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  if (!flags.bool('force') && !(await confirm(cli, 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?'))) return 0;
  const r = await cli.client().networks.prune({ filters: flags.list('filter') });
  if (r.NetworksDeleted?.length) cli.out(`Deleted Networks:\n${r.NetworksDeleted.join('\n')}\n\n`);
  return 0;
}
