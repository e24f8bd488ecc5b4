// berth network inspect: details of networks.
import type { Cli, CommandSpec } from '../../cli.js';
import { INSPECT_FORMAT_FLAG, inspectEach } from '../inspect-helper.js';

export const spec: CommandSpec = {
  usage: 'network inspect [OPTIONS] NETWORK [NETWORK...]',
  description: 'Display detailed information on one or more networks',
  flags: [INSPECT_FORMAT_FLAG, { name: 'verbose', short: 'v', kind: 'bool', desc: 'Verbose output for diagnostics' }],
  minArgs: 1,
};

export default async function inspect(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  return inspectEach(cli, flags.positionals, flags.string('format'), (n) => cli.client().networks.inspect(n, { verbose: flags.bool('verbose') }));
}
