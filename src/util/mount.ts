// mount(2) and umount2(2) without a process (see util/libc.ts): ~0.4 ms on a libuv worker thread,
// so the event loop never waits on the kernel, against ~4 ms for spawning mount(8) or umount(8),
// on the path every `docker run --rm` waits for.
//
// Both answer false instead of throwing when they did not do the job: no koffi here, or the call
// failed. The callers then run the binary as before, which reports the failure in its usual words
// (errno does not cross koffi's worker threads).
import { callOnWorker, libc } from './libc.js';

/** mount(2) with these arguments; false when it was not done (see the header). */
export function sysMount(source: string, target: string, fstype: string, flags: number, data: string): Promise<boolean> {
  const c = libc();
  return c ? callOnWorker(c.mount, [source, target, fstype, flags, data]) : Promise.resolve(false);
}

/** umount2(2); false when it was not done (not mounted, busy, no koffi: see the header). */
export function sysUmount(target: string, flags = 0): Promise<boolean> {
  const c = libc();
  return c ? callOnWorker(c.umount2, [target, flags]) : Promise.resolve(false);
}
