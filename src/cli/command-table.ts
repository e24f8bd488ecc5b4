// Every command, by the words that name it, as the id of the module that implements it
// (src/cli/commands/<id>.ts). Data only, so the launcher (src/cli/launch.ts) can pick the bundle
// for a call without loading any command; src/cli/commands.ts maps ids to the modules.

const container: Record<string, string> = {
  attach: 'container/attach',
  commit: 'container/commit',
  cp: 'container/cp',
  create: 'container/create',
  diff: 'container/diff',
  exec: 'container/exec',
  export: 'container/export',
  inspect: 'container/inspect',
  kill: 'container/kill',
  logs: 'container/logs',
  ls: 'container/ls',
  pause: 'container/pause',
  port: 'container/port',
  prune: 'container/prune',
  rename: 'container/rename',
  restart: 'container/restart',
  rm: 'container/rm',
  run: 'container/run',
  start: 'container/start',
  stats: 'container/stats',
  stop: 'container/stop',
  top: 'container/top',
  unpause: 'container/unpause',
  update: 'container/update',
  wait: 'container/wait',
};
container.ps = container.ls;
container.list = container.ls;
container.remove = container.rm;

const image: Record<string, string> = {
  base: 'image/base',
  build: 'image/build',
  history: 'image/history',
  import: 'image/import',
  inspect: 'image/inspect',
  load: 'image/load',
  ls: 'image/ls',
  prune: 'image/prune',
  pull: 'image/pull',
  push: 'image/push',
  rm: 'image/rm',
  save: 'image/save',
  tag: 'image/tag',
};
image.list = image.ls;
image.remove = image.rm;

const volume: Record<string, string> = {
  create: 'volume/create',
  inspect: 'volume/inspect',
  ls: 'volume/ls',
  prune: 'volume/prune',
  rm: 'volume/rm',
};
volume.list = volume.ls;
volume.remove = volume.rm;

const network: Record<string, string> = {
  connect: 'network/connect',
  create: 'network/create',
  disconnect: 'network/disconnect',
  inspect: 'network/inspect',
  ls: 'network/ls',
  prune: 'network/prune',
  rm: 'network/rm',
};
network.list = network.ls;
network.remove = network.rm;

const system: Record<string, string> = {
  df: 'system/df',
  events: 'system/events',
  info: 'system/info',
  prune: 'system/prune',
};

const registry: Record<string, string> = {
  gc: 'system/registry-gc',
  serve: 'system/registry-serve',
};

/** berth compose (src/cli/commands/compose/): one line per verb. */
const compose: Record<string, string> = {
  build: 'compose/build',
  config: 'compose/config',
  cp: 'compose/cp',
  create: 'compose/create',
  down: 'compose/down',
  events: 'compose/events',
  exec: 'compose/exec',
  images: 'compose/images',
  kill: 'compose/kill',
  logs: 'compose/logs',
  ls: 'compose/ls',
  pause: 'compose/pause',
  port: 'compose/port',
  ps: 'compose/ps',
  pull: 'compose/pull',
  push: 'compose/push',
  restart: 'compose/restart',
  rm: 'compose/rm',
  run: 'compose/run',
  start: 'compose/start',
  stop: 'compose/stop',
  top: 'compose/top',
  unpause: 'compose/unpause',
  up: 'compose/up',
  version: 'compose/version',
  wait: 'compose/wait',
  watch: 'compose/watch',
};

export const GROUPS: Record<string, Record<string, string>> = { container, image, volume, network, system, registry, compose };

/**
 * Groups whose own options come between the group word and the verb (`compose -f a.yml -p x up`),
 * by the options that take a value (the rest are bools). The options are handed to the command
 * as `Route.groupArgs`; the command parses them (src/cli/commands/compose/options.ts for compose).
 */
export const GROUP_OPTIONS: Record<string, { long: readonly string[]; short: readonly string[] }> = {
  compose: {
    long: ['file', 'project-name', 'profile', 'env-file', 'project-directory', 'ansi', 'progress', 'parallel', 'workdir'],
    short: ['f', 'p'],
  },
};

/** Docker's top-level shortcuts. */
export const TOP_LEVEL: Record<string, string> = {
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
  inspect: 'system/inspect',
  dashboard: 'system/dashboard',
  events: system.events,
  info: system.info,
  version: 'system/version',
  login: 'system/login',
  logout: 'system/logout',
};

export interface Route {
  /** The command path as typed, e.g. "container ls". */
  path: string;
  /** Module id, e.g. "container/ls". */
  module: string;
  /** The arguments after the command words. */
  rest: string[];
  /** The group's own options, given between the group word and the verb (see GROUP_OPTIONS). */
  groupArgs?: string[];
}

/** Index of the first word after the group's options in argv (argv[0] is the group word). */
function skipGroupOptions(argv: string[], options: { long: readonly string[]; short: readonly string[] }): number {
  let i = 1;
  while (i < argv.length) {
    const arg = argv[i];
    if (arg === '--' || !arg.startsWith('-') || arg === '-') break;
    if (arg.startsWith('--')) {
      i += !arg.includes('=') && options.long.includes(arg.slice(2)) ? 2 : 1;
      continue;
    }
    // A bundle of shorthands: the first one taking a value takes the rest, or the next word.
    let takesNext = false;
    for (let j = 1; j < arg.length; j++) {
      if (options.short.includes(arg[j])) {
        takesNext = j === arg.length - 1;
        break;
      }
    }
    i += takesNext ? 2 : 1;
  }
  return i;
}

/** Finds the command named by the first words of argv ("container ls", "ps", …). */
export function routeCommand(argv: string[]): Route | { group: string; word?: string } | undefined {
  const [first] = argv;
  const group = Object.hasOwn(GROUPS, first) ? GROUPS[first] : undefined;
  if (group) {
    const at = Object.hasOwn(GROUP_OPTIONS, first) ? skipGroupOptions(argv, GROUP_OPTIONS[first]) : 1;
    const word = argv[at];
    if (word !== undefined && Object.hasOwn(group, word)) {
      const route: Route = { path: `${first} ${word}`, module: group[word], rest: argv.slice(at + 1) };
      if (at > 1) route.groupArgs = argv.slice(1, at);
      return route;
    }
    return word === undefined ? { group: first } : { group: first, word };
  }
  if (Object.hasOwn(TOP_LEVEL, first)) return { path: first, module: TOP_LEVEL[first], rest: argv.slice(1) };
  return undefined;
}

/** Every module id, once. */
export const COMMAND_MODULES: readonly string[] = [...new Set([...Object.values(GROUPS).flatMap((g) => Object.values(g)), ...Object.values(TOP_LEVEL)])].sort();
