// berth pull: download an image through the daemon, with docker's progress output.
import type { Cli, CommandSpec } from '../../cli.js';
import { UsageError } from '../../errors.js';
import { pullImage } from '../../pull.js';
import { parseImageRef } from '../../reference.js';

export const spec: CommandSpec = {
  usage: 'pull [OPTIONS] NAME[:TAG|@DIGEST]',
  description: 'Download an image from a registry',
  flags: [
    { name: 'all-tags', short: 'a', kind: 'bool', desc: 'Download all tagged images in the repository' },
    { name: 'disable-content-trust', kind: 'bool', hidden: true, default: 'true' },
    { name: 'platform', kind: 'string', desc: 'Set platform if server is multi-platform capable' },
    { name: 'quiet', short: 'q', kind: 'bool', desc: 'Suppress verbose output' },
  ],
  minArgs: 1,
  maxArgs: 1,
};

export default async function pull(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const image = flags.positionals[0];
  let ref;
  try {
    ref = parseImageRef(image);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const allTags = flags.bool('all-tags');
  if (allTags && (ref.tag || ref.digest)) throw new UsageError('tag can\'t be used with --all-tags/-a');
  const quiet = flags.bool('quiet');
  if (!allTags && !ref.tag && !ref.digest && !quiet) cli.out('Using default tag: latest\n');
  const full = await pullImage(cli, image, { platform: flags.string('platform') || undefined, out: quiet ? undefined : cli.stdout, allTags });
  cli.out(`${full}\n`);
  return 0;
}
