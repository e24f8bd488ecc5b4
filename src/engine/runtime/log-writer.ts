// berth-logger (native/berth-logger.c): the process between conmon and a container's json-file
// log. Started before conmon, it makes the FIFO conmon writes its k8s-file records into, opens the
// log file, and forks into its own session; it ends when conmon closes the FIFO. berthd takes no
// part in the bytes, so logging goes on while berthd is stopped or restarted.
import { spawn } from 'node:child_process';
import { constants, promises as fsp } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { SystemError } from '../errors.js';
import type { Rotation } from '../containers/log-config.js';

/** Where the build puts berth-logger: beside berthd's bundle (dist/). */
export function defaultLoggerPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // dist/berthd.mjs → dist/berth-logger; build/src/engine/runtime/*.js (tests) → dist/berth-logger.
  return here.endsWith(path.join('src', 'engine', 'runtime')) ? path.resolve(here, '../../../../dist/berth-logger') : path.join(here, 'berth-logger');
}

export interface LogWriterStart {
  loggerPath: string;
  /** The FIFO to make (conmon's `-l k8s-file:` path). */
  fifo: string;
  /** The log file to write (`<id>-json.log`). */
  file: string;
  rotation: Rotation;
}

/** Starts berth-logger; resolves once it has made the FIFO and opened the log file. */
export function startLogWriter(o: LogWriterStart): Promise<{ pid: number }> {
  const args = [o.fifo, o.file, String(o.rotation.maxSize), String(o.rotation.maxFile), o.rotation.compress ? '1' : '0'];
  return new Promise((resolve, reject) => {
    const child = spawn(o.loggerPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (e) => reject(new SystemError(`cannot start the log writer ${o.loggerPath}: ${e.message}`)));
    child.on('close', (code) => {
      const m = /^ready (\d+)/.exec(out);
      if (code === 0 && m) resolve({ pid: Number(m[1]) });
      else reject(new SystemError(`log writer failed: ${out.replace(/^error /, '').trim() || `exit status ${code}`}`));
    });
  });
}

/**
 * After conmon failed before opening the FIFO: opening its write end and closing it lets the
 * waiting berth-logger see the end and exit (it would give up by itself after 60 s).
 */
export async function releaseLogWriter(fifo: string): Promise<void> {
  try {
    const fh = await fsp.open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    await fh.close();
  } catch {
    // No reader (it has gone already) or no FIFO: nothing waits.
  }
}
