// berth compose images: the images the project's containers use.
import type { Cli, CommandSpec } from '../../cli.js';
import { renderRows, shortId } from '../../format/formatter.js';
import { humanSize } from '../../format/units.js';
import { canonicalName, serviceOf } from '../../../compose/naming.js';
import { projectContainers } from '../../../compose/observe.js';
import { splitTag } from '../../../compose/images.js';
import { openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose images [OPTIONS] [SERVICE...]',
  description: 'List images used by the created containers',
  flags: [
    { name: 'format', kind: 'string', desc: 'Format the output. Values: [table | json]' },
    { name: 'quiet', short: 'q', kind: 'bool', desc: 'Only display IDs' },
  ],
};

export default async function images(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session: s } = await openProject(cli, { optional: true });
  const containers = await projectContainers(s.client, s.project.name, { services: flags.positionals, oneOff: 'include' });
  const rows = [];
  for (const c of containers) {
    const img = await s.client.images.inspect(c.ImageID || c.Image);
    const ref = img.RepoTags?.[0] ?? c.Image;
    const { name, tag } = splitTag(ref);
    rows.push({ ContainerName: canonicalName(c), Repository: name, Tag: tag ?? 'latest', ID: img.Id, Size: img.Size ?? 0, Service: serviceOf(c) });
  }
  if (flags.bool('quiet')) {
    cli.out([...new Set(rows.map((r) => shortId(r.ID)))].map((i) => `${i}\n`).join(''));
    return 0;
  }
  if (flags.string('format') === 'json') {
    cli.out(`${JSON.stringify(rows)}\n`);
    return 0;
  }
  const table = rows.map((r) => ({ ...r, ID: shortId(r.ID), Size: humanSize(r.Size) }));
  cli.out(
    renderRows('', 'table {{.ContainerName}}\t{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Size}}', table, { ContainerName: 'CONTAINER', Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', Size: 'SIZE' }),
  );
  return 0;
}
