// Persistent network namespaces as files: a new netns is bind-mounted on <file> (so it outlives
// every process in it), with `lo` up inside it. Removing is unmount + unlink; once no process
// holds it, the kernel frees the netns and every veth end inside it, which is what makes teardown
// after a crash complete.
//
// Made by berthd's own thread through libc (util/libc.ts: ~0.5 ms), or else by a short-lived
// `unshare --net=<file> ip link set lo up` (two programs, ~10 ms).
import { closeSync, openSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { exists } from '../../util/fs.js';
import { libc, type Libc } from '../../util/libc.js';
import { sysMount, sysUmount } from '../../util/mount.js';
import { IFF_UP } from './links.js';
import { run, runOk } from './run.js';
import { holdUserns } from '../userns/namespaces.js';
import type { IdMapping } from '../userns/id-mapping.js';

const CLONE_NEWNET = 0x40000000;
const MS_BIND = 0x1000;
const AF_INET = 2;
const SOCK_DGRAM_CLOEXEC = 2 | 0o2000000;
const SIOCGIFFLAGS = 0x8913;
const SIOCSIFFLAGS = 0x8914;
/** struct ifreq: the name (IFNAMSIZ = 16 bytes), then a union whose ifr_flags is a short. */
const IFREQ_SIZE = 40;
const IFREQ_FLAGS_OFFSET = 16;

const UNSHARE = 'unshare';
const IP = 'ip';

export async function createNetns(dir: string, name: string): Promise<string> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o711 });
  const file = path.join(dir, name);
  const fh = await fsp.open(file, 'wx', 0o444).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EEXIST') throw new Error(`network namespace ${file} already exists`);
    throw e;
  });
  await fh.close();
  if (netnsInProcess(file)) return file;
  try {
    let r = await run(UNSHARE, [`--net=${file}`, IP, 'link', 'set', 'lo', 'up']);
    if (r.code !== 0 && /mount|Invalid argument/i.test(r.stderr)) {
      // On hosts where the directory's mount is shared (systemd's default for /), the bind
      // mount of a namespace is refused; `ip netns` solves it the same way: make the directory
      // its own private mount once.
      await makePrivateMount(dir);
      r = await run(UNSHARE, [`--net=${file}`, IP, 'link', 'set', 'lo', 'up']);
    }
    if (r.code !== 0) throw new Error(`creating network namespace: ${r.stderr.trim()}`);
    return file;
  } catch (e) {
    await removeNetns(file);
    throw e;
  }
}

/**
 * Makes the netns with system calls on this thread: unshare(CLONE_NEWNET) moves only the calling
 * thread into a new network namespace; it is bind-mounted on `file`, its `lo` brought up (the
 * SIOCSIFFLAGS ioctl that `ip link set lo up` amounts to), and the thread goes back with setns().
 * All of it runs synchronously, so no JavaScript runs (and opens no socket) while the thread is
 * away. False, with nothing left behind, when it cannot be done here: the caller uses the programs.
 */
function netnsInProcess(file: string): boolean {
  const c = libc();
  if (!c) return false;
  const home = openSync('/proc/thread-self/ns/net', 'r');
  try {
    if (c.unshare(CLONE_NEWNET) !== 0) return false;
    let mounted = false;
    let loUp = false;
    try {
      mounted = c.mount('/proc/thread-self/ns/net', file, null, MS_BIND, null) === 0;
      loUp = mounted && bringLoopbackUp(c);
    } catch {
      loUp = false;
    }
    // Nothing may keep this thread in the new namespace: berthd's own sockets would open there.
    if (c.setns(home, CLONE_NEWNET) !== 0) throw new Error('setns: cannot return to berthd network namespace');
    if (mounted && !loUp) c.umount2(file, 0);
    return loUp;
  } finally {
    closeSync(home);
  }
}

/**
 * A netns owned by a new user namespace mapped by `m` (--userns-remap), as dockerd's containers
 * have theirs (the runtime makes it there): only then may the container's root mount its sysfs,
 * bind low ports and set its network sysctls. Both are bind-mounted, the netns on <dir>/<name>
 * and the user namespace on `usernsFile`, which the runtime joins. Not pooled: each container
 * has its own user namespace.
 */
