// berth compose logs: the output of the project's containers, prefixed with their names.
import type { Cli, CommandSpec } from '../../cli.js';
import { parseTimestamp } from '../../format/timestamps.js';
import { LogPrinter, printLogs } from '../../../compose/log-printer.js';
import type { ContainerSummary } from '../../../api-types/containers.js';
import { ComposeLabels, projectFilters, shortName } from '../../../compose/naming.js';
import { projectContainers } from '../../../compose/observe.js';
import { openProject } from './project.js';
import { bestEffort } from '../../../util/best-effort.js';

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
  const follow = flags.bool('follow');
  const opts = { follow, tail: flags.string('tail'), timestamps: flags.bool('timestamps'), since, until };
  const show = async (c: ContainerSummary, name: string, from?: { since: string }): Promise<void> => {
    const tty = !!(await session.client.containers.inspect(c.Id)).Config.Tty;
    await printLogs(session.client, c.Id, name, printer, { ...opts, ...from, tty });
  };
  if (!follow) {
    await Promise.all(containers.map((c, i) => show(c, names[i])));
    return 0;
  }
  // As Compose v2: -f also follows the project's containers that start later (a scale-up, a
  // restart, an `up` in another terminal), and ends when none it follows is running.
  const watching = new AbortController();
  const live = new Set<string>();
  /** When each container's output stream ended: a restarted container is followed from there on. */
  const endedAt = new Map<string, string>();
  let all!: () => void;
  const finished = new Promise<void>((resolve) => (all = resolve));
  const followFrom = (c: ContainerSummary, name: string, from?: { since: string }): void => {
    if (live.has(c.Id)) return;
    live.add(c.Id);
    printer.register(name);
    void show(c, name, from)
      .catch((e: unknown) => printer.status(name, `logs: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        endedAt.set(c.Id, (Date.now() / 1000).toFixed(3));
        live.delete(c.Id);
        if (!live.size) all();
      });
  };
  const startedAfter = (Date.now() / 1000).toFixed(3);
  // Ends aborted when -f is over; a broken event stream only stops picking up new containers.
  void bestEffort(async () => {
    const events = session.client.system.events({
      since: startedAfter,
      filters: { ...(projectFilters(session.project.name) as Record<string, string[]>), type: ['container'], event: ['start'] },
      signal: watching.signal,
    });
    for await (const e of events) {
      const service = e.Actor?.Attributes?.[ComposeLabels.service];
      if (flags.positionals.length && !flags.positionals.includes(service ?? '')) continue;
      const [c] = await session.client.containers.list({ all: true, filters: { id: [e.Actor?.ID ?? e.id ?? ''] } });
      // A new container from its first line (its output can precede its start event); one that
      // restarts from where its last stream ended.
      const ended = c && endedAt.get(c.Id);
      if (c) followFrom(c, shortName(session.project.name, c), ended ? { since: ended } : undefined);
    }
  }, 'following the project\'s new containers');
  containers.forEach((c, i) => followFrom(c, names[i]));
  if (!containers.length) all();
  await finished;
  watching.abort();
  return 0;
}
