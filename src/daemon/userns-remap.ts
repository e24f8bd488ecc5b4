// --userns-remap (daemon config `userns-remap`): which user's subordinate IDs remapped containers
// run as, and the per-mapping data root, as dockerd's setupRemappedRoot and setupDaemonRoot.
//
// `default` is berth's own `berth-remap` user and group (dockerd's `dockremap`), created when
// missing, with a 65536-ID range added to /etc/subuid and /etc/subgid when it has none; a named
// `user[:group]` (names or numbers) must already have ranges. Data then lives under
// <data-root>/<uid>.<gid>/ (0710, group the remapped root's), as dockerd keeps it.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freeRange, rootPair, subordinateRanges, toIdRanges, type IdMapping } from '../engine/userns/id-mapping.js';
import type { UsernsRemap } from '../engine/userns/remap.js';

export const DEFAULT_REMAP_USER = 'berth-remap';
const SUBUID = '/etc/subuid';
const SUBGID = '/etc/subgid';

interface Entry {
  name: string;
  id: number;
}

/** A passwd or group entry by name or number, through NSS (getent), as dockerd's lookups. */
function lookup(db: 'passwd' | 'group', key: string): Entry | undefined {
  const r = spawnSync('getent', [db, key], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) return undefined;
  const f = r.stdout.split('\n')[0].split(':');
  return { name: f[0], id: Number(f[2]) };
}

/** `default` | `user[:group]` → the user and group names, creating berth-remap for `default`. */
export function resolveRemapUser(spec: string): { user: Entry; group: Entry } {
  const parts = spec.split(':');
  if (parts.length > 2 || !parts[0]) throw new Error(`Invalid user/group specification in --userns-remap: "${spec}"`);
  const byDefault = parts[0] === 'default';
  const name = byDefault ? DEFAULT_REMAP_USER : parts[0];
  let user = lookup('passwd', name);
  if (!user && byDefault) {
    addRemapUser(name);
    user = lookup('passwd', name);
  }
  if (!user) throw new Error(`Error during uid lookup for "${name}": user not found`);
  // Without a group: a numeric uid names the gid of the same number, a name the group of the same name.
  const groupKey = parts[1] ?? (/^\d+$/.test(parts[0]) ? parts[0] : user.name);
  const group = lookup('group', groupKey);
  if (!group) throw new Error(`Error during gid lookup for "${groupKey}": group not found`);
  return { user, group };
}

/** useradd --system, as dockerd's addUser; the group of the same name is made with it (or reused). */
function addRemapUser(name: string): void {
  const groupExists = !!lookup('group', name);
  const args = ['--system', '--shell', '/bin/false', '--no-create-home', ...(groupExists ? ['--gid', name] : ['--user-group']), name];
  const r = spawnSync('useradd', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`Error during "${name}" user creation: useradd: ${(r.stderr || r.error?.message || '').trim()}`);
}

/** Adds a free 65536-ID range for `name` to a subordinate-ID file unless it has one. */
function ensureRange(file: string, name: string, id: number): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (subordinateRanges(text, [name, String(id)]).length) return;
  const start = freeRange(text);
  writeFileSync(file, `${text}${text && !text.endsWith('\n') ? '\n' : ''}${name}:${start}:65536\n`, { mode: 0o644 });
}

/** The user's ranges from /etc/subuid and /etc/subgid (by name or number, as shadow-utils reads them). */
export function loadMapping(user: Entry, group: Entry): IdMapping {
  const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
  const uids = subordinateRanges(read(SUBUID), [user.name, String(user.id)]);
  const gids = subordinateRanges(read(SUBGID), [group.name, String(group.id)]);
  if (!uids.length) throw new Error(`can't create ID mappings: no subuid ranges found for user "${user.name}" in ${SUBUID}`);
  if (!gids.length) throw new Error(`can't create ID mappings: no subgid ranges found for group "${group.name}" in ${SUBGID}`);
  return { uids: toIdRanges(uids), gids: toIdRanges(gids) };
}

/**
 * Everything --userns-remap needs before the engine opens: the user, its mapping, and the
 * per-mapping data root (created 0710 root:<remapped gid>, as dockerd's). undefined for `root`
 * (dockerd: "root cannot be remapped with itself; user namespaces are OFF").
 */
export function setupUsernsRemap(spec: string, baseRoot: string, warn: (m: string) => void): UsernsRemap | undefined {
  const { user, group } = resolveRemapUser(spec);
  if (user.name === 'root') {
    warn('User namespaces: root cannot be remapped with itself; user namespaces are OFF');
    return undefined;
  }
  if (user.name === DEFAULT_REMAP_USER) {
    ensureRange(SUBUID, user.name, user.id);
    ensureRange(SUBGID, group.name, group.id);
  }
  const mapping = loadMapping(user, group);
  const root = rootPair(mapping);
  mkdirSync(baseRoot, { recursive: true, mode: 0o711 });
  chmodSync(baseRoot, 0o711);
  const dataRoot = path.join(baseRoot, `${root.uid}.${root.gid}`);
  mkdirSync(dataRoot, { recursive: true, mode: 0o710 });
  chmodSync(dataRoot, 0o710);
  chownSync(dataRoot, process.getuid?.() ?? 0, root.gid);
  // A directory above that the remapped root cannot pass would fail every start: fail now instead.
  for (let d = path.dirname(dataRoot); d !== '/'; d = path.dirname(d)) {
    if (!canPass(d, root.uid, root.gid)) {
      throw new Error(`a subdirectory in your graphroot path (${dataRoot}) restricts access to the remapped root uid/gid; please fix by allowing 'o+x' permissions on existing directories`);
    }
  }
  return { user: user.name, group: group.name, mapping, dataRoot };
}

function canPass(dir: string, uid: number, gid: number): boolean {
  const st = statSync(dir);
  return (st.mode & 0o001) !== 0 || (st.uid === uid && (st.mode & 0o100) !== 0) || (st.gid === gid && (st.mode & 0o010) !== 0);
}
