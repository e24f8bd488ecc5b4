// berth system prune: remove stopped containers, unused networks, dangling (or all unused)
// images, build cache and, with --volumes, unused anonymous volumes (client/system-prune.ts).
import type { Cli, CommandSpec } from '../../cli.js';
import { humanSize } from '../../format/units.js';
import { FORCE_FLAG, confirm } from '../helpers.js';
import { imageDeletionLine, systemPrune } from '../../../client/system-prune.js';

export const spec: CommandSpec = {
  usage: 'system prune [OPTIONS]',
  description: 'Remove unused data',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', desc: 'Remove all unused images not just dangling ones' },
    { name: 'filter', kind: 'list', desc: 'Provide filter values (e.g. "label=<key>=<value>")' },
    FORCE_FLAG,
    { name: 'volumes', kind: 'bool', desc: 'Prune anonymous volumes' },
  ],
  maxArgs: 0,
};

export default async function prune(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const all = flags.bool('all');
  const items = ['all stopped containers', 'all networks not used by at least one container'];
  if (flags.bool('volumes')) items.push('all anonymous volumes not used by at least one container');
  items.push(all ? 'all images without at least one container associated to them' : 'all dangling images');
  items.push(all ? 'all build cache' : 'unused build cache');
  const warning = `WARNING! This will remove:\n${items.map((i) => `  - ${i}`).join('\n')}\n`;
  if (!flags.bool('force') && !(await confirm(cli, `${warning}\nAre you sure you want to continue?`))) return 0;
  const r = await systemPrune(cli.client(), { all, volumes: flags.bool('volumes'), filters: flags.list('filter') });
  let out = '';
  if (r.containers.length) out += `Deleted Containers:\n${r.containers.join('\n')}\n\n`;
  if (r.networks.length) out += `Deleted Networks:\n${r.networks.join('\n')}\n\n`;
  if (r.volumes.length) out += `Deleted Volumes:\n${r.volumes.join('\n')}\n\n`;
  if (r.images.length) {
    out += 'Deleted Images:\n';
    for (const d of r.images) out += `${imageDeletionLine(d)}\n`;
    out += '\n';
  }
  if (r.buildCache.length) out += `Deleted build cache objects:\n${r.buildCache.join('\n')}\n\n`;
  out += `Total reclaimed space: ${humanSize(r.reclaimed)}\n`;
  cli.out(out);
  return 0;
}
