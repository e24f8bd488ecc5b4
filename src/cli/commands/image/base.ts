// berth image base busybox|debian: make an offline base image on this host and load it into
// the daemon (no registry on the internet is reachable here).
import type { Readable } from 'node:stream';
import type { Cli, CommandSpec } from '../../cli.js';
import { UsageError } from '../../errors.js';
import { loadArchive } from './load.js';

export const spec: CommandSpec = {
  usage: 'image base busybox|debian',
  description: 'Make an offline base image from this host and load it',
  flags: [{ name: 'quiet', short: 'q', kind: 'bool', desc: 'Suppress the load output' }],
  minArgs: 1,
  maxArgs: 1,
};

async function archiveFor(kind: string): Promise<Readable> {
  if (kind === 'busybox') return (await import('../../../base-images/busybox.js')).busyboxImageArchive();
  if (kind === 'debian') return (await import('../../../base-images/debian.js')).debianImageArchive();
  throw new UsageError(`unknown base image "${kind}": choose busybox or debian`);
}

export default async function base(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const archive = await archiveFor(flags.positionals[0]);
  await loadArchive(cli, archive, flags.bool('quiet'));
  return 0;
}
