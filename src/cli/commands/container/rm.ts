// berth rm: remove one or more containers (-f kills running ones, -v their anonymous volumes).
import type { Cli, CommandSpec } from '../../cli.js';
import { forEachTarget } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'rm [OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Remove one or more containers',
  flags: [
    { name: 'force', short: 'f', kind: 'bool', desc: 'Force the removal of a running container (uses SIGKILL)' },
    { name: 'link', short: 'l', kind: 'bool', desc: 'Remove the specified link' },
    { name: 'volumes', short: 'v', kind: 'bool', desc: 'Remove anonymous volumes associated with the container' },
  ],
  minArgs: 1,
};

export default async function rm(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const opts = { force: flags.bool('force'), volumes: flags.bool('volumes'), link: flags.bool('link') };
  return forEachTarget(cli, flags.positionals, async (c) => {
    if (c.replace(/^\/+/, '') === '') throw new Error('Container name cannot be empty');
    await cli.client().containers.remove(c, opts);
  });
}
