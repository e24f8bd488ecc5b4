// berth logs: a container's output (demultiplexed unless it has a TTY), optionally followed.
import type { Cli, CommandSpec } from '../../cli.js';
import { copyRawTo, demuxTo } from '../../../client/demux.js';
import { parseTimestamp } from '../../format/timestamps.js';

export const spec: CommandSpec = {
  usage: 'logs [OPTIONS] CONTAINER',
  description: 'Fetch the logs of a container',
  flags: [
    { name: 'details', kind: 'bool', desc: 'Show extra details provided to logs' },
    { name: 'follow', short: 'f', kind: 'bool', desc: 'Follow log output' },
    { name: 'since', kind: 'string', desc: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
    { name: 'tail', short: 'n', kind: 'string', desc: 'Number of lines to show from the end of the logs', default: 'all' },
    { name: 'timestamps', short: 't', kind: 'bool', desc: 'Show timestamps' },
    { name: 'until', kind: 'string', desc: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
  ],
  minArgs: 1,
  maxArgs: 1,
};

export default async function logs(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const [name] = flags.positionals;
  const client = cli.client();
  const info = await client.containers.inspect(name);
  const now = Date.now();
  const res = await client.containers.logs(info.Id, {
    stderr: true,
    stdout: true,
    since: flags.string('since') ? parseTimestamp(flags.string('since'), now) : undefined,
    until: flags.string('until') ? parseTimestamp(flags.string('until'), now) : undefined,
    timestamps: flags.bool('timestamps'),
    follow: flags.bool('follow'),
    tail: flags.string('tail'),
    details: flags.bool('details'),
  });
  if (info.Config?.Tty) await copyRawTo(res, cli.stdout);
  else await demuxTo(res, { stdout: cli.stdout, stderr: cli.stderr });
  return 0;
}
