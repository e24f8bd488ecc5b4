// berth compose wait: block until the services' containers stop; print their exit codes.
import type { Cli, CommandSpec } from '../../cli.js';
import { down } from '../../../compose/down.js';
import { projectContainers } from '../../../compose/observe.js';
import { openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose wait SERVICE [SERVICE...] [OPTIONS]',
  description: 'Block until containers of all (or specified) services stop.',
  flags: [{ name: 'down-project', kind: 'bool', desc: 'Drops project when the first container stops' }],
  minArgs: 1,
};

export default async function wait(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session: s } = await openProject(cli, { optional: true });
  const containers = await projectContainers(s.client, s.project.name, { services: flags.positionals });
  const codes = containers.map((c) => s.client.containers.wait(c.Id, { condition: 'not-running' }).then((r) => r.StatusCode));
  let last = 0;
  if (flags.bool('down-project')) {
    last = await Promise.race(codes);
    cli.out(`${last}\n`);
    await down(s, {});
    return last;
  }
  for (const code of codes) {
    last = await code;
    cli.out(`${last}\n`);
  }
  return last;
}
