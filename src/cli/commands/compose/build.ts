// berth compose build: build the images of services with a `build` section.
import type { Cli, CommandSpec } from '../../cli.js';
import { buildImage } from '../../../compose/images.js';
import { fail, openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose build [OPTIONS] [SERVICE...]',
  description: 'Build or rebuild services',
  flags: [
    { name: 'build-arg', kind: 'list', desc: 'Set build-time variables for services' },
    { name: 'no-cache', kind: 'bool', desc: 'Do not use cache when building the image' },
    { name: 'pull', kind: 'bool', desc: 'Always attempt to pull a newer version of the image' },
    { name: 'quiet', short: 'q', kind: 'bool', desc: "Don't print anything to STDOUT" },
    { name: 'with-dependencies', kind: 'bool', desc: 'Also build dependencies (transitively)' },
  ],
};

export default async function build(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session: s } = await openProject(cli, { services: flags.positionals });
  const names = flags.positionals.length ? flags.positionals : Object.keys(s.project.services).sort();
  const args: Record<string, string> = {};
  for (const a of flags.list('build-arg')) {
    const eq = a.indexOf('=');
    if (eq > 0) args[a.slice(0, eq)] = a.slice(eq + 1);
    else if (process.env[a] !== undefined) args[a] = process.env[a]!;
  }
  try {
    for (const name of names) {
      const svc = s.project.services[name];
      if (!svc?.build) continue;
      const withArgs = { ...svc, build: { ...svc.build, args: { ...(svc.build.args ?? {}), ...args }, no_cache: flags.bool('no-cache') || svc.build.no_cache, pull: flags.bool('pull') || svc.build.pull } };
      await buildImage(s.client, s.project, name, withArgs, s.progress, flags.bool('quiet') ? undefined : (t) => cli.err(t));
    }
  } catch (e) {
    fail(e);
  }
  return 0;
}
