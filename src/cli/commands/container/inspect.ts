// berth container inspect: low-level information on containers.
import type { Cli, CommandSpec } from '../../cli.js';
import { INSPECT_FORMAT_FLAG, inspectEach } from '../inspect-helper.js';

export const spec: CommandSpec = {
  usage: 'container inspect [OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Display detailed information on one or more containers',
  flags: [INSPECT_FORMAT_FLAG, { name: 'size', short: 's', kind: 'bool', desc: 'Display total file sizes' }],
  minArgs: 1,
};

export default async function inspect(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  return inspectEach(cli, flags.positionals, flags.string('format'), (n) => cli.client().containers.inspect(n, { size: flags.bool('size') }));
}
