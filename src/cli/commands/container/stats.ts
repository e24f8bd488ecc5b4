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

/** Container events that change which containers a `stats` without names shows. */
const WATCHED_EVENTS = ['start', 'die', 'destroy'];

export default async function stats(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const client = cli.client();
  const trunc = !flags.bool('no-trunc');
  const all = flags.bool('all');
  const named = flags.positionals;
  const defaultTable = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
  const render = (rows: Record<string, string>[]) => renderRows(flags.string('format'), defaultTable, rows, HEADERS);
  if (flags.bool('no-stream')) {
    const targets = named.length ? named : (await client.containers.list({ all })).map((c) => c.Id);
    // In parallel: each sample takes the daemon's two readings about a second apart.
    cli.out(render(await Promise.all(targets.map(async (c) => statsRow(c, await client.containers.stats(c), trunc)))));
    return 0;
  }
  // Streaming, as the docker CLI does: one stats stream per container (stream=1, the daemon
  // samples once a second), the screen redrawn when new figures arrive. Without names, the
  // containers come and go with the engine's start/die/destroy events.
  const abort = new AbortController();
  const rows = new Map<string, Record<string, string>>();
  const streams = new Map<string, AbortController>();
  let failure: Error | undefined;
  let drawQueued = false;
  const draw = () => {
    if (drawQueued) return;
    drawQueued = true;
    // Streams deliver within a few ms of each other each second: one redraw for the burst.
    setTimeout(() => {
      drawQueued = false;
      cli.out(`\x1b[2J\x1b[H${render([...rows.values()])}`);
    }, 50);
  };
  const follow = (id: string) => {
    if (streams.has(id)) return;
    const own = new AbortController();
    streams.set(id, own);
    const signal = AbortSignal.any([abort.signal, own.signal]);
    void (async () => {
      try {
        for await (const sample of client.containers.statsStream(id, { signal })) {
          rows.set(id, statsRow(id, sample, trunc));
          draw();
        }
      } catch (e) {
        if (signal.aborted) return;
        // A named container that cannot be read ends the command, as with the docker CLI.
        if (named.length) {
          failure = e as Error;
          abort.abort();
        }
      } finally {
        if (!named.length) {
          streams.delete(id);
          rows.delete(id);
          draw();
        }
      }
    })();
  };
  const forget = (id: string) => {
    streams.get(id)?.abort();
    streams.delete(id);
    rows.delete(id);
    draw();
  };
  const watching = named.length
    ? undefined
    : watchContainers(cli, all, follow, forget, abort.signal).catch((e: Error) => {
        failure = e;
        abort.abort();
      });
  const initial = named.length ? named : (await client.containers.list({ all })).map((c) => c.Id);
  for (const id of initial) follow(id);
  if (!initial.length) draw();
  await new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(), { once: true }));
  await watching;
  if (failure) throw failure;
  return 0;
}

/** Follows start/die/destroy events: started containers are added, gone ones (stopped ones without --all) dropped. */
async function watchContainers(cli: Cli, all: boolean, follow: (id: string) => void, forget: (id: string) => void, signal: AbortSignal): Promise<void> {
  try {
    for await (const e of cli.client().system.events({ filters: { type: ['container'], event: WATCHED_EVENTS }, signal })) {
      const id = e.Actor?.ID ?? e.id;
      if (!id) continue;
      const action = e.Action ?? e.status;
      if (action === 'start') follow(id);
      else if (action === 'destroy' || (action === 'die' && !all)) forget(id);
    }
  } catch (e) {
    if (!signal.aborted) throw e;
  }
}
