// berth restart: restart one or more containers.
import type { Cli, CommandSpec } from '../../cli.js';
import { forEachTarget } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'restart [OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Restart one or more containers',
  flags: [
    { name: 'signal', short: 's', kind: 'string', desc: 'Signal to send to the container' },
    { name: 'time', short: 't', kind: 'int', desc: 'Seconds to wait before killing the container', aliases: ['timeout'] },
  ],
  minArgs: 1,
};

export default async function restart(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const opts = { signal: flags.string('signal') || undefined, timeout: flags.changed('time') ? flags.int('time') : undefined };
  return forEachTarget(cli, flags.positionals, (c) => cli.client().containers.restart(c, opts));
}
