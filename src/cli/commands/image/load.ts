// berth load: images from a docker-save tar archive (file or stdin).
import { createReadStream } from 'node:fs';
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError } from '../../errors.js';
import { renderProgress } from '../../format/progress.js';

export const spec: CommandSpec = {
  usage: 'load [OPTIONS]',
  description: 'Load an image from a tar archive or STDIN',
  flags: [
    { name: 'input', short: 'i', kind: 'string', desc: 'Read from tar archive file, instead of STDIN' },
    { name: 'platform', kind: 'list', desc: 'Load only the given platform variant' },
    { name: 'quiet', short: 'q', kind: 'bool', desc: 'Suppress the load output' },
  ],
  maxArgs: 0,
};

/** POSTs an archive to /images/load and renders the answer; shared with `image base`. */
export async function loadArchive(cli: Cli, archive: NodeJS.ReadableStream, quiet: boolean): Promise<void> {
  const stream = cli.client().images.load(archive, { quiet });
  await renderProgress(stream, cli.stdout);
}

export default async function load(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const input = flags.string('input');
  if (!input && cli.stdin.isTTY) throw new StatusError('requested load from stdin, but stdin is empty', 1);
  const source = input ? createReadStream(input) : cli.stdin;
  await loadArchive(cli, source, flags.bool('quiet') || !cli.stdout.isTTY);
  return 0;
}
