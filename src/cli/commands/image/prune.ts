// berth image prune: remove dangling (or, with -a, all unused) images.
import type { Cli, CommandSpec } from '../../cli.js';
import { humanSize } from '../../format/units.js';
import { FORCE_FLAG, confirm } from '../helpers.js';
import { imageDeletionLine, pruneImages } from '../../../client/system-prune.js';

export const spec: CommandSpec = {
  usage: 'image prune [OPTIONS]',
  description: 'Remove unused images',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', desc: 'Remove all unused images, not just dangling ones' },
    { name: 'filter', kind: 'list', desc: 'Provide filter values (e.g. "until=<timestamp>")' },
    FORCE_FLAG,
  ],
  maxArgs: 0,
};

export default async function prune(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const all = flags.bool('all');
  const warning = all
    ? 'WARNING! This will remove all images without at least one container associated to them.'
    : 'WARNING! This will remove all dangling images.';
  if (!flags.bool('force') && !(await confirm(cli, `${warning}\nAre you sure you want to continue?`))) return 0;
  const r = await pruneImages(cli.client(), { all, filters: flags.list('filter') });
  let out = '';
  if (r.ImagesDeleted?.length) {
    out += 'Deleted Images:\n';
    for (const d of r.ImagesDeleted) out += `${imageDeletionLine(d)}\n`;
    out += '\n';
  }
  out += `Total reclaimed space: ${humanSize(r.SpaceReclaimed ?? 0)}\n`;
  cli.out(out);
  return 0;
}
