// berth stats: CPU, memory, network and block I/O of containers; --no-stream prints once.
import type { Cli, CommandSpec } from '../../cli.js';
import { renderRows, shortId } from '../../format/formatter.js';
import { bytesSize, humanSize } from '../../format/units.js';
import { FORMAT_FLAG } from '../helpers.js';
import type { ContainerStats } from '../../../api-types/containers.js';
import { statsUsage } from '../../../client/stats-usage.js';

export const spec: CommandSpec = {
  usage: 'stats [OPTIONS] [CONTAINER...]',
  description: 'Display a live stream of container(s) resource usage statistics',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', desc: 'Show all containers (default shows just running)' },
    FORMAT_FLAG,
    { name: 'no-stream', kind: 'bool', desc: 'Disable streaming stats and only pull the first result' },
    { name: 'no-trunc', kind: 'bool', desc: "Don't truncate output" },
  ],
};

type ApiStats = ContainerStats;

const HEADERS = {
  Container: 'CONTAINER',
  ID: 'CONTAINER ID',
  Name: 'NAME',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
};

/** One row computed as docker's stats helpers do (cgroup v1 and v2 memory accounting). */
export function statsRow(container: string, s: ApiStats, trunc: boolean): Record<string, string> {
  const { cpuPercent: cpu, memUsage: mem, memLimit: limit, netRx: rx, netTx: tx, blockRead: read, blockWrite: write, pids } = statsUsage(s);
  const id = s.id ?? container;
  return {
    BlockIO: `${humanSize(read)} / ${humanSize(write)}`,
    CPUPerc: `${cpu.toFixed(2)}%`,
    Container: container,
    ID: trunc ? shortId(id) : id,
    MemPerc: `${(limit ? (mem / limit) * 100 : 0).toFixed(2)}%`,
    MemUsage: `${bytesSize(mem)} / ${bytesSize(limit)}`,
    Name: (s.name ?? '').replace(/^\//, ''),
    NetIO: `${humanSize(rx)} / ${humanSize(tx)}`,
    PIDs: String(pids),
  };
}

export default async function stats(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const client = cli.client();
  const trunc = !flags.bool('no-trunc');
  const defaultTable = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
  const targets = async () =>
    flags.positionals.length ? flags.positionals : (await client.containers.list({ all: flags.bool('all') })).map((c) => c.Id);
  const once = async () => {
    // In parallel: each sample takes the daemon's two readings about a second apart.
    const rows = await Promise.all((await targets()).map(async (c) => statsRow(c, await client.containers.stats(c), trunc)));
    return renderRows(flags.string('format'), defaultTable, rows, HEADERS);
  };
  if (flags.bool('no-stream')) {
    cli.out(await once());
    return 0;
  }
  for (;;) {
    const text = await once();
    cli.out(`\x1b[2J\x1b[H${text}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
