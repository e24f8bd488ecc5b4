// Command modules by id (see command-table.ts). Each entry loads only its own module, so a call
// runs the code of one verb. The import paths must stay literal, `./commands/<id>.js`: esbuild
// follows them, and scripts/build.mjs gives every id a bundle of its own by keeping that one
// import and replacing the others with a stub (this file is matched by name there).
import type { Cli, CommandSpec } from './cli.js';
import { GROUPS, routeCommand, type Route } from './command-table.js';

export { GROUPS };

export interface CommandModule {
  spec: CommandSpec;
  default: (cli: Cli, argv: string[]) => Promise<number | void>;
}

type Loader = () => Promise<CommandModule>;

export const LOADERS: Record<string, Loader> = {
  'compose/build': () => import('./commands/compose/build.js'),
  'compose/config': () => import('./commands/compose/config.js'),
  'compose/cp': () => import('./commands/compose/cp.js'),
  'compose/create': () => import('./commands/compose/create.js'),
  'compose/down': () => import('./commands/compose/down.js'),
  'compose/events': () => import('./commands/compose/events.js'),
  'compose/exec': () => import('./commands/compose/exec.js'),
  'compose/images': () => import('./commands/compose/images.js'),
  'compose/kill': () => import('./commands/compose/kill.js'),
  'compose/logs': () => import('./commands/compose/logs.js'),
  'compose/ls': () => import('./commands/compose/ls.js'),
  'compose/pause': () => import('./commands/compose/pause.js'),
  'compose/port': () => import('./commands/compose/port.js'),
  'compose/ps': () => import('./commands/compose/ps.js'),
  'compose/pull': () => import('./commands/compose/pull.js'),
  'compose/push': () => import('./commands/compose/push.js'),
  'compose/restart': () => import('./commands/compose/restart.js'),
  'compose/rm': () => import('./commands/compose/rm.js'),
  'compose/run': () => import('./commands/compose/run.js'),
  'compose/start': () => import('./commands/compose/start.js'),
  'compose/stop': () => import('./commands/compose/stop.js'),
  'compose/top': () => import('./commands/compose/top.js'),
  'compose/unpause': () => import('./commands/compose/unpause.js'),
  'compose/up': () => import('./commands/compose/up.js'),
  'compose/version': () => import('./commands/compose/version.js'),
  'compose/wait': () => import('./commands/compose/wait.js'),
  'compose/watch': () => import('./commands/compose/watch.js'),
  'container/attach': () => import('./commands/container/attach.js'),
  'container/commit': () => import('./commands/container/commit.js'),
  'container/cp': () => import('./commands/container/cp.js'),
  'container/create': () => import('./commands/container/create.js'),
  'container/diff': () => import('./commands/container/diff.js'),
  'container/exec': () => import('./commands/container/exec.js'),
  'container/export': () => import('./commands/container/export.js'),
  'container/inspect': () => import('./commands/container/inspect.js'),
  'container/kill': () => import('./commands/container/kill.js'),
  'container/logs': () => import('./commands/container/logs.js'),
  'container/ls': () => import('./commands/container/ls.js'),
  'container/pause': () => import('./commands/container/pause.js'),
  'container/port': () => import('./commands/container/port.js'),
  'container/prune': () => import('./commands/container/prune.js'),
  'container/rename': () => import('./commands/container/rename.js'),
  'container/restart': () => import('./commands/container/restart.js'),
  'container/rm': () => import('./commands/container/rm.js'),
  'container/run': () => import('./commands/container/run.js'),
  'container/start': () => import('./commands/container/start.js'),
  'container/stats': () => import('./commands/container/stats.js'),
  'container/stop': () => import('./commands/container/stop.js'),
  'container/top': () => import('./commands/container/top.js'),
  'container/unpause': () => import('./commands/container/unpause.js'),
  'container/update': () => import('./commands/container/update.js'),
  'container/wait': () => import('./commands/container/wait.js'),
  'image/base': () => import('./commands/image/base.js'),
  'image/build': () => import('./commands/image/build.js'),
  'image/history': () => import('./commands/image/history.js'),
  'image/import': () => import('./commands/image/import.js'),
  'image/inspect': () => import('./commands/image/inspect.js'),
  'image/load': () => import('./commands/image/load.js'),
  'image/ls': () => import('./commands/image/ls.js'),
  'image/prune': () => import('./commands/image/prune.js'),
  'image/pull': () => import('./commands/image/pull.js'),
  'image/push': () => import('./commands/image/push.js'),
  'image/rm': () => import('./commands/image/rm.js'),
  'image/save': () => import('./commands/image/save.js'),
  'image/tag': () => import('./commands/image/tag.js'),
  'network/connect': () => import('./commands/network/connect.js'),
  'network/create': () => import('./commands/network/create.js'),
  'network/disconnect': () => import('./commands/network/disconnect.js'),
  'network/inspect': () => import('./commands/network/inspect.js'),
  'network/ls': () => import('./commands/network/ls.js'),
  'network/prune': () => import('./commands/network/prune.js'),
  'network/rm': () => import('./commands/network/rm.js'),
  'system/dashboard': () => import('./commands/system/dashboard.js'),
  'system/df': () => import('./commands/system/df.js'),
  'system/events': () => import('./commands/system/events.js'),
  'system/info': () => import('./commands/system/info.js'),
  'system/inspect': () => import('./commands/system/inspect.js'),
  'system/login': () => import('./commands/system/login.js'),
  'system/logout': () => import('./commands/system/logout.js'),
  'system/prune': () => import('./commands/system/prune.js'),
  'system/registry-gc': () => import('./commands/system/registry-gc.js'),
  'system/registry-serve': () => import('./commands/system/registry-serve.js'),
  'system/version': () => import('./commands/system/version.js'),
  'volume/create': () => import('./commands/volume/create.js'),
  'volume/inspect': () => import('./commands/volume/inspect.js'),
  'volume/ls': () => import('./commands/volume/ls.js'),
  'volume/prune': () => import('./commands/volume/prune.js'),
  'volume/rm': () => import('./commands/volume/rm.js'),
};

export interface Resolved extends Route {
  load: Loader;
}

/** Finds the command named by the first words of argv ("container ls", "ps", …). */
export function resolveCommand(argv: string[]): Resolved | { group: string; word?: string } | undefined {
  const route = routeCommand(argv);
  if (!route || 'group' in route) return route;
  return { ...route, load: LOADERS[route.module] };
}
