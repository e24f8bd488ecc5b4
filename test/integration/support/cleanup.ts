// Leaving nothing behind after a daemon under test, whatever state it died in: runc containers
// whose state lives under our exec root (or whose bundle is under our temp root), conmon and
// other processes started for it, mounts (overlay rootfs, volumes, netns bind mounts), files.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { runCommand } from './proc.js';
import { removeTree as removeAnyDepth } from '../../../src/util/remove-tree.js';

/** Undoes the escaping mountinfo applies to spaces, tabs, newlines and backslashes. */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function isUnder(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith('/') ? root : root + '/');
}

/** Mount points at or below any of `roots`, deepest first (so children go before parents). */
export async function mountsUnder(roots: string[]): Promise<string[]> {
  const text = await fsp.readFile('/proc/self/mountinfo', 'utf8');
  const points = new Set<string>();
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 5) continue;
    const mp = unescapeMountPath(fields[4]);
    if (roots.some((r) => isUnder(mp, r))) points.add(mp);
  }
  return [...points].sort((a, b) => b.split('/').length - a.split('/').length || b.length - a.length);
}

/** Lazily unmounts everything under `roots`, repeating for stacked mounts on one point. */
export async function unmountAllUnder(roots: string[]): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const points = await mountsUnder(roots);
    if (points.length === 0) return;
    for (const p of points) await runCommand('umount', ['-l', p], { timeoutMs: 10_000 }).catch(() => undefined);
  }
}

/** Directories under `dir` (a few levels down) that look like a runc --root: they hold <id>/state.json. */
async function findRuncRoots(dir: string, depth = 4): Promise<string[]> {
  const found: string[] = [];
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  let isRoot = false;
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const sub = path.join(dir, e.name);
    try {
      await fsp.access(path.join(sub, 'state.json'));
      isRoot = true;
      continue;
    } catch {
      /* not a container state dir */
    }
    if (depth > 0) found.push(...(await findRuncRoots(sub, depth - 1)));
  }
  if (isRoot) found.push(dir);
  return found;
}

interface RuncListEntry {
  id: string;
  bundle?: string;
}

/** Kills and deletes runc containers that belong to this daemon. */
export async function killRuncContainers(execRoot: string, tmpRoot: string): Promise<void> {
  const roots = new Set(await findRuncRoots(execRoot));
  // If the engine ever used runc's default root, pick ours out of it by bundle path.
  roots.add('/run/runc');
  for (const root of roots) {
    const ours = isUnder(root, tmpRoot);
    const list = await runCommand('runc', ['--root', root, 'list', '--format', 'json'], { timeoutMs: 10_000 }).catch(() => undefined);
    if (!list || list.code !== 0) continue;
    let entries: RuncListEntry[];
    try {
      entries = (JSON.parse(list.stdout || '[]') as RuncListEntry[] | null) ?? [];
    } catch {
      continue;
    }
    for (const c of entries) {
      if (!ours && !(c.bundle && isUnder(c.bundle, tmpRoot))) continue;
      await runCommand('runc', ['--root', root, 'kill', '--all', c.id, 'KILL'], { timeoutMs: 10_000 }).catch(() => undefined);
      await runCommand('runc', ['--root', root, 'delete', '--force', c.id], { timeoutMs: 10_000 }).catch(() => undefined);
    }
  }
}

/** PIDs of processes whose command line mentions `needle` (conmon, stray runc calls), not us. */
export async function pidsMentioning(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await fsp.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      const cmdline = (await fsp.readFile(`/proc/${pid}/cmdline`)).toString('utf8');
      if (cmdline.includes(needle)) pids.push(pid);
    } catch {
      /* gone already */
    }
  }
  return pids;
}

