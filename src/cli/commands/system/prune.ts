// berth system prune: remove stopped containers, unused networks, dangling (or all unused)
// images, build cache and, with --volumes, unused anonymous volumes.
import type { Cli, CommandSpec } from '../../cli.js';
import { humanSize } from '../../format/units.js';
import { FORCE_FLAG, confirm } from '../helpers.js';

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
  const client = cli.client();
  const filters = flags.list('filter');
  let reclaimed = 0;
  let out = '';
  const c = await client.containers.prune({ filters });
  reclaimed += c.SpaceReclaimed ?? 0;
  if (c.ContainersDeleted?.length) out += `Deleted Containers:\n${c.ContainersDeleted.join('\n')}\n\n`;
  const n = await client.networks.prune({ filters });
  if (n.NetworksDeleted?.length) out += `Deleted Networks:\n${n.NetworksDeleted.join('\n')}\n\n`;
  if (flags.bool('volumes')) {
    const v = await client.volumes.prune({ filters });
    reclaimed += v.SpaceReclaimed ?? 0;
    if (v.VolumesDeleted?.length) out += `Deleted Volumes:\n${v.VolumesDeleted.join('\n')}\n\n`;
  }
  const i = await client.images.prune({ filters: [...filters, `dangling=${all ? 'false' : 'true'}`] });
  reclaimed += i.SpaceReclaimed ?? 0;
  if (i.ImagesDeleted?.length) {
    out += 'Deleted Images:\n';
    for (const d of i.ImagesDeleted) out += d.Untagged ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted}\n`;
    out += '\n';
  }
  try {
    const b = await client.images.pruneBuildCache({ all });
    reclaimed += b.SpaceReclaimed ?? 0;
    if (b.CachesDeleted?.length) out += `Deleted build cache objects:\n${b.CachesDeleted.join('\n')}\n\n`;
  } catch {
    // A daemon without a build cache endpoint has nothing to prune there.
  }
  out += `Total reclaimed space: ${humanSize(reclaimed)}\n`;
  cli.out(out);
  return 0;
}
