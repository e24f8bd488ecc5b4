// The berth CLI's entry (dist/berth.cjs, run by bin/berth and by dist/berth.mjs): picks the bundle
// made for the command being run and starts it.
//
// Why: the CLI pays Node's start-up on every call, so a call should load only its own command.
// scripts/build.mjs makes one CommonJS bundle per command module (dist/berth-cmd/<id>.cjs, the
// dispatcher plus that one command) and one with no command at all (none.cjs) for help, version
// and usage errors. CommonJS, not ESM chunks: Node's ESM loader (resolving, reading and linking
// ~18 chunks for `run`, and the builtins' ESM facades) cost ~12 ms of CPU per call here.
import { routeCommand } from './command-table.js';
import { parseGlobals } from './globals.js';

/** The bundle holding no command: main.ts reaches no command module for these calls. */
export const NO_COMMAND_BUNDLE = 'none';

/** File name (without .cjs) of the bundle made for a command module id ("container/run"). */
export function bundleName(moduleId: string): string {
  return moduleId.replace(/\//g, '-');
}

/**
 * The bundle that can run `berth argv…`: the one of the command main.ts would load for these
 * arguments (same global-flag parsing, same word table), else the one with no command.
 */
export function bundleFor(argv: string[]): string {
  let parsed: ReturnType<typeof parseGlobals>;
  try {
    parsed = parseGlobals(argv);
  } catch {
    return NO_COMMAND_BUNDLE; // a usage error: main.ts reports it without loading a command
  }
  const { rest, version, help } = parsed;
  if (version || help || rest.length === 0 || rest[0] === 'help') return NO_COMMAND_BUNDLE;
  const route = routeCommand(rest);
  return route && 'module' in route ? bundleName(route.module) : NO_COMMAND_BUNDLE;
}

export interface CliBundle {
  runCli(argv: string[]): void;
}

/** Loads the bundle for argv from `dir` (dist/berth-cmd) with `load` (the bundle's require) and runs it. */
export function launch(dir: string, argv: string[], load: (file: string) => CliBundle): void {
  load(`${dir}/${bundleFor(argv)}.cjs`).runCli(argv);
}
