// berth compose down: stop and remove the project's containers and networks (-v: volumes too).
import type { Cli, CommandSpec } from '../../cli.js';
import { UsageError } from '../../errors.js';
import { down as downProject } from '../../../compose/down.js';
import { fail, openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose down [OPTIONS] [SERVICES]',
  description: 'Stop and remove containers, networks',
  flags: [
    { name: 'volumes', short: 'v', kind: 'bool', desc: 'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers' },
    { name: 'rmi', kind: 'string', desc: 'Remove images used by services. "local" remove only images that don\'t have a custom tag ("local"|"all")' },
    { name: 'remove-orphans', kind: 'bool', desc: 'Remove containers for services not defined in the Compose file' },
    { name: 'timeout', short: 't', kind: 'int', desc: 'Specify a shutdown timeout in seconds' },
  ],
};

export default async function down(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const rmi = flags.string('rmi');
  if (rmi && rmi !== 'local' && rmi !== 'all') throw new UsageError(`invalid value for --rmi: ${rmi}`);
  const { session } = await openProject(cli, { optional: true });
  try {
    await downProject(session, {
      volumes: flags.bool('volumes'),
      removeOrphans: flags.bool('remove-orphans'),
      rmi: (rmi || undefined) as 'local' | 'all' | undefined,
      timeout: flags.changed('timeout') ? flags.int('timeout') : undefined,
      services: flags.positionals,
    });
  } catch (e) {
    fail(e);
  }
  return 0;
}
