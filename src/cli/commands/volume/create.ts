// berth volume create: make a volume; prints its name.
import type { Cli, CommandSpec } from '../../cli.js';
import { UsageError } from '../../errors.js';
import type { VolumeCreateBody } from '../../../api-types/volumes.js';
import { parseLabels } from '../container/create-opts.js';

export const spec: CommandSpec = {
  usage: 'volume create [OPTIONS] [VOLUME]',
  description: 'Create a volume',
  flags: [
    { name: 'driver', short: 'd', kind: 'string', desc: 'Specify volume driver name', default: 'local' },
    { name: 'label', kind: 'list', desc: 'Set metadata for a volume' },
    { name: 'name', kind: 'string', hidden: true },
    { name: 'opt', short: 'o', kind: 'list', desc: 'Set driver specific options' },
  ],
  maxArgs: 1,
};

export default async function create(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const name = flags.positionals[0] ?? flags.string('name');
  if (flags.positionals[0] && flags.string('name') && flags.string('name') !== flags.positionals[0]) {
    throw new UsageError(`conflicting options: cannot specify a volume-name through both --name and as a positional arg`);
  }
  const opts: Record<string, string> = {};
  for (const o of flags.list('opt')) {
    const eq = o.indexOf('=');
    opts[eq >= 0 ? o.slice(0, eq) : o] = eq >= 0 ? o.slice(eq + 1) : '';
  }
  const body: VolumeCreateBody = { Driver: flags.string('driver') };
  if (Object.keys(opts).length) body.DriverOpts = opts;
  if (flags.list('label').length) body.Labels = parseLabels(flags.list('label'));
  if (name) body.Name = name;
  const v = await cli.client().volumes.create(body);
  cli.out(`${v.Name}\n`);
  return 0;
}
