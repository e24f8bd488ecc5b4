// Wall-clock timing of programs and async steps. A program is timed from spawn() to its exit
// event, which is what a user waiting at a shell prompt sees (plus the shell's own fork).
import { spawn } from 'node:child_process';

export interface TimedRun {
  ms: number;
  code: number;
  stdout: string;
  stderr: string;
}

export interface TimeCommandOptions {
  env?: NodeJS.ProcessEnv;
  /** Kill the program and fail after this long (default 60 s). */
  timeoutMs?: number;
  /** Accept a non-zero exit status instead of throwing. */
  allowFailure?: boolean;
}

/** Runs `file args` once and returns how long it took; throws on a non-zero exit unless allowed. */
export function timeCommand(file: string, args: readonly string[], opts: TimeCommandOptions = {}): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let exitedAt = 0n;
    let code = -1;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // The exit event marks the time; close (all output read) delivers the result.
    child.on('exit', (c, signal) => {
      exitedAt = process.hrtime.bigint();
      code = c ?? (signal ? 128 : -1);
    });
    child.on('close', () => {
      clearTimeout(timer);
      const result: TimedRun = {
        ms: Number((exitedAt || process.hrtime.bigint()) - start) / 1e6,
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (code !== 0 && !opts.allowFailure) reject(new Error(`${[file, ...args].join(' ')} exited ${code}: ${result.stderr.trim() || result.stdout.trim()}`));
      else resolve(result);
    });
  });
}

/** Milliseconds an async step takes. */
export async function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** Runs `fn` `warmup` times unmeasured, then `n` times one after another; returns the n timings. */
export async function repeat(n: number, fn: () => Promise<number>, warmup = 0): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) samples.push(await fn());
  return samples;
}

/** Runs `fn(i)` for i in 0..n-1 with at most `limit` in flight; results in order. */
export async function mapLimit<T>(n: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      results[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
  return results;
}
