// berth export: a container's filesystem as a tar archive, to -o FILE or stdout.
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError } from '../../errors.js';

export const spec: CommandSpec = {
  usage: 'export [OPTIONS] CONTAINER',
  description: "Export a container's filesystem as a tar archive",
  flags: [{ name: 'output', short: 'o', kind: 'string', desc: 'Write to a file, instead of STDOUT' }],
  minArgs: 1,
  maxArgs: 1,
};

export default async function exportContainer(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const output = flags.string('output');
  if (!output && cli.stdout.isTTY) throw new StatusError('cowardly refusing to save to a terminal. Use the -o flag or redirect', 1);
  const res = await cli.client().containers.export(flags.positionals[0]);
  await pipeline(res, output ? createWriteStream(output) : cli.stdout, { end: Boolean(output) });
  return 0;
}
