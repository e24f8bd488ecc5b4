// berth compose pull: pull the images of the project's services.
import type { Cli, CommandSpec } from '../../cli.js';
import { pullImage } from '../../../compose/images.js';
import { serviceImage } from '../../../compose/naming.js';
import { fail, openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose pull [OPTIONS] [SERVICE...]',
  description: 'Pull service images',
  flags: [
    { name: 'ignore-pull-failures', kind: 'bool', desc: 'Pull what it can and ignores images with pull failures' },
    { name: 'ignore-buildable', kind: 'bool', desc: 'Ignore images that can be built' },
    { name: 'include-deps', kind: 'bool', desc: 'Also pull services declared as dependencies' },
    { name: 'quiet', short: 'q', kind: 'bool', desc: 'Pull without printing progress information' },
    { name: 'policy', kind: 'string', desc: 'Apply pull policy ("missing"|"always")' },
  ],
};

export default async function pull(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session: s } = await openProject(cli, { services: flags.positionals });
  const names = flags.positionals.length ? flags.positionals : Object.keys(s.project.services).sort();
  const failures: string[] = [];
  await Promise.all(
    names.map(async (name) => {
      const svc = s.project.services[name];
      if (!svc || (!svc.image && svc.build) || (svc.build && flags.bool('ignore-buildable'))) return;
      try {
        await pullImage(s.client, name, serviceImage(s.project.name, name, svc), s.progress);
      } catch (e) {
        if (svc.build) return; // buildable: a missing image is built by up
        if (!flags.bool('ignore-pull-failures')) failures.push((e as Error).message);
        else s.warn((e as Error).message);
      }
    }),
  );
  if (failures.length) fail(new Error(failures.join('\n')));
  return 0;
}
