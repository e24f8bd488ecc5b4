// A container's logging at start, and where its output can be read:
// - json-file: berth-logger writes `<container dir>/<id>-json.log` (rotated), fed by conmon
//   through a FIFO in the bundle;
// - none: conmon writes an attach-only copy to `<bundle>/output.log` in the exec root, which it
//   starts afresh past 1 MiB; `logs` is refused.
// Containers from before berth-logger also have conmon's k8s-file `container.log`, read first.
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import { EngineError } from '../errors.js';
import type { ContainerService } from './service.js';
import type { ContainerRecord } from './types.js';
import { rotationOf, type LogConfig } from './log-config.js';
import { releaseLogWriter, startLogWriter } from '../runtime/log-writer.js';
import type { LogFiles } from '../runtime/logfile.js';

/** Size past which conmon starts a `none` container's attach-only output afresh. */
const NONE_OUTPUT_MAX = 1024 * 1024;

export function logConfigOf(rec: ContainerRecord): LogConfig {
  return { Type: rec.hostConfig.LogConfig?.Type || 'json-file', Config: rec.hostConfig.LogConfig?.Config ?? {} };
}

/** The json-file log: what inspect shows as LogPath. */
export function jsonLogPath(svc: ContainerService, id: string): string {
  return path.join(svc.containerDir(id), `${id}-json.log`);
}

/** The file berth-logger writes: json-file's `<id>-json.log`, or local's `local-logs/container.log` (dockerd's places). */
export function logFileOf(svc: ContainerService, rec: ContainerRecord): string {
  return logConfigOf(rec).Type === 'local' ? path.join(svc.containerDir(rec.id), 'local-logs', 'container.log') : jsonLogPath(svc, rec.id);
}

/** The files `logs` reads; undefined when the driver keeps none (dockerd's 501 then). */
export function logFilesOf(svc: ContainerService, rec: ContainerRecord): LogFiles | undefined {
  if (logConfigOf(rec).Type === 'none') return undefined;
  return { current: logFileOf(svc, rec), legacy: path.join(svc.containerDir(rec.id), 'container.log') };
}

/** dockerd's answer to `logs` of a container whose driver keeps nothing. */
export function logsNotReadable(): EngineError {
  return new EngineError(501, 'configured logging driver does not support reading');
}

/** The file attach follows for live output. */
export function outputPathOf(svc: ContainerService, rec: ContainerRecord): string {
  return logConfigOf(rec).Type === 'none' ? path.join(svc.bundleDir(rec.id), 'output.log') : logFileOf(svc, rec);
}

export interface StartedLogging {
  /** conmon's `-l k8s-file:` path and --log-size-max. */
  conmonLog: string;
  sizeMax?: number;
  /** After a failed conmon start: lets a writer waiting for it go. */
  release(): Promise<void>;
}

/** Sets up the container's logging before conmon starts (the bundle directory exists). */
export async function startLogging(svc: ContainerService, rec: ContainerRecord): Promise<StartedLogging> {
  const lc = logConfigOf(rec);
  if (lc.Type === 'none') {
    const out = outputPathOf(svc, rec);
    await fsp.writeFile(out, '');
    return { conmonLog: out, sizeMax: NONE_OUTPUT_MAX, release: async () => undefined };
  }
  const rotation = rotationOf(lc);
  const fifo = path.join(svc.bundleDir(rec.id), 'log.fifo');
  const file = logFileOf(svc, rec);
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await startLogWriter({ loggerPath: svc.o.loggerPath, fifo, file, rotation });
  return { conmonLog: fifo, release: () => releaseLogWriter(fifo) };
}
