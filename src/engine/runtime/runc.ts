// Thin wrappers over the OCI runtime binary (runc): every call is one short-lived process.
import { execFile } from 'node:child_process';
import { SystemError } from '../errors.js';

export interface RuntimeInfo {
  /** The runtime binary (e.g. /usr/sbin/runc). */
  path: string;
  /** runc's state directory (`--root`). */
  root: string;
}

export function runRuntime(rt: RuntimeInfo, args: string[], timeoutMs = 30_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(rt.path, ['--root', rt.root, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const msg = (stderr || err.message).trim();
        reject(new SystemError(cleanRuncMessage(msg)));
      } else resolve({ stdout, stderr });
    });
  });
}

/** runc prints `time="…" level=error msg="…"`; keep just the message. */
export function cleanRuncMessage(s: string): string {
  const lines = s.split('\n').filter(Boolean);
  const msgs = lines.map((l) => {
    const m = /msg="((?:[^"\\]|\\.)*)"/.exec(l);
    return m ? m[1].replace(/\\"/g, '"').replace(/\\\\/g, '\\') : l;
  });
  return msgs.join('; ');
}

export const runcStart = (rt: RuntimeInfo, id: string) => runRuntime(rt, ['start', id]);
export const runcKill = (rt: RuntimeInfo, id: string, signal: string, all = false) =>
  runRuntime(rt, ['kill', ...(all ? ['--all'] : []), id, signal]);
export const runcPause = (rt: RuntimeInfo, id: string) => runRuntime(rt, ['pause', id]);
export const runcResume = (rt: RuntimeInfo, id: string) => runRuntime(rt, ['resume', id]);

export async function runcDelete(rt: RuntimeInfo, id: string, force = false): Promise<void> {
  try {
    await runRuntime(rt, ['delete', ...(force ? ['--force'] : []), id]);
  } catch (e: any) {
    if (!/does not exist|not exist/.test(String(e.message))) throw e;
  }
}

export interface RuncState {
  id: string;
  pid: number;
  status: 'created' | 'running' | 'paused' | 'stopped' | 'creating';
}

export async function runcState(rt: RuntimeInfo, id: string): Promise<RuncState | undefined> {
  try {
    const { stdout } = await runRuntime(rt, ['state', id]);
    return JSON.parse(stdout) as RuncState;
  } catch {
    return undefined;
  }
}

/** Host PIDs of every process in the container (`runc ps --format json`). */
export async function runcPids(rt: RuntimeInfo, id: string): Promise<number[]> {
  const { stdout } = await runRuntime(rt, ['ps', '--format', 'json', id]);
  return (JSON.parse(stdout) as number[] | null) ?? [];
}

export async function runcUpdate(rt: RuntimeInfo, id: string, resourcesJson: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  await new Promise<void>((resolve, reject) => {
    const p = spawn(rt.path, ['--root', rt.root, 'update', '--resources', '-', id], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new SystemError(cleanRuncMessage(err)))));
    p.stdin.end(resourcesJson);
  });
}
