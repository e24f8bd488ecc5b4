// berth import: a filesystem image from a tarball (file, URL or `-` for stdin).
import { createReadStream } from 'node:fs';
import type { Cli, CommandSpec } from '../../cli.js';
import { renderProgress } from '../../format/progress.js';
import { familiarName, parseImageRef } from '../../reference.js';
import { UsageError } from '../../errors.js';

export const spec: CommandSpec = {
  usage: 'import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  description: 'Import the contents from a tarball to create a filesystem image',
  flags: [
    { name: 'change', short: 'c', kind: 'list', desc: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', kind: 'string', desc: 'Set commit message for imported image' },
    { name: 'platform', kind: 'string', desc: 'Set platform if server is multi-platform capable' },
  ],
  minArgs: 1,
  maxArgs: 2,
};

export default async function importImage(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const [source, reference] = flags.positionals;
  let repo: string | undefined;
  let tag: string | undefined;
  if (reference) {
    try {
      const ref = parseImageRef(reference);
      repo = familiarName(ref);
      tag = ref.tag;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const isUrl = /^https?:\/\//.test(source);
  const body = source === '-' ? cli.stdin : isUrl ? undefined : createReadStream(source);
  const stream = cli.client().images.importArchive(body, {
    fromSrc: isUrl ? source : '-',
    repo,
    tag,
    message: flags.string('message') || undefined,
    platform: flags.string('platform') || undefined,
    changes: flags.list('change'),
  });
  await renderProgress(stream, cli.stdout);
  return 0;
}
