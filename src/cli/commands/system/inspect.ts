// berth inspect: low-level information on any object; tries container, image, network, volume.
import { isNotFound } from '../../../client/errors.js';
import type { Cli, CommandSpec } from '../../cli.js';
import { UsageError } from '../../errors.js';
import { INSPECT_FORMAT_FLAG, inspectEach } from '../inspect-helper.js';

export const spec: CommandSpec = {
  usage: 'inspect [OPTIONS] NAME|ID [NAME|ID...]',
  description: 'Return low-level information on Docker objects',
  flags: [
    INSPECT_FORMAT_FLAG,
    { name: 'size', short: 's', kind: 'bool', desc: 'Display total file sizes if the type is container' },
    { name: 'type', kind: 'string', desc: 'Only inspect objects of the given type' },
  ],
  minArgs: 1,
};

type Kind = 'container' | 'image' | 'network' | 'volume';
const KINDS: Kind[] = ['container', 'image', 'network', 'volume'];

export default async function inspect(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const type = flags.string('type');
  if (type && !KINDS.includes(type as Kind)) throw new UsageError(`"${type}" is not a valid value for --type`);
  const kinds = type ? [type as Kind] : KINDS;
  const client = cli.client();
  const fetchers: Record<Kind, (n: string) => Promise<unknown>> = {
    container: (n) => client.containers.inspect(n, { size: flags.bool('size') }),
    image: (n) => client.images.inspect(n),
    network: (n) => client.networks.inspect(n),
    volume: (n) => client.volumes.inspect(n),
  };
  const fetchAny = async (name: string) => {
    for (const k of kinds) {
      try {
        return await fetchers[k](name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    const err = new Error(type ? `No such ${type}: ${name}` : `No such object: ${name}`);
    throw err;
  };
  return inspectEach(cli, flags.positionals, flags.string('format'), fetchAny).catch((e: Error) => {
    throw Object.assign(e, { message: e.message.split('\n').map((l) => (l.startsWith('Error') ? l : `Error: ${l}`)).join('\n') });
  });
}
