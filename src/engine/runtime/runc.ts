// Thin wrappers over the OCI runtime binary (runc): every call is one short-lived process.
import { execFile } from 'node:child_process';
import { closeSync, constants as fsConstants, fstatSync, openSync, promises as fsp, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
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

/**
 * `runc start`. For runc itself, and a container whose init process is known, berthd does what that
 * command does instead of spawning it (~8 ms, a Go program's start-up, on every container start):
 * `runc create` leaves the container's init blocked opening `<root>/<id>/exec.fifo` for writing;
 * start opens the FIFO for reading, which lets init write one byte and exec the container's
 * process (the FIFO closes on exec), then removes the FIFO, which is how runc itself tells
 * "created" from "running". Other runtimes, or a FIFO that is not there, get the command.
 */
export async function runcStart(rt: RuntimeInfo, id: string, initPid?: number): Promise<void> {
  if (initPid && path.basename(rt.path) === 'runc') {
    const fifo = path.join(rt.root, id, 'exec.fifo');
    const outcome = await releaseExecFifo(fifo, initPid);
    if (outcome === 'started') return;
    if (outcome === 'dead') throw new SystemError('container process is already dead');
  }
  await runRuntime(rt, ['start', id]);
}

/** Opens runc's exec FIFO and reads it to the end; 'absent' when there is no FIFO to open. */
async function releaseExecFifo(fifo: string, initPid: number): Promise<'started' | 'absent' | 'dead'> {
  let fd: number;
  try {
    // Non-blocking: the open returns at once, and the reader it makes is what init waits for.
    fd = openSync(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch {
    return 'absent';
  }
  if (!fstatSync(fd).isFIFO()) {
    closeSync(fd);
    return 'absent';
  }
  const got = await new Promise<number>((resolve) => {
    // A FIFO is a pipe to libuv: data (init's byte), then end of file when exec closes it.
    const stream = new net.Socket({ fd, readable: true, writable: false });
    let bytes = 0;
    // As runc does: should init die without ever opening the FIFO, no end of file comes.
    // A process as short as `true` writes its byte, execs and is gone within one interval: this
    // timer can see it dead in the same loop turn its byte became readable, and timers run before
    // I/O. setImmediate runs after this turn's I/O, so the byte (and the end of file) is read first.
    const watch = setInterval(() => {
      if (!processAlive(initPid)) setImmediate(() => stream.destroy());
    }, 100);
    const done = () => {
      clearInterval(watch);
      resolve(bytes);
    };
    stream.on('data', (d: Buffer) => (bytes += d.length));
    stream.on('end', () => stream.destroy());
    stream.on('close', done);
    stream.on('error', () => stream.destroy());
  });
  if (got === 0) return 'dead';
  await fsp.rm(fifo, { force: true });
  return 'started';
}

/** Alive and not a zombie (/proc/<pid>/stat's state field). */
function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // "pid (comm) S …": the state follows the last ')' (comm may hold one) and a space.
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}
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
