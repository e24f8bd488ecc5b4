// The group that owns berthd's unix sockets, as dockerd's -G/--group: members of it may use the
// API without root. The default group (`berth`) is used when it exists and quietly skipped when
// it does not; a group named by the user must exist (a name from /etc/group, or a number).
import { readFileSync } from 'node:fs';

export const DEFAULT_SOCKET_GROUP = 'berth';

/** The gid of a group name (or numeric gid) in /etc/group's format, undefined when unknown. */
export function lookupGid(group: string, etcGroup: string): number | undefined {
  if (/^\d+$/.test(group)) return Number(group);
  for (const line of etcGroup.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return undefined;
}

/**
 * The gid to give the sockets: undefined to leave them root's (the default group is absent).
 * Throws when a group the user named does not exist, as dockerd refuses to start then.
 */
export function socketGid(group: string | undefined, readEtcGroup: () => string = () => readFileSync('/etc/group', 'utf8')): number | undefined {
  const name = group ?? DEFAULT_SOCKET_GROUP;
  if (name === '') return undefined;
  let text = '';
  try {
    text = readEtcGroup();
  } catch {
    // No /etc/group (a minimal container): only numeric gids can be resolved.
  }
  const gid = lookupGid(name, text);
  if (gid === undefined && group !== undefined && group !== DEFAULT_SOCKET_GROUP) throw new Error(`group ${group} not found`);
  return gid;
}
