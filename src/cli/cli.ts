// What every command gets: the global options, a lazily made API client, the standard
// streams, and flag parsing with docker's usage/help behaviour.
import { EngineClient } from '../client/client.js';
import { resolveEndpoint, type HostOptions } from '../client/host.js';
import { HelpShown, UsageError } from './errors.js';
import { parseFlags, type FlagDef, type ParsedFlags } from './flags.js';

export const PROG = 'berth';

export interface GlobalOptions extends HostOptions {
  debug?: boolean;
  /** Directory of config.json (login credentials); --config or DOCKER_CONFIG. */
  configDir?: string;
}

export interface CommandSpec {
  /** e.g. "rm [OPTIONS] CONTAINER [CONTAINER...]" (without the program name). */
  usage: string;
  description: string;
  flags: FlagDef[];
  minArgs?: number;
  maxArgs?: number;
  /** Flags after this many positionals belong to the container's command (run, exec). */
  stopAtPositional?: number;
  /** Extra help text after the flag list. */
  notes?: string;
}

export class Cli {
  private engine?: EngineClient;
  /** The command path as typed, e.g. "container ls"; used in usage errors. */
  commandPath = '';
  /** The group's own options typed before the verb (`compose -f a.yml up`: ["-f", "a.yml"]). */
  groupArgs: string[] = [];

  constructor(
    readonly globals: GlobalOptions,
    readonly stdout: NodeJS.WriteStream = process.stdout,
    readonly stderr: NodeJS.WriteStream = process.stderr,
    private stdinStream?: NodeJS.ReadStream,
  ) {}

  /**
   * Standard input, opened on first use: process.stdin builds a stream when first read (for a file
   * or /dev/null that loads fs streams, fs/promises and readline, ~1.5 ms), which most commands never need.
   */
  get stdin(): NodeJS.ReadStream {
    this.stdinStream ??= process.stdin;
    return this.stdinStream;
  }

  client(): EngineClient {
    this.engine ??= new EngineClient(resolveEndpoint(this.globals));
    return this.engine;
  }

  out(text: string): void {
    this.stdout.write(text);
  }

  err(text: string): void {
    this.stderr.write(text);
  }

  close(): void {
    this.engine?.close();
    // Attach/exec may leave stdin listening; nothing else should keep the process alive.
    if (this.stdinStream && this.stdinStream.listenerCount('data') > 0) this.stdinStream.pause();
  }

  /** Parses a command's flags; prints help (and throws HelpShown) for --help; checks arg counts. */
  parse(spec: CommandSpec, argv: string[]): ParsedFlags {
    const flags = parseFlags(spec.flags, argv, { stopAtPositional: spec.stopAtPositional });
    if (flags.bool('help')) {
      this.out(helpText(this.commandPath, spec));
      throw new HelpShown();
    }
    const n = flags.positionals.length;
    const name = `"${PROG} ${this.commandPath}"`;
    const tail = `\nSee '${PROG} ${this.commandPath} --help'.\n\nUsage:  ${PROG} ${spec.usage}\n\n${spec.description}`;
    if (spec.minArgs !== undefined && spec.maxArgs === spec.minArgs && n !== spec.minArgs) {
      throw new UsageError(`${name} requires exactly ${spec.minArgs} argument${spec.minArgs === 1 ? '' : 's'}.${tail}`);
    }
    if (spec.minArgs !== undefined && n < spec.minArgs) {
      throw new UsageError(`${name} requires at least ${spec.minArgs} argument${spec.minArgs === 1 ? '' : 's'}.${tail}`);
    }
    if (spec.maxArgs !== undefined && n > spec.maxArgs) {
      throw new UsageError(
        spec.maxArgs === 0 ? `${name} accepts no arguments.${tail}` : `${name} accepts at most ${spec.maxArgs} argument${spec.maxArgs === 1 ? '' : 's'}.${tail}`,
      );
    }
    return flags;
  }
}

export function helpText(commandPath: string, spec: CommandSpec): string {
  const rows = spec.flags
    .filter((f) => !f.hidden)
    .map((f) => {
      const names = `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.kind === 'bool' ? '' : f.kind === 'list' ? ' list' : f.kind === 'int' ? ' int' : ' string'}`;
      const dflt = f.default && f.kind !== 'bool' ? ` (default ${f.kind === 'string' ? `"${f.default}"` : f.default})` : '';
      return [names, (f.desc ?? '') + dflt];
    });
  const width = Math.max(0, ...rows.map((r) => r[0].length)) + 3;
  let text = `\nUsage:  ${PROG} ${spec.usage}\n\n${spec.description}\n`;
  if (rows.length) text += `\nOptions:\n${rows.map(([a, b]) => `  ${a.padEnd(width)}${b}`.trimEnd()).join('\n')}\n`;
  if (spec.notes) text += `\n${spec.notes}\n`;
  void commandPath;
  return text;
}
