// Host tools the archive code needs where Node has no API: mknod (overlay whiteouts) and
// setfattr (opaque directories, file capabilities; Debian package `attr`).
import { spawn } from 'node:child_process';
import { SystemError } from '../util/errors.js';

/** Runs a tool to completion; rejects with its stderr when it fails. */
export function runTool(cmd: string, args: string[], stdin?: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new SystemError(`${cmd}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new SystemError(`${cmd} failed (exit ${code}): ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(stdin ?? '');
  });
}
