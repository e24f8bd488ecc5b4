// libc functions Node has no binding for (mount, umount2, unshare, setns, ioctl, and the socket
// calls that open a listener inside another network namespace), called through
// koffi, a prebuilt FFI, instead of a program each: spawning one costs ~4 ms on these machines,
// and berthd would do it several times in every container's start and exit.
//
// Loaded on first use. null where koffi or libc cannot load: callers then run the program they
// used before, so a machine without koffi loses speed, not function.
import { createRequire } from 'node:module';

/** A C function: called directly it runs on this thread; `.async(…args, cb)` on a libuv worker. */
export type Foreign = ((...args: unknown[]) => number) & { async(...args: unknown[]): void };

export interface Libc {
  mount: Foreign;
  umount2: Foreign;
  unshare: Foreign;
  setns: Foreign;
  socket: Foreign;
  /** Variadic: pass the argument's type before it, e.g. `ioctl(fd, req, 'uint8_t *', buf)`. */
  ioctl: Foreign;
  close: Foreign;
  /** bind(fd, sockaddr, len): the address as a Buffer. */
  bind: Foreign;
  listen: Foreign;
  /** getsockname(fd, out Buffer, [len]): the length as a one-element array it updates. */
  getsockname: Foreign;
  setsockopt: Foreign;
  /** Variadic syscall(2), for calls glibc has no wrapper for here (open_tree, mount_setattr, move_mount). */
  syscall: Foreign;
  /** errno after the last call on this thread. */
  errno(): number;
}

let loaded: Libc | null | undefined;

export function libc(): Libc | null {
  if (loaded !== undefined) return loaded;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as { load(name: string): { func(signature: string): Foreign }; errno(): number };
    const lib = koffi.load('libc.so.6');
    loaded = {
      mount: lib.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)'),
      umount2: lib.func('int umount2(const char *target, int flags)'),
      unshare: lib.func('int unshare(int flags)'),
      setns: lib.func('int setns(int fd, int nstype)'),
      socket: lib.func('int socket(int domain, int type, int protocol)'),
      ioctl: lib.func('int ioctl(int fd, unsigned long request, ...)'),
      close: lib.func('int close(int fd)'),
      bind: lib.func('int bind(int fd, const void *addr, uint32_t len)'),
      listen: lib.func('int listen(int fd, int backlog)'),
      getsockname: lib.func('int getsockname(int fd, _Out_ void *addr, _Inout_ uint32_t *len)'),
      setsockopt: lib.func('int setsockopt(int fd, int level, int name, const void *value, uint32_t len)'),
      syscall: lib.func('long syscall(long number, ...)'),
      errno: () => koffi.errno(),
    };
  } catch {
    loaded = null;
  }
  return loaded;
}

/** Runs a libc function on a libuv worker thread; true when it returned 0. */
export function callOnWorker(fn: Foreign, args: unknown[]): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      fn.async(...args, (err: unknown, result: number) => resolve(!err && result === 0));
    } catch {
      resolve(false);
    }
  });
}
