// The identity mapping of --userns-remap: which host IDs a remapped container's IDs are, read from
// /etc/subuid and /etc/subgid as dockerd reads them (ranges of the remap user, in file order,
// containing container IDs from 0 up). Pure: files come in as text.

/** One line of a mapping: `size` IDs from `containerID` in the container are `hostID`… on the host. */
export interface IdRange {
  containerID: number;
  hostID: number;
  size: number;
}

export interface IdMapping {
  uids: IdRange[];
  gids: IdRange[];
}

/** The remap user's ranges in a subuid/subgid file (`name:start:count` lines; a numeric name matches too). */
export function subordinateRanges(text: string, names: string[]): Array<{ start: number; count: number }> {
  const out: Array<{ start: number; count: number }> = [];
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (!l || l.startsWith('#')) continue;
    const [name, start, count] = l.split(':');
    if (!names.includes(name)) continue;
    const s = Number(start);
    const c = Number(count);
    if (Number.isInteger(s) && Number.isInteger(c) && c > 0 && s >= 0) out.push({ start: s, count: c });
  }
  return out;
}

/** Ranges laid end to end from container ID 0, as dockerd's idtools.createIDMap. */
export function toIdRanges(ranges: Array<{ start: number; count: number }>): IdRange[] {
  let next = 0;
  return ranges.map((r) => {
    const m = { containerID: next, hostID: r.start, size: r.count };
    next += r.count;
    return m;
  });
}

/** The host uid and gid of the container's root. */
export function rootPair(m: IdMapping): { uid: number; gid: number } {
  return { uid: toHost(m.uids, 0), gid: toHost(m.gids, 0) };
}

/** The host ID of a container ID; throws when the mapping does not cover it. */
export function toHost(ranges: IdRange[], id: number): number {
  for (const r of ranges) if (id >= r.containerID && id < r.containerID + r.size) return r.hostID + (id - r.containerID);
  throw new Error(`container ID ${id} cannot be mapped to a host ID`);
}

/** The container ID of a host ID, or undefined when it is outside the mapping. */
export function toContainer(ranges: IdRange[], id: number): number | undefined {
  for (const r of ranges) if (id >= r.hostID && id < r.hostID + r.size) return r.containerID + (id - r.hostID);
  return undefined;
}

/** /proc/<pid>/uid_map text. */
export function procMapText(ranges: IdRange[]): string {
  return ranges.map((r) => `${r.containerID} ${r.hostID} ${r.size}\n`).join('');
}

/**
 * The first free range of `count` IDs from `min` up, past every range already in the file, as
 * dockerd's createSubordinateRanges looks for one (it starts at 100000 and takes 65536).
 */
export function freeRange(text: string, min = 100000, count = 65536): number {
  const used = text
    .split('\n')
    .map((l) => l.trim().split(':'))
    .filter((f) => f.length >= 3 && Number.isInteger(Number(f[1])) && Number.isInteger(Number(f[2])))
    .map((f) => ({ start: Number(f[1]), end: Number(f[1]) + Number(f[2]) }))
    .sort((a, b) => a.start - b.start);
  let start = min;
  for (const u of used) {
    if (u.end <= start) continue;
    if (u.start >= start + count) break;
    start = u.end;
  }
  return start;
}
