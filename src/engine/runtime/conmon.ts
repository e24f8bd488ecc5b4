// Starting a container under conmon: conmon daemonises, runs `runc create`, holds the container's
// stdio, writes its k8s-file records (to berth-logger's FIFO, or a file) and, when the container exits, its exit code to EXITDIR/<id>.
// We learn the container's PID (or runc's error) through the _OCI_SYNCPIPE descriptor.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { SystemError } from '../errors.js';
import type { RuntimeInfo } from './runc.js';
import { cleanRuncMessage } from './runc.js';

export interface ConmonStart {
  conmonPath: string;
  runtime: RuntimeInfo;
  id: string;
  name: string;
  bundleDir: string;
  /** Directory under which conmon makes `<socketId>` → bundle (attach socket, ctl FIFO). */
  socketDir: string;
  socketId: string;
  exitDir: string;
  /** Where conmon writes its k8s-file records: berth-logger's FIFO, or a file (exec, `none`). */
  logPath: string;
  /** conmon's --log-size-max: past it conmon starts the file afresh (renames a new one over it). */
  logSizeMax?: number;
  stdin: boolean;
  tty: boolean;
  /** Exec session: path of the process.json to run in the existing container. */
  exec?: { processSpecPath: string; sessionId: string };
  /** Keep the container's stdin open when an attached client goes away (TTY sessions re-attach). */
  leaveStdinOpen?: boolean;
}

export interface ConmonStarted {
  pid: number;
  /** Exec sessions only: the exit code, which conmon sends on the sync pipe when the process ends. */
  exitCode?: Promise<number>;
}

export class RuntimeStartError extends SystemError {}

/** Runs conmon and resolves with the container (or exec) PID once `runc create` (or exec) is done. */
export function startWithConmon(o: ConmonStart): Promise<ConmonStarted> {
  const args = [
    '--api-version', '1',
    '-c', o.id,
    '-u', o.exec ? o.exec.sessionId : o.socketId,
    '-n', o.name,
    '-r', o.runtime.path,
    '-b', o.bundleDir,
    '-p', `${o.bundleDir}/pidfile`,
    '--exit-dir', o.exitDir,
    '-l', `k8s-file:${o.logPath}`,
    '--socket-dir-path', o.socketDir,
    '--conmon-pidfile', `${o.bundleDir}/conmon.pid`,
    '--runtime-arg', `--root=${o.runtime.root}`,
    '--log-level', 'error',
  ];
  if (o.logSizeMax !== undefined) args.push('--log-size-max', String(o.logSizeMax));
  if (o.stdin) args.push('-i');
  if (o.tty) args.push('-t');
  if (o.leaveStdinOpen) args.push('--leave-stdin-open');
  if (o.exec) args.push('--exec', '--exec-process-spec', o.exec.processSpecPath);
  return new Promise((resolve, reject) => {
    const child = spawn(o.conmonPath, args, {
      // conmon writes files relative to its working directory (an `oom` marker when the
      // container is OOM-killed): keep them in the bundle, never in berthd's own directory.
      cwd: o.bundleDir,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', _OCI_SYNCPIPE: '3' },
      detached: true,
    });
    child.unref();
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const sync = child.stdio[3] as Readable;
    let buf = '';
    let settled = false;
    let messages = 0;
    let resolveExit: ((code: number) => void) | undefined;
    const exitCode = o.exec ? new Promise<number>((r) => (resolveExit = r)) : undefined;
    const finish = (err: Error | undefined, pid?: number) => {
      if (settled) return;
      settled = true;
      if (!o.exec || err) sync.destroy();
      child.stderr!.destroy();
      if (err) reject(err);
      else resolve({ pid: pid!, exitCode });
    };
    sync.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let msg: { data: number; message?: string };
        try {
          msg = JSON.parse(line);
        } catch {
          finish(new RuntimeStartError(`conmon: unexpected sync message ${JSON.stringify(line)}`));
          return;
        }
        messages++;
        if (messages === 1) {
          if (msg.data > 0) finish(undefined, msg.data);
          else finish(new RuntimeStartError(cleanRuncMessage(msg.message ?? 'container create failed')));
        } else if (resolveExit) {
          // Exec: the second message is the process's exit status.
          resolveExit(msg.data);
          resolveExit = undefined;
          sync.destroy();
        }
      }
    });
    sync.on('end', () => {
      finish(new RuntimeStartError(`conmon exited before the container started${stderr ? `: ${stderr.trim()}` : ''}`));
      resolveExit?.(-1);
    });
    sync.on('error', () => {});
    child.on('exit', (code) => {
      // conmon's first process exits 0 once it has daemonised; anything else is a failure.
      if (code !== 0) setTimeout(() => finish(new RuntimeStartError(`conmon failed: ${stderr.trim() || `exit status ${code}`}`)), 20);
    });
    child.on('error', (e) => finish(new RuntimeStartError(`cannot start conmon: ${e.message}`)));
  });
}

/** Sends a terminal resize through conmon's control FIFO (`1 rows cols`). */
export async function resizeViaConmon(ctlFifo: string, height: number, width: number): Promise<void> {
  const { open, constants } = await import('node:fs/promises');
  // O_NONBLOCK: never hang the daemon when conmon has gone and nobody reads the FIFO.
  const fh = await open(ctlFifo, constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    await fh.write(`1 ${height} ${width}\n`);
  } finally {
    await fh.close();
  }
}