export async function createNetnsInUserns(dir: string, name: string, usernsFile: string, m: IdMapping): Promise<string> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o711 });
  await fsp.mkdir(path.dirname(usernsFile), { recursive: true, mode: 0o711 });
  const file = path.join(dir, name);
  for (const f of [file, usernsFile]) await (await fsp.open(f, 'wx', 0o444)).close();
  try {
    const holder = await holdUserns(m, { net: true });
    try {
      await bindNamespace(`/proc/${holder.pid}/ns/user`, usernsFile);
      await bindNamespace(`/proc/${holder.pid}/ns/net`, file);
    } finally {
      await holder.release();
    }
    await loopbackUpIn(file);
    return file;
  } catch (e) {
    await removeNetns(file);
    await removeNetns(usernsFile);
    throw e;
  }
}

async function bindNamespace(nsPath: string, file: string): Promise<void> {
  if (await sysMount(nsPath, file, '', MS_BIND, '')) return;
  let r = await run('mount', ['--bind', nsPath, file]);
  if (r.code !== 0) {
    // A shared parent mount refuses namespace binds (see createNetns).
    await makePrivateMount(path.dirname(file));
    r = await run('mount', ['--bind', nsPath, file]);
  }
  if (r.code !== 0) throw new Error(`bind-mounting ${nsPath} on ${file}: ${r.stderr.trim()}`);
}

/** `ip link set lo up` inside the netns at `file`: this thread goes there and back (setns). */
async function loopbackUpIn(file: string): Promise<void> {
  const c = libc();
  if (c) {
    const home = openSync('/proc/thread-self/ns/net', 'r');
    const target = openSync(file, 'r');
    try {
      if (c.setns(target, CLONE_NEWNET) === 0) {
        // Synchronous: no JavaScript runs while the thread is away.
        let up = false;
        try {
          up = bringLoopbackUp(c);
        } catch {
          up = false; // nsenter below says why
        }
        if (c.setns(home, CLONE_NEWNET) !== 0) throw new Error('setns: cannot return to berthd network namespace');
        if (up) return;
      }
    } finally {
      closeSync(home);
      closeSync(target);
    }
  }
  await runOk('nsenter', [`--net=${file}`, IP, 'link', 'set', 'lo', 'up']);
}

function bringLoopbackUp(c: Libc): boolean {
  const sock = c.socket(AF_INET, SOCK_DGRAM_CLOEXEC, 0);
  if (sock < 0) return false;
  try {
    const ifr = Buffer.alloc(IFREQ_SIZE);
    ifr.write('lo', 'latin1');
    if (c.ioctl(sock, SIOCGIFFLAGS, 'uint8_t *', ifr) !== 0) return false;
    ifr.writeUInt16LE(ifr.readUInt16LE(IFREQ_FLAGS_OFFSET) | IFF_UP, IFREQ_FLAGS_OFFSET);
    return c.ioctl(sock, SIOCSIFFLAGS, 'uint8_t *', ifr) === 0;
  } finally {
    c.close(sock);
  }
}

async function makePrivateMount(dir: string): Promise<void> {
  await runOk('mount', ['--bind', dir, dir]);
  await runOk('mount', ['--make-private', dir]);
}

/** Unmounts and deletes a netns file; quiet when it is already gone (safe to repeat). */
export async function removeNetns(file: string): Promise<void> {
  if (await sysUmount(file)) {
    await fsp.rm(file, { force: true });
    return;
  }
  // No file, no mount on it (a mount point cannot be deleted): the usual case when a start
  // clears the way for its namespace. umount(8) would only say so, at the cost of a process.
  if (!(await exists(file))) return;
  const r = await run('umount', [file]);
  if (r.code !== 0 && !/not mounted|no mount point|not found|No such file/i.test(r.stderr)) {
    // A lazy unmount still detaches it from the tree; the netns dies with its last user.
    await run('umount', ['-l', file]);
  }
  await fsp.rm(file, { force: true });
}

export async function listNetns(dir: string): Promise<string[]> {
  try {
    return (await fsp.readdir(dir)).filter((n) => !n.startsWith('.'));
  } catch {
    return [];
  }
}
