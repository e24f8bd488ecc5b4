// Client-side file writes (config.json, --cidfile, -o outputs) that never leave a half-written file.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

export function atomicWriteSync(path: string, data: string | Buffer, mode = 0o644): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', mode);
  try {
    if (typeof data === 'string') writeSync(fd, data);
    else writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function atomicWriteJsonSync(path: string, value: unknown, mode = 0o644): void {
  atomicWriteSync(path, JSON.stringify(value, null, '\t') + '\n', mode);
}
