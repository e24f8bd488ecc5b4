// Running a client program (docker, berth, runc…) with a hard time limit, so a hang fails the
// test with what the program printed so far instead of stalling the whole suite.
import { spawn, type ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';

export interface CmdOptions {
  /** Written to stdin, which is then closed; a Readable is piped. Without it stdin is empty. */
  input?: string | Buffer | Readable;
  /** Kill the program (SIGKILL) and fail after this long. Default 20 s. */
  timeoutMs?: number;
  /** Added to (and overriding) the environment the harness passes. */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export interface CmdResult {
  code: number;
  /** Set when the program died from a signal instead of exiting. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for tar streams (save, export, cp -). */
  stdoutBuf: Buffer;
}

export class CommandTimeoutError extends Error {
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`timed out after ${timeoutMs} ms: ${command}\n--- stdout ---\n${stdout.slice(-2000)}\n--- stderr ---\n${stderr.slice(-2000)}`);
    this.name = 'CommandTimeoutError';
  }
}

export const DEFAULT_TIMEOUT_MS = 20_000;

/** Quotes one word for display in error messages and for `sh -c` / `script -c` command lines. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-./:=@%+,]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function runCommand(file: string, args: string[], opts: CmdOptions & { baseEnv?: NodeJS.ProcessEnv } = {}): Promise<CmdResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const display = [file, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const env = { ...(opts.baseEnv ?? process.env), ...opts.env };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const child = spawn(file, args, { env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    // A program that exits without reading its stdin makes our write fail with EPIPE: not an error.
    child.stdin.on('error', () => {});
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBuf = Buffer.concat(out);
      const stdout = stdoutBuf.toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) reject(new CommandTimeoutError(display, timeoutMs, stdout, stderr));
      else resolve({ code: code ?? -1, signal, stdout, stderr, stdoutBuf });
    });
    if (opts.input instanceof Readable) opts.input.pipe(child.stdin);
    else if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** Formats a result for assertion messages: the exit code and both streams. */
export function describeResult(r: CmdResult): string {
  return `exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}\n--- stdout ---\n${r.stdout.slice(-3000)}\n--- stderr ---\n${r.stderr.slice(-3000)}`;
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `check` until it returns a truthy value or the time is up (then throws with `what`). Only
 * for states nothing announces (a file inside a container, a kernel object going away): where an
 * event exists (the engine's /events, `docker wait`, a child's output), wait on that instead.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await pause(intervalMs);
  }
}

/**
 * Resolves once a long-running child has printed `pattern` on `stream` (a server's "listening"
 * line): the child says when it is ready, so nobody polls its port. Rejects if the child exits
 * first or the time is up, with what it printed.
 */
export function waitForOutput(child: ChildProcess, stream: Readable, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let seen = '';
    const finish = (err?: Error) => {
      clearTimeout(timer);
      stream.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (pattern.test(seen)) finish();
    };
    const onExit = (code: number | null, signal: string | null) => finish(new Error(`exited (${code ?? signal}) before printing ${pattern}: ${seen}`));
    const timer = setTimeout(() => finish(new Error(`no ${pattern} within ${timeoutMs} ms: ${seen}`)), timeoutMs);
    stream.on('data', onData);
    child.once('exit', onExit);
  });
}
