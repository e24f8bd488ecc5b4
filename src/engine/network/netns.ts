// Persistent network namespaces as files: a short-lived `unshare --net=<file>` makes a new netns,
// bind-mounts it on <file> (so it outlives every process in it) and brings `lo` up inside it.
// Removing is unmount + unlink; once no process holds it, the kernel frees the netns and every
// veth end inside it, which is what makes teardown after a crash complete.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { sysUmount } from '../../util/mount.js';
import { run, runOk } from './run.js';

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
