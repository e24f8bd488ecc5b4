// berth save: images as a docker-save tar archive, to -o FILE or stdout.
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError } from '../../errors.js';

export const spec: CommandSpec = {
  usage: 'save [OPTIONS] IMAGE [IMAGE...]',
  description: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  flags: [
    { name: 'output', short: 'o', kind: 'string', desc: 'Write to a file, instead of STDOUT' },
    { name: 'platform', kind: 'list', desc: 'Save only the given platform variant' },
  ],
  minArgs: 1,
};

export default async function save(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const output = flags.string('output');
  if (!output && cli.stdout.isTTY) throw new StatusError('cowardly refusing to save to a terminal. Use the -o flag or redirect', 1);
  const res = await cli.client().images.save(flags.positionals);
  if (output) {
    const tmp = `${output}.tmp-${process.pid}`;
    await pipeline(res, createWriteStream(tmp));
    (await import('node:fs')).renameSync(tmp, output);
  } else await pipeline(res, cli.stdout, { end: false });
  return 0;
}