/** True once `pid` has exited (gone, or a zombie: it holds no files or mounts any more). */
async function exited(pid: number): Promise<boolean> {
  try {
    const stat = await fsp.readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ...": the state follows the last ')' (comm may hold spaces and parens).
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}

/**
 * SIGKILLs the processes whose command line mentions `needle` and returns once they have exited,
 * so that what they held open (files, mount references) is released before the caller unmounts
 * and removes. They are not our children, and Node has no pidfd to wait on: poll /proc (bounded).
 */
export async function killProcessesMentioning(needle: string, timeoutMs = 10_000): Promise<void> {
  const pids = await pidsMentioning(needle);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (const pid of pids) {
    while (!(await exited(pid))) {
      if (Date.now() > deadline) throw new Error(`process ${pid} (mentions ${needle}) still alive ${timeoutMs} ms after SIGKILL`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** Removes a directory tree (any depth); its processes are dead and its mounts gone by now. */
export async function removeTree(dir: string): Promise<void> {
  await removeAnyDepth(dir);
}

interface NetworkRecordOnDisk {
  Driver?: string;
  Options?: Record<string, string> | null;
  IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> | null };
}

/**
 * Takes back what this daemon's bridge networks added to the host: the gateway address on the
 * bridge device, and the device itself once no address and no port is left on it (so a bridge
 * another daemon still uses stays).
 */
export async function removeBridgeState(dataRoot: string): Promise<void> {
  const dir = path.join(dataRoot, 'network', 'networks');
  let files: string[];
  try {
    files = await fsp.readdir(dir);
  } catch {
    return;
  }
  for (const f of files.filter((n) => n.endsWith('.json'))) {
    let rec: NetworkRecordOnDisk;
    try {
      rec = JSON.parse(await fsp.readFile(path.join(dir, f), 'utf8')) as NetworkRecordOnDisk;
    } catch {
      continue;
    }
    // The default bridge names its device in Options; user networks keep it in `device`.
    const device = (rec as { device?: string }).device ?? rec.Options?.['com.docker.network.bridge.name'];
    if (rec.Driver !== 'bridge' || !device) continue;
    for (const c of rec.IPAM?.Config ?? []) {
      if (!c.Subnet || !c.Gateway) continue;
      const prefix = c.Subnet.split('/')[1];
      await runCommand('ip', ['addr', 'del', `${c.Gateway}/${prefix}`, 'dev', device], { timeoutMs: 5000 }).catch(() => undefined);
    }
    const addrs = await runCommand('ip', ['-4', '-o', 'addr', 'show', 'dev', device], { timeoutMs: 5000 }).catch(() => undefined);
    const ports = await runCommand('ip', ['-o', 'link', 'show', 'master', device], { timeoutMs: 5000 }).catch(() => undefined);
    if (addrs?.code === 0 && addrs.stdout.trim() === '' && ports?.code === 0 && ports.stdout.trim() === '') {
      await runCommand('ip', ['link', 'del', device], { timeoutMs: 5000 }).catch(() => undefined);
    }
  }
}

/**
 * Removes every iptables rule and chain a test daemon made under its own chain prefix: jumps
 * from the built-in chains first, then the chains themselves (nat and filter tables).
 */
export async function removeIptablesChains(prefix: string): Promise<void> {
  await removeChainsOf('iptables', prefix);
  await removeChainsOf('ip6tables', prefix);
}

async function removeChainsOf(iptables: 'iptables' | 'ip6tables', prefix: string): Promise<void> {
  for (const table of ['nat', 'filter']) {
    const save = await runCommand(`${iptables}-save`, ['-t', table], { timeoutMs: 10_000 }).catch(() => undefined);
    if (!save || save.code !== 0) continue;
    const chains: string[] = [];
    for (const line of save.stdout.split('\n')) {
      const chain = /^:(\S+)/.exec(line)?.[1];
      if (chain?.startsWith(prefix + '-')) chains.push(chain);
      if (line.startsWith('-A ') && line.includes(`${prefix}-`) && !line.startsWith(`-A ${prefix}-`)) {
        const rule = line.slice(3).split(' ');
        await runCommand(iptables, ['-w', '-t', table, '-D', ...splitRule(rule)], { timeoutMs: 5000 }).catch(() => undefined);
      }
    }
    for (const c of chains) await runCommand(iptables, ['-w', '-t', table, '-F', c], { timeoutMs: 5000 }).catch(() => undefined);
    for (const c of chains) await runCommand(iptables, ['-w', '-t', table, '-X', c], { timeoutMs: 5000 }).catch(() => undefined);
  }
}

/** iptables-save quotes comments: `--comment "a b"` must stay one argument. */
function splitRule(words: string[]): string[] {
  const out: string[] = [];
  let cur: string | undefined;
  for (const w of words) {
    if (cur !== undefined) {
      cur += ' ' + w;
      if (w.endsWith('"')) {
        out.push(cur.slice(1, -1));
        cur = undefined;
      }
    } else if (w.startsWith('"') && !(w.length > 1 && w.endsWith('"'))) cur = w;
    else out.push(w.replace(/^"(.*)"$/, '$1'));
  }
  return out;
}
