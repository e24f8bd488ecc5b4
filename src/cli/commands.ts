// Every command, by the words that name it. Each entry loads only its own module, so a call
// runs the code of one verb (the bundle keeps the others unevaluated).
import type { Cli, CommandSpec } from './cli.js';

export interface CommandModule {
  spec: CommandSpec;
  default: (cli: Cli, argv: string[]) => Promise<number | void>;
}

type Loader = () => Promise<CommandModule>;

const container: Record<string, Loader> = {
  attach: () => import('./commands/container/attach.js'),
  commit: () => import('./commands/container/commit.js'),
  cp: () => import('./commands/container/cp.js'),
  create: () => import('./commands/container/create.js'),
  diff: () => import('./commands/container/diff.js'),
  exec: () => import('./commands/container/exec.js'),
  export: () => import('./commands/container/export.js'),
  inspect: () => import('./commands/container/inspect.js'),
  kill: () => import('./commands/container/kill.js'),
  logs: () => import('./commands/container/logs.js'),
  ls: () => import('./commands/container/ls.js'),
  pause: () => import('./commands/container/pause.js'),
  port: () => import('./commands/container/port.js'),
  prune: () => import('./commands/container/prune.js'),
  rename: () => import('./commands/container/rename.js'),
  restart: () => import('./commands/container/restart.js'),
  rm: () => import('./commands/container/rm.js'),
  run: () => import('./commands/container/run.js'),
  start: () => import('./commands/container/start.js'),
  stats: () => import('./commands/container/stats.js'),
  stop: () => import('./commands/container/stop.js'),
  top: () => import('./commands/container/top.js'),
  unpause: () => import('./commands/container/unpause.js'),
  update: () => import('./commands/container/update.js'),
  wait: () => import('./commands/container/wait.js'),
};
container.ps = container.ls;
container.list = container.ls;
container.remove = container.rm;

const image: Record<string, Loader> = {
  base: () => import('./commands/image/base.js'),
  build: () => import('./commands/image/build.js'),
  history: () => import('./commands/image/history.js'),
  import: () => import('./commands/image/import.js'),
  inspect: () => import('./commands/image/inspect.js'),
  load: () => import('./commands/image/load.js'),
  ls: () => import('./commands/image/ls.js'),
  prune: () => import('./commands/image/prune.js'),
  pull: () => import('./commands/image/pull.js'),
  push: () => import('./commands/image/push.js'),
  rm: () => import('./commands/image/rm.js'),
  save: () => import('./commands/image/save.js'),
  tag: () => import('./commands/image/tag.js'),
};
image.list = image.ls;
image.remove = image.rm;

const volume: Record<string, Loader> = {
  create: () => import('./commands/volume/create.js'),
  inspect: () => import('./commands/volume/inspect.js'),
  ls: () => import('./commands/volume/ls.js'),
  prune: () => import('./commands/volume/prune.js'),
  rm: () => import('./commands/volume/rm.js'),
};
volume.list = volume.ls;
volume.remove = volume.rm;

const network: Record<string, Loader> = {
  connect: () => import('./commands/network/connect.js'),
  create: () => import('./commands/network/create.js'),
  disconnect: () => import('./commands/network/disconnect.js'),
  inspect: () => import('./commands/network/inspect.js'),
  ls: () => import('./commands/network/ls.js'),
  prune: () => import('./commands/network/prune.js'),
  rm: () => import('./commands/network/rm.js'),
};
network.list = network.ls;
network.remove = network.rm;

const system: Record<string, Loader> = {
  df: () => import('./commands/system/df.js'),
  events: () => import('./commands/system/events.js'),
  info: () => import('./commands/system/info.js'),
  prune: () => import('./commands/system/prune.js'),
};

const registry: Record<string, Loader> = {
  serve: () => import('./commands/system/registry-serve.js'),
};

export const GROUPS: Record<string, Record<string, Loader>> = { container, image, volume, network, system, registry };

/** Docker's top-level shortcuts. */
export const TOP_LEVEL: Record<string, Loader> = {
  attach: container.attach,
  commit: container.commit,
  cp: container.cp,
  create: container.create,
  diff: container.diff,
  exec: container.exec,
  export: container.export,
  kill: container.kill,
  logs: container.logs,
  pause: container.pause,
  port: container.port,
  ps: container.ls,
  rename: container.rename,
  restart: container.restart,
  rm: container.rm,
  run: container.run,
  start: container.start,
  stats: container.stats,
  stop: container.stop,
  top: container.top,
  unpause: container.unpause,
  update: container.update,
  wait: container.wait,
  images: image.ls,
  build: image.build,
  history: image.history,
  import: image.import,
  load: image.load,
  pull: image.pull,
  push: image.push,
  rmi: image.rm,
  save: image.save,
  tag: image.tag,
  inspect: () => import('./commands/system/inspect.js'),
  events: system.events,
  info: system.info,
  version: () => import('./commands/system/version.js'),
  login: () => import('./commands/system/login.js'),
  logout: () => import('./commands/system/logout.js'),
  compose: () => import('./commands/system/compose.js'),
};

export interface Resolved {
  path: string;
  load: Loader;
  rest: string[];
}

/** Finds the command named by the first words of argv ("container ls", "ps", …). */
export function resolveCommand(argv: string[]): Resolved | { group: string } | undefined {
  const [first, second] = argv;
  const group = GROUPS[first];
  if (group) {
    if (second !== undefined && group[second]) return { path: `${first} ${second}`, load: group[second], rest: argv.slice(2) };
    return { group: first };
  }
  if (TOP_LEVEL[first]) return { path: first, load: TOP_LEVEL[first], rest: argv.slice(1) };
  return undefined;
}
