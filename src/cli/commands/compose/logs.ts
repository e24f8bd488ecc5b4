// berth compose logs: the output of the project's containers, prefixed with their names.
import type { Cli, CommandSpec } from '../../cli.js';
import { parseTimestamp } from '../../format/timestamps.js';
import { LogPrinter, printLogs } from '../../../compose/log-printer.js';
import { shortName } from '../../../compose/naming.js';
import { projectContainers } from '../../../compose/observe.js';
import { openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose logs [OPTIONS] [SERVICE...]',
  description: 'View output from containers',
  flags: [
    { name: 'follow', short: 'f', kind: 'bool', desc: 'Follow log output' },
    { name: 'tail', short: 'n', kind: 'string', default: 'all', desc: 'Number of lines to show from the end of the logs for each container' },
    { name: 'timestamps', short: 't', kind: 'bool', desc: 'Show timestamps' },
    { name: 'since', kind: 'string', desc: 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' },
    { name: 'until', kind: 'string', desc: 'Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' },
    { name: 'no-color', kind: 'bool', desc: 'Produce monochrome output' },
    { name: 'no-log-prefix', kind: 'bool', desc: "Don't print prefix in logs" },
    { name: 'index', kind: 'int', desc: 'index of the container if service has multiple replicas' },
  ],
};

export default async function logs(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session } = await openProject(cli, { optional: true });
  let containers = await projectContainers(session.client, session.project.name, { services: flags.positionals, oneOff: 'exclude' });
  if (flags.changed('index')) containers = containers.filter((c) => c.Labels?.['com.docker.compose.container-number'] === String(flags.int('index')));
  const printer = new LogPrinter((t) => cli.out(t), (t) => cli.err(t), { color: !flags.bool('no-color') && !!cli.stdout.isTTY, prefix: !flags.bool('no-log-prefix') });
  const names = containers.map((c) => shortName(session.project.name, c));
  for (const n of names) printer.register(n);
  const since = flags.string('since') ? parseTimestamp(flags.string('since')) : undefined;
  const until = flags.string('until') ? parseTimestamp(flags.string('until')) : undefined;
  await Promise.all(
    containers.map(async (c, i) => {
      const tty = !!(await session.client.containers.inspect(c.Id)).Config.Tty;
      await printLogs(session.client, c.Id, names[i], printer, {
        follow: flags.bool('follow'),
        tail: flags.string('tail'),
        timestamps: flags.bool('timestamps'),
        since,
        until,
        tty,
      });
    }),
  );
  return 0;
}
