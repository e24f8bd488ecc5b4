// Service output as compose prints it (cmd/formatter/logs.go, colors.go): each line prefixed with
// the container's short name (`web-1`) padded to the longest name, then " | ", in a colour per
// container taken from compose's rainbow; status lines such as "web-1 exited with code 0".
// The plain printer for `logs` and attached `up`; the live view (tui/) takes the lines as a LogSink.
import type { EngineClient } from '../client/client.js';
import { FrameDecoder } from '../client/demux.js';

const RAINBOW = ['36', '33', '32', '35', '34', '36;1', '33;1', '32;1', '35;1', '34;1'];
const color = (code: string, s: string): string => `\x1b[${code}m${s}\x1b[0m`;

export interface LogPrinterOptions {
  color: boolean;
  prefix: boolean;
  timestamps?: boolean;
}

/** Where followed output goes: the plain printer below, or the live view. */
export interface LogSink {
  /** Registers a container name before its first line. */
  register(name: string): void;
  /** One line of a container's output (without its newline). */
  line(name: string, text: string, stream?: 'stdout' | 'stderr'): void;
  /** A line about a container ("web-1 exited with code 0"). */
  status(name: string, message: string): void;
}

export class LogPrinter implements LogSink {
  private readonly colors = new Map<string, string>();
  private next = 0;
  private width = 0;

  constructor(
    private readonly stdout: (text: string) => void,
    private readonly stderr: (text: string) => void,
    private readonly opts: LogPrinterOptions,
  ) {}

  /** Registers a container name: gives it the next colour and widens the prefixes. */
  register(name: string): void {
    if (this.colors.has(name)) return;
    this.colors.set(name, RAINBOW[this.next++ % RAINBOW.length]);
    this.width = Math.max(this.width, name.length + 1);
  }

  prefix(name: string): string {
    if (!this.opts.prefix) return '';
    this.register(name);
    const text = `${name.padEnd(this.width)} | `;
    return this.opts.color ? color(this.colors.get(name)!, text) : text;
  }

  /** One line of a container's output (without its newline). */
  line(name: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    (stream === 'stderr' ? this.stderr : this.stdout)(`${this.prefix(name)}${text}\n`);
  }

  /** A line about a container ("web-1 exited with code 0"), in its colour. */
  status(name: string, message: string): void {
    this.register(name);
    const text = `${name} ${message}`;
    this.stdout(`${this.opts.color ? color(this.colors.get(name)!, text) : text}\n`);
  }
}

/** Splits chunks into lines, keeping a partial last line until more comes or the stream ends. */
class Lines {
  private rest = '';
  push(text: string): string[] {
    const parts = (this.rest + text).split('\n');
    this.rest = parts.pop() ?? '';
    return parts.map((l) => l.replace(/\r$/, ''));
  }
  end(): string[] {
    const r = this.rest;
    this.rest = '';
    return r ? [r] : [];
  }
}

export interface FollowOptions {
  follow?: boolean;
  tail?: string;
  timestamps?: boolean;
  since?: string;
  until?: string;
  tty?: boolean;
  signal?: AbortSignal;
}

/** Prints a container's logs through `printer` under `name` until they end (or `signal`). */
export async function printLogs(client: EngineClient, id: string, name: string, printer: LogSink, opts: FollowOptions = {}): Promise<void> {
  const res = await client.containers.logs(id, {
    stdout: true,
    stderr: true,
    follow: opts.follow,
    tail: opts.tail,
    timestamps: opts.timestamps,
    since: opts.since,
    until: opts.until,
    signal: opts.signal,
  });
  const out = new Lines();
  const err = new Lines();
  const decoder = opts.tty ? undefined : new FrameDecoder();
  try {
    for await (const chunk of res) {
      if (!decoder) {
        for (const l of out.push((chunk as Buffer).toString('utf8'))) printer.line(name, l);
        continue;
      }
      for (const f of decoder.push(chunk as Buffer)) {
        const lines = f.stream === 2 ? err : out;
        for (const l of lines.push(f.data.toString('utf8'))) printer.line(name, l, f.stream === 2 ? 'stderr' : 'stdout');
      }
    }
  } catch (e) {
    if (!opts.signal?.aborted) throw e;
  }
  for (const l of out.end()) printer.line(name, l);
  for (const l of err.end()) printer.line(name, l, 'stderr');
}
