// Legacy --link (HostConfig.Links): "name:alias" becomes /etc/hosts entries for the linked
// container's address on a network both share.
import type { NetworkContext } from './context.js';
import { InvalidArgumentError } from '../errors.js';
import { shortId } from '../../util/ids.js';
import type { HostsEntry } from './etcfiles.js';
import type { SandboxRecord } from './types.js';

export function resolveLinks(ctx: NetworkContext, sb: SandboxRecord, links: string[]): HostsEntry[] {
  const out: HostsEntry[] = [];
  for (const l of links) {
    const [target, aliasPath] = l.split(':');
    const alias = (aliasPath ?? target).split('/').pop()!;
    const ref = ctx.opts.lookupContainer?.(target.replace(/^\//, ''));
    if (!ref) throw new InvalidArgumentError(`could not get container for ${target.replace(/^\//, '')}`);
    const other = ctx.sandboxes.get(ref.id);
    const shared = other && Object.values(other.endpoints).find((e) => e.ipv4 && sb.endpoints[e.networkId]);
    if (!shared) throw new InvalidArgumentError(`Cannot link to /${ref.name}, as it does not belong to the default network`);
    const names = [alias, shortId(ref.id), ref.name.replace(/^\//, '')].filter((x, i, a) => a.indexOf(x) === i);
    out.push({ ip: shared.ipv4, names });
  }
  return out;
}
