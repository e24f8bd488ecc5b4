// berth compose port: the public address bound to a service container's port.
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError } from '../../errors.js';
import { containerNumber } from '../../../compose/naming.js';
import { projectContainers } from '../../../compose/observe.js';
import { openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose port [OPTIONS] SERVICE PRIVATE_PORT',
  description: 'Print the public port for a port binding',
  flags: [
    { name: 'index', kind: 'int', default: '1', desc: 'Index of the container if service has multiple replicas' },
    { name: 'protocol', kind: 'string', default: 'tcp', desc: 'tcp or udp' },
  ],
  minArgs: 2,
  maxArgs: 2,
};

export default async function port(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const [service, privatePort] = flags.positionals;
  const { session: s } = await openProject(cli, { optional: true });
  const c = (await projectContainers(s.client, s.project.name, { services: [service] })).find((x) => containerNumber(x) === flags.int('index'));
  if (!c) throw new StatusError(`service "${service}" is not running`, 1);
  const p = (c.Ports ?? []).find((x) => String(x.PrivatePort) === privatePort && x.Type === flags.string('protocol') && x.PublicPort);
  if (!p) throw new StatusError(`no port ${privatePort}/${flags.string('protocol')} for container ${c.Names?.[0]?.slice(1) ?? c.Id}: not published`, 1);
  cli.out(`${p.IP || '0.0.0.0'}:${p.PublicPort}\n`);
  return 0;
}
