// berth compose create: create the project's containers without starting them.
import type { Cli, CommandSpec } from '../../cli.js';
import { UsageError } from '../../errors.js';
import { converge } from '../../../compose/up.js';
import { fail, openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose create [OPTIONS] [SERVICE...]',
  description: 'Creates containers for a service',
  flags: [
    { name: 'build', kind: 'bool', desc: 'Build images before starting containers' },
    { name: 'no-build', kind: 'bool', desc: "Don't build an image, even if it's policy" },
    { name: 'force-recreate', kind: 'bool', desc: "Recreate containers even if their configuration and image haven't changed" },
    { name: 'no-recreate', kind: 'bool', desc: "If containers already exist, don't recreate them. Incompatible with --force-recreate." },
    { name: 'remove-orphans', kind: 'bool', desc: 'Remove containers for services not defined in the Compose file' },
    { name: 'scale', kind: 'list', desc: 'Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.' },
    { name: 'pull', kind: 'string', desc: 'Pull image before running ("always"|"missing"|"never")' },
    { name: 'quiet-pull', kind: 'bool', desc: 'Pull without printing progress information' },
    { name: 'yes', short: 'y', kind: 'bool', desc: 'Assume "yes" as answer to all prompts and run non-interactively' },
  ],
};

export default async function create(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  if (flags.bool('force-recreate') && flags.bool('no-recreate')) throw new UsageError('--force-recreate and --no-recreate are incompatible');
  const scale: Record<string, number> = {};
  for (const v of flags.list('scale')) {
    const [k, n] = v.split('=');
    scale[k] = Number(n);
  }
  const { session } = await openProject(cli, { services: flags.positionals });
  try {
    await converge(session, {
      services: flags.positionals,
      recreate: flags.bool('force-recreate') ? 'force' : flags.bool('no-recreate') ? 'never' : 'diverged',
      removeOrphans: flags.bool('remove-orphans'),
      scale,
      pull: flags.changed('pull') ? flags.string('pull') : undefined,
      build: flags.bool('build') ? 'always' : flags.bool('no-build') ? 'never' : 'missing',
      write: (t) => cli.err(t),
    });
  } catch (e) {
    fail(e);
  }
  return 0;
}
