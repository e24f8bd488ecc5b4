// User namespaces for --userns-remap, made by berthd (root) with the remap mapping written in:
//   - holdUserns: a short-lived `unshare --user [--net]` process whose namespaces are there to be
//     bind-mounted or handed to the kernel, then let go;
//   - idmapMount: an idmapped view of a directory (open_tree + mount_setattr(MOUNT_ATTR_IDMAP) +
//     move_mount, Linux ≥ 5.12; overlayfs accepts such views as lower layers from 5.19), which
//     shows host ID n as n shifted by the mapping without touching a file.
import { spawn } from 'node:child_process';
import { closeSync, openSync, promises as fsp } from 'node:fs';
import os from 'node:os';
import { libc } from '../../util/libc.js';
import { procMapText, type IdMapping } from './id-mapping.js';

const SYS_OPEN_TREE = 428;
const SYS_MOVE_MOUNT = 429;
const SYS_MOUNT_SETATTR = 442;
const AT_FDCWD = -100;
const AT_EMPTY_PATH = 0x1000;
const OPEN_TREE_CLONE = 1;
const OPEN_TREE_CLOEXEC = 0o2000000;
const MOVE_MOUNT_F_EMPTY_PATH = 0x4;
const MOUNT_ATTR_IDMAP = 0x100000n;
/** struct mount_attr: attr_set, attr_clr, propagation, userns_fd (4 × u64). */
const MOUNT_ATTR_SIZE = 32;

export interface UsernsHolder {
  pid: number;
  /** Ends the process; namespaces bind-mounted or opened meanwhile live on. */
  release(): Promise<void>;
}

/** A process in a new user namespace (and a network namespace it owns, with `net`), mapped by `m`. */
export async function holdUserns(m: IdMapping, o: { net?: boolean } = {}): Promise<UsernsHolder> {
  const child = spawn('unshare', ['--user', ...(o.net ? ['--net'] : []), 'sh', '-c', 'echo ready; read _'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const release = async () => {
    child.stdin.end();
    await exited;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.stdout.once('data', () => resolve());
      void exited.then(() => reject(new Error(`unshare --user: ${stderr.trim() || 'exited early'}`)));
    });
    // Written by berthd, privileged in the parent namespace: any host range may be mapped.
    await fsp.writeFile(`/proc/${child.pid}/uid_map`, procMapText(m.uids));
    await fsp.writeFile(`/proc/${child.pid}/gid_map`, procMapText(m.gids));
  } catch (e) {
    await release();
    throw e;
  }
  return { pid: child.pid!, release };
}

/** Mounts an idmapped view of `source` on `target` (an existing directory). */
export async function idmapMount(source: string, target: string, m: IdMapping): Promise<void> {
  const c = libc();
  if (!c) throw new Error('idmapped mounts need koffi (npm dependency) to make the system calls');
  const holder = await holdUserns(m);
  try {
    const nsfd = openSync(`/proc/${holder.pid}/ns/user`, 'r');
    try {
      const tree = Number(c.syscall(SYS_OPEN_TREE, 'int', AT_FDCWD, 'str', source, 'uint', OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
      if (tree < 0) throw sysError('open_tree', c.errno(), source);
      try {
        const attr = Buffer.alloc(MOUNT_ATTR_SIZE);
        attr.writeBigUInt64LE(MOUNT_ATTR_IDMAP, 0);
        attr.writeBigUInt64LE(BigInt(nsfd), 24);
        if (Number(c.syscall(SYS_MOUNT_SETATTR, 'int', tree, 'str', '', 'uint', AT_EMPTY_PATH, 'void *', attr, 'size_t', MOUNT_ATTR_SIZE)) !== 0) {
          throw sysError('mount_setattr(MOUNT_ATTR_IDMAP)', c.errno(), source);
        }
        if (Number(c.syscall(SYS_MOVE_MOUNT, 'int', tree, 'str', '', 'int', AT_FDCWD, 'str', target, 'uint', MOVE_MOUNT_F_EMPTY_PATH)) !== 0) {
          throw sysError('move_mount', c.errno(), target);
        }
      } finally {
        c.close(tree);
      }
    } finally {
      closeSync(nsfd);
    }
  } finally {
    await holder.release();
  }
}

function sysError(call: string, errno: number, p: string): Error {
  const name = Object.entries(os.constants.errno).find(([, v]) => v === errno)?.[0] ?? `errno ${errno}`;
  return new Error(`${call} ${p}: ${name}`);
}
