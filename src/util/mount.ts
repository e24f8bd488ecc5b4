// mount(2) and umount2(2) without a process.
//
// Why: Node has no binding for them, and spawning mount(8) or umount(8) costs ~4 ms on these
// machines (fork and exec of a dynamically linked binary) on every container start and exit,
// on the path a `docker run --rm` waits for. koffi, a prebuilt FFI, calls libc's functions on a
// libuv worker thread instead (~0.3 ms), so the event loop never waits on the kernel.
//
// Both functions answer false instead of throwing when they did not do the job: koffi cannot
// load here, or the call failed. The callers then run the binary as before, which reports the
// failure in its usual words (errno does not cross koffi's worker threads).
import { createRequire } from 'node:module';

/** umount2 flag: detach now, finish when the mount is no longer busy (umount -l). */
export const MNT_DETACH = 2;

type Callback = (err: unknown, result: number) => void;
interface AsyncForeign {
  async(...args: unknown[]): void;
}
interface Libc {
  mount: AsyncForeign;
  umount2: AsyncForeign;
}

let libc: Libc | null | undefined;

function loadLibc(): Libc | null {
  if (libc !== undefined) return libc;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as {
      load(name: string): { func(signature: string): AsyncForeign };
    };
    const lib = koffi.load('libc.so.6');
    libc = {
      mount: lib.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)'),
      umount2: lib.func('int umount2(const char *target, int flags)'),
    };
  } catch {
    libc = null;
  }
  return libc;
}

function callAsync(fn: AsyncForeign, args: unknown[]): Promise<boolean> {
  return new Promise((resolve) => {
    const done: Callback = (err, result) => resolve(!err && result === 0);
    try {
      fn.async(...args, done);
    } catch {
      resolve(false);
    }
  });
}

/** mount(2) with these arguments; false when it was not done (see the header). */
export function sysMount(source: string, target: string, fstype: string, flags: number, data: string): Promise<boolean> {
  const c = loadLibc();
  return c ? callAsync(c.mount, [source, target, fstype, flags, data]) : Promise.resolve(false);
}

/** umount2(2); false when it was not done (not mounted, busy, no koffi: see the header). */
export function sysUmount(target: string, flags = 0): Promise<boolean> {
  const c = loadLibc();
  return c ? callAsync(c.umount2, [target, flags]) : Promise.resolve(false);
}
