// berth compose cp: copy files between a service container and the local filesystem, through
// berth cp (SERVICE:PATH names the service's container, --index picks a replica).
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError } from '../../errors.js';
import { canonicalName, containerNumber } from '../../../compose/naming.js';
import { projectContainers } from '../../../compose/observe.js';
import containerCp, { splitCpArg } from '../container/cp.js';
import { openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose cp [OPTIONS] SERVICE:SRC_PATH DEST_PATH|-\n\tberth compose cp [OPTIONS] SRC_PATH|- SERVICE:DEST_PATH',
  description: 'Copy files/folders between a service container and the local filesystem',
  flags: [
    { name: 'index', kind: 'int', default: '1', desc: 'Index of the container if service has multiple replicas' },
    { name: 'archive', short: 'a', kind: 'bool', desc: 'Archive mode (copy all uid/gid information)' },
    { name: 'follow-link', short: 'L', kind: 'bool', desc: 'Always follow symbol link in SRC_PATH' },
  ],
  minArgs: 2,
  maxArgs: 2,
};

export default async function cp(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session: s } = await openProject(cli, { optional: true });
  const args = await Promise.all(
    flags.positionals.map(async (p) => {
      const [service, inside] = splitCpArg(p);
      if (service === undefined) return p;
      const c = (await projectContainers(s.client, s.project.name, { services: [service] })).find((x) => containerNumber(x) === flags.int('index'));
      if (!c) throw new StatusError(`no container found for service "${service}"`, 1);
      return `${canonicalName(c)}:${inside}`;
    }),
  );
  const extra = [...(flags.bool('archive') ? ['-a'] : []), ...(flags.bool('follow-link') ? ['-L'] : [])];
  return (await containerCp(cli, [...extra, ...args])) ?? 0;
}
