// berth image inspect: low-level information on images.
import type { Cli, CommandSpec } from '../../cli.js';
import { INSPECT_FORMAT_FLAG, inspectEach } from '../inspect-helper.js';

export const spec: CommandSpec = {
  usage: 'image inspect [OPTIONS] IMAGE [IMAGE...]',
  description: 'Display detailed information on one or more images',
  flags: [INSPECT_FORMAT_FLAG, { name: 'platform', kind: 'string', desc: 'Inspect a specific platform of a multi-platform image' }],
  minArgs: 1,
};

export default async function inspect(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  return inspectEach(cli, flags.positionals, flags.string('format'), (n) => cli.client().images.inspect(n));
}
