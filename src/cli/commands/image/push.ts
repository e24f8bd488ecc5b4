// berth push: upload an image to its registry through the daemon.
import type { Cli, CommandSpec } from '../../cli.js';
import { UsageError } from '../../errors.js';
import { encodeAuthHeader, lookupAuth, readConfig } from '../../auth.js';
import { renderProgress } from '../../format/progress.js';
import { familiarName, parseImageRef } from '../../reference.js';

export const spec: CommandSpec = {
  usage: 'push [OPTIONS] NAME[:TAG]',
  description: 'Upload an image to a registry',
  flags: [
    { name: 'all-tags', short: 'a', kind: 'bool', desc: 'Push all tags of an image to the repository' },
    { name: 'disable-content-trust', kind: 'bool', hidden: true, default: 'true' },
    { name: 'platform', kind: 'string', desc: 'Push a platform-specific manifest as a single-platform image' },
    { name: 'quiet', short: 'q', kind: 'bool', desc: 'Suppress verbose output' },
  ],
  minArgs: 1,
  maxArgs: 1,
};

export default async function push(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  let ref;
  try {
    ref = parseImageRef(flags.positionals[0]);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const allTags = flags.bool('all-tags');
  if (allTags && ref.tag) throw new UsageError('tag can\'t be used with --all-tags/-a');
  const tag = allTags ? undefined : (ref.tag ?? 'latest');
  if (!allTags && !ref.tag && !flags.bool('quiet')) cli.out('Using default tag: latest\n');
  const auth = lookupAuth(readConfig(cli.globals.configDir), ref.domain);
  const name = familiarName(ref);
  const stream = cli.client().images.push(name, { tag, platform: flags.string('platform') || undefined, registryAuth: encodeAuthHeader(auth) });
  if (flags.bool('quiet')) {
    await renderProgress(stream, { write: () => true });
    cli.out(`${name}${tag ? `:${tag}` : ''}\n`);
  } else await renderProgress(stream, cli.stdout);
  return 0;
}
