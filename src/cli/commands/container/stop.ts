// berth stop: stop one or more running containers (SIGTERM, then SIGKILL after the timeout).
import type { Cli, CommandSpec } from '../../cli.js';
import { forEachTarget } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'stop [OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Stop one or more running containers',
  flags: [
    { name: 'signal', short: 's', kind: 'string', desc: 'Signal to send to the container' },
    { name: 'time', short: 't', kind: 'int', desc: 'Seconds to wait before killing the container', aliases: ['timeout'] },
  ],
  minArgs: 1,
};

export default async function stop(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const opts = { signal: flags.string('signal') || undefined, timeout: flags.changed('time') ? flags.int('time') : undefined };
  return forEachTarget(cli, flags.positionals, (c) => cli.client().containers.stop(c, opts));
}
