// berth volume inspect: details of volumes.
import type { Cli, CommandSpec } from '../../cli.js';
import { INSPECT_FORMAT_FLAG, inspectEach } from '../inspect-helper.js';

export const spec: CommandSpec = { usage: 'volume inspect [OPTIONS] VOLUME [VOLUME...]', description: 'Display detailed information on one or more volumes', flags: [INSPECT_FORMAT_FLAG], minArgs: 1 };

export default async function inspect(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  return inspectEach(cli, flags.positionals, flags.string('format'), (n) => cli.client().volumes.inspect(n));
}
