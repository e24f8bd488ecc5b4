// Driving a program through a pseudo-terminal, for `docker run -it`, `attach` and detach keys.
// util-linux `script -qfec CMD /dev/null` gives CMD a pty; we talk to script through pipes.
// Input is a script of steps: wait until some text has appeared, then type. No pauses: busybox sh
// makes its terminal raw before it prints the prompt, and text typed earlier waits in the pty.
import { spawn } from 'node:child_process';
import { CommandTimeoutError } from './proc.js';

export interface PtyStep {
  /** Wait until the output (from where the previous wait matched) contains this. */
  waitFor?: string | RegExp;
  /** Typed into the terminal. */
  send?: string | Buffer;
}

export interface PtyOptions {
  env?: Record<string, string | undefined>;
  steps?: PtyStep[];
  /** The whole run, steps and exit, must finish in this time. Default 30 s. */
  timeoutMs?: number;
  /** Each waitFor must match within this time. Default 15 s. */
  stepTimeoutMs?: number;
}

export interface PtyResult {
  /** script's exit code: the inner command's (script -e). */
  code: number;
  /** Everything the terminal showed, with \r\n line ends as a terminal sends them. */
  output: string;
}

/** Runs `cmdline` (a shell command line) under a pty and plays `steps` into it. */
export function runInPty(cmdline: string, opts: PtyOptions = {}): Promise<PtyResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const stepTimeoutMs = opts.stepTimeoutMs ?? 15_000;
  const env: Record<string, string | undefined> = { ...process.env, TERM: 'xterm', ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const child = spawn('script', ['-qfec', cmdline, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => {});
  let output = '';
  let searchFrom = 0;
  let onData: (() => void) | undefined;
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString('utf8');
    onData?.();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString('utf8');
    onData?.();
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  let finished = false;
  void exited.then(() => {
    finished = true;
    onData?.();
  });

  const waitText = (pattern: string | RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        const rest = output.slice(searchFrom);
        const m = typeof pattern === 'string' ? (rest.includes(pattern) ? { index: rest.indexOf(pattern), length: pattern.length } : undefined) : (() => {
          const r = pattern.exec(rest);
          return r ? { index: r.index, length: r[0].length } : undefined;
        })();
        if (m) {
          searchFrom += m.index + m.length;
          clearTimeout(timer);
          onData = undefined;
          resolve();
        } else if (finished) {
          clearTimeout(timer);
          onData = undefined;
          reject(new Error(`program exited before printing ${String(pattern)}; output:\n${output}`));
        }
      };
      const timer = setTimeout(() => {
        onData = undefined;
        reject(new Error(`no ${String(pattern)} within ${stepTimeoutMs} ms; output:\n${output}`));
      }, stepTimeoutMs);
      onData = check;
      check();
    });

  const play = async (): Promise<PtyResult> => {
    for (const step of opts.steps ?? []) {
      if (step.waitFor !== undefined) await waitText(step.waitFor);
      if (step.send !== undefined) child.stdin.write(step.send);
    }
    // stdin stays open until the program is done: script ends the session when its input closes.
    const code = await exited;
    child.stdin.end();
    return { code, output };
  };

  return new Promise<PtyResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new CommandTimeoutError(`script -qfec ${cmdline}`, timeoutMs, output, ''));
    }, timeoutMs);
    play().then(
      (r) => {
        clearTimeout(timer);
        resolve(r);
      },
      (e) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(e);
      },
    );
  });
}
