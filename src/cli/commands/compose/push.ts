// berth compose push: push the images of services to their registries.
import type { Cli, CommandSpec } from '../../cli.js';
import { splitTag } from '../../../compose/images.js';
import { serviceImage } from '../../../compose/naming.js';
import { fail, openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose push [OPTIONS] [SERVICE...]',
  description: 'Push service images',
  flags: [
    { name: 'ignore-push-failures', kind: 'bool', desc: 'Push what it can and ignores images with push failures' },
    { name: 'include-deps', kind: 'bool', desc: 'Also push images of services declared as dependencies' },
    { name: 'quiet', short: 'q', kind: 'bool', desc: 'Push without printing progress information' },
  ],
};

export default async function push(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session: s } = await openProject(cli, { services: flags.positionals });
  const names = flags.positionals.length ? flags.positionals : Object.keys(s.project.services).sort();
  for (const name of names) {
    const svc = s.project.services[name];
    if (!svc?.image) continue;
    const ref = serviceImage(s.project.name, name, svc);
    const { name: repo, tag } = splitTag(ref);
    s.progress({ id: `Image ${ref}`, status: 'working', text: 'Pushing' });
    try {
      for await (const m of s.client.images.push(repo, { tag: tag ?? 'latest', registryAuth: Buffer.from('{}').toString('base64') })) {
        if (m.error || m.errorDetail) throw new Error(m.errorDetail?.message ?? m.error);
      }
    } catch (e) {
      s.progress({ id: `Image ${ref}`, status: 'error', text: 'Error' });
      if (flags.bool('ignore-push-failures')) continue;
      fail(e);
    }
    s.progress({ id: `Image ${ref}`, status: 'done', text: 'Pushed' });
  }
  return 0;
}
