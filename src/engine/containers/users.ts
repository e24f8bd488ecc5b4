// Resolving `--user` the way Docker does: names and IDs looked up in the container's own
// /etc/passwd and /etc/group; supplementary groups from /etc/group membership and --group-add.
import { promises as fsp } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';
import { resolveInRoot } from '../../archive/index.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 7) continue;
    out.push({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 4) continue;
    out.push({ name: f[0], gid: Number(f[2]), members: f[3] ? f[3].split(',') : [] });
  }
  return out;
}

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

const isNum = (s: string) => /^\d+$/.test(s);

/** Pure resolution against parsed files (unit-tested). */
export function resolveUser(spec: string, passwd: PasswdEntry[], groups: GroupEntry[], groupAdd: string[] = []): ResolvedUser {
  const [userPart, groupPart] = (spec || '').split(':', 2) as [string, string | undefined];
  let uid = 0;
  let gid = 0;
  let home = '/';
  let userName: string | undefined;
  if (userPart === '') {
    const root = passwd.find((p) => p.uid === 0);
    userName = root?.name ?? 'root';
    home = root?.home ?? '/root';
  } else if (isNum(userPart)) {
    uid = Number(userPart);
    const p = passwd.find((e) => e.uid === uid);
    if (p) {
      gid = p.gid;
      home = p.home;
      userName = p.name;
    }
  } else {
    const p = passwd.find((e) => e.name === userPart);
    if (!p) throw new InvalidArgumentError(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = p.uid;
    gid = p.gid;
    home = p.home;
    userName = p.name;
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (isNum(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((e) => e.name === groupPart);
      if (!g) throw new InvalidArgumentError(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = g.gid;
    }
  }
  const additional = new Set<number>();
  if (groupPart === undefined && userName) for (const g of groups) if (g.members.includes(userName) && g.gid !== gid) additional.add(g.gid);
  for (const ga of groupAdd) {
    if (isNum(ga)) additional.add(Number(ga));
    else {
      const g = groups.find((e) => e.name === ga);
      if (!g) throw new InvalidArgumentError(`Unable to find group ${ga}: no matching entries in group file`);
      additional.add(g.gid);
    }
  }
  return { uid, gid, additionalGids: [...additional], home };
}

async function readInRoot(rootfs: string, p: string): Promise<string> {
  try {
    return await fsp.readFile(await resolveInRoot(rootfs, p), 'utf8');
  } catch {
    return '';
  }
}

export async function resolveUserInRootfs(rootfs: string, spec: string, groupAdd: string[] = []): Promise<ResolvedUser> {
  const [passwd, group] = await Promise.all([readInRoot(rootfs, '/etc/passwd'), readInRoot(rootfs, '/etc/group')]);
  return resolveUser(spec, parsePasswd(passwd), parseGroup(group), groupAdd);
}
