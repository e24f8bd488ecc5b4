// What the process holds right now: memory, open descriptors, libuv resources. For berthd's
// debug report, which leak tests compare before and after a burst of work.
import { readdirSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

export interface ProcessResources {
  memory: NodeJS.MemoryUsage;
  /** Entries of /proc/self/fd (the readdir's own descriptor is counted in each reading alike). */
  fds: number;
  /** libuv handles and requests by type (TCPWRAP, FSReqCallback, Timeout, …). */
  activeResources: Record<string, number>;
}

let collect: (() => void) | undefined;

/** A full garbage collection, without starting node with --expose-gc (the flag set at run time, gc taken from a fresh context). */
export function forceGc(): void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}

export function processResources(): ProcessResources {
  const activeResources: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) activeResources[r] = (activeResources[r] ?? 0) + 1;
  let fds = -1;
  try {
    fds = readdirSync('/proc/self/fd').length;
  } catch {}
  return { memory: process.memoryUsage(), fds, activeResources };
}
