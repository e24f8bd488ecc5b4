// `berth compose`'s own options, typed between `compose` and the verb (`compose -f a.yml -p x up`).
// The router hands them over as cli.groupArgs (see GROUP_OPTIONS in src/cli/command-table.ts);
// every compose verb calls composeOptions(cli) to read them.
import type { Cli } from '../../cli.js';
import { parseFlags, type FlagDef } from '../../flags.js';
import { UsageError } from '../../errors.js';
import type { LoadOptions } from '../../../compose/loader/options.js';
import { readStream } from '../helpers.js';

export const COMPOSE_FLAGS: FlagDef[] = [
  { name: 'ansi', kind: 'string', default: 'auto', desc: 'Control when to print ANSI control characters ("never"|"always"|"auto")' },
  { name: 'env-file', kind: 'list', desc: 'Specify an alternate environment file' },
  { name: 'file', short: 'f', kind: 'list', desc: 'Compose configuration files' },
  { name: 'parallel', kind: 'int', default: '-1', desc: 'Control max parallelism, -1 for unlimited' },
  { name: 'profile', kind: 'list', desc: 'Specify a profile to enable' },
  { name: 'progress', kind: 'string', desc: 'Set type of progress output (auto, tty, plain, json, quiet)' },
  { name: 'project-directory', kind: 'string', aliases: ['workdir'], desc: 'Specify an alternate working directory' },
  { name: 'project-name', short: 'p', kind: 'string', desc: 'Project name' },
  { name: 'compatibility', kind: 'bool', hidden: true },
  { name: 'dry-run', kind: 'bool', desc: 'Execute command in dry run mode' },
  { name: 'all-resources', kind: 'bool', hidden: true },
  { name: 'verbose', kind: 'bool', hidden: true },
];

export interface ComposeOptions {
  /** What to hand to loadProject (src/compose/loader). */
  load: LoadOptions;
  ansi: 'never' | 'always' | 'auto';
  progress: string;
  /** Max parallel operations; -1 = unlimited. */
  parallel: number;
  dryRun: boolean;
}

/** Reads the compose options given before the verb. */
export function composeOptions(cli: Cli): ComposeOptions {
  const flags = parseFlags(COMPOSE_FLAGS, cli.groupArgs);
  if (flags.positionals.length) throw new UsageError(`unknown command "${flags.positionals[0]}" for "${'berth compose'}"`);
  const ansi = flags.string('ansi');
  if (ansi !== 'never' && ansi !== 'always' && ansi !== 'auto') throw new UsageError(`invalid --ansi value "${ansi}": must be one of never, always, auto`);
  const env = process.env;
  const load: LoadOptions = {
    files: flags.list('file'),
    projectName: flags.optString('project-name') || undefined,
    projectDirectory: flags.optString('project-directory') || undefined,
    profiles: flags.list('profile'),
    envFiles: flags.list('env-file'),
    env,
    cwd: process.cwd(),
    stdin: async () => (await readStream(cli.stdin)).toString('utf8'),
    warn: (message) => cli.err(`WARN[0000] ${message}\n`),
  };
  return {
    load,
    ansi,
    progress: flags.string('progress') || env.COMPOSE_PROGRESS || 'auto',
    parallel: flags.changed('parallel') ? flags.int('parallel') : Number(env.COMPOSE_PARALLEL_LIMIT ?? -1),
    dryRun: flags.bool('dry-run'),
  };
}
