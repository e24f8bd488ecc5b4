// berth compose version: the compose implementation's version, as `docker compose version` prints it.
import type { Cli, CommandSpec } from '../../cli.js';
import { BERTH_VERSION } from '../../../version.js';
import { UsageError } from '../../errors.js';

export const spec: CommandSpec = {
  usage: 'compose version [OPTIONS]',
  description: 'Show the berth compose version information',
  flags: [
    { name: 'format', short: 'f', kind: 'string', desc: 'Format the output. Values: [pretty | json]' },
    { name: 'short', kind: 'bool', desc: "Shows only berth compose's version number" },
  ],
  maxArgs: 0,
};

export default async function version(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const v = `v${BERTH_VERSION}`;
  const format = flags.string('format');
  if (flags.bool('short')) cli.out(`${BERTH_VERSION}\n`);
  else if (format === 'json') cli.out(`${JSON.stringify({ version: v })}\n`);
  else if (format === '' || format === 'pretty') cli.out(`berth compose version ${v}\n`);
  else throw new UsageError(`unsupported format: "${format}"`);
  return 0;
}
