// A small flag parser with the docker CLI's (spf13/pflag) forms: `-it` bundles, `-e K=V`,
// `-eK=V`, `--env=K=V`, `--env K=V`, `--rm=false`, repeated list flags, `--` and, for run/exec,
// stopping at the first positional so the container's own flags are left alone.
import { UsageError } from './errors.js';

export type FlagKind = 'bool' | 'string' | 'list' | 'int';

export interface FlagDef {
  /** Long name without dashes, e.g. `env`. */
  name: string;
  /** One-letter shorthand without dash, e.g. `e`. */
  short?: string;
  kind: FlagKind;
  desc?: string;
  /** Default shown in help and returned when the flag is absent (string/int flags). */
  default?: string;
  /** Further long names (e.g. `net` for `network`); values land under `name`. */
  aliases?: string[];
  hidden?: boolean;
}

export interface ParseOptions {
  /** Stop parsing flags at the first positional (run, exec, create): the rest is the command. */
  stopAtPositional?: number;
}

export class ParsedFlags {
  /** Values in command-line order; bools hold 'true'/'false'. */
  private readonly values = new Map<string, string[]>();

  constructor(
    private readonly defs: Map<string, FlagDef>,
    readonly positionals: string[],
  ) {}

  set(name: string, value: string): void {
    const def = this.defs.get(name);
    const list = this.values.get(name);
    if (def?.kind === 'list' && list) list.push(value);
    else this.values.set(name, [value]);
  }

  /** True when the flag appeared on the command line (pflag's `Changed`). */
  changed(name: string): boolean {
    return this.values.has(name);
  }

  bool(name: string): boolean {
    const v = this.values.get(name);
    if (!v) return this.defs.get(name)?.default === 'true';
    return v[v.length - 1] === 'true';
  }

  string(name: string): string {
    const v = this.values.get(name);
    if (!v) return this.defs.get(name)?.default ?? '';
    return v[v.length - 1];
  }

  /** Undefined when absent and without default: lets callers tell "not given" from "". */
  optString(name: string): string | undefined {
    return this.changed(name) ? this.string(name) : this.defs.get(name)?.default;
  }

  int(name: string): number {
    const s = this.string(name);
    return s === '' ? 0 : Number(s);
  }

  list(name: string): string[] {
    return [...(this.values.get(name) ?? [])];
  }
}

function indexDefs(defs: FlagDef[]): { byLong: Map<string, FlagDef>; byShort: Map<string, FlagDef>; byName: Map<string, FlagDef> } {
  const byLong = new Map<string, FlagDef>();
  const byShort = new Map<string, FlagDef>();
  const byName = new Map<string, FlagDef>();
  for (const d of defs) {
    byLong.set(d.name, d);
    byName.set(d.name, d);
    for (const a of d.aliases ?? []) byLong.set(a, d);
    if (d.short) byShort.set(d.short, d);
  }
  return { byLong, byShort, byName };
}

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function parseBoolValue(value: string, flagLabel: string): string {
  if (TRUE_WORDS.has(value)) return 'true';
  if (FALSE_WORDS.has(value)) return 'false';
  throw new UsageError(`invalid argument "${value}" for "${flagLabel}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`);
}

function checkValue(def: FlagDef, value: string, flagLabel: string): string {
  if (def.kind === 'bool') return parseBoolValue(value, flagLabel);
  if (def.kind === 'int' && !/^-?\d+$/.test(value)) {
    throw new UsageError(`invalid argument "${value}" for "${flagLabel}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`);
  }
  return value;
}

/**
 * Parses argv against defs. `--help`/`-h` (unless -h is taken, as by run's --hostname) becomes
 * the bool `help`. Throws UsageError with pflag's wording on bad input.
 */
export function parseFlags(defs: FlagDef[], argv: string[], opts: ParseOptions = {}): ParsedFlags {
  const all: FlagDef[] = [...defs];
  if (!defs.some((d) => d.name === 'help')) all.push({ name: 'help', short: defs.some((d) => d.short === 'h') ? undefined : 'h', kind: 'bool', hidden: true });
  const { byLong, byShort, byName } = indexDefs(all);
  const positionals: string[] = [];
  const parsed = new ParsedFlags(byName, positionals);
  const stopAt = opts.stopAtPositional;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (stopAt !== undefined && positionals.length >= stopAt) {
      positionals.push(...argv.slice(i));
      break;
    }
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      const def = byLong.get(name);
      if (!def) throw new UsageError(`unknown flag: --${name}`);
      const label = `--${name}`;
      if (eq >= 0) parsed.set(def.name, checkValue(def, arg.slice(eq + 1), label));
      else if (def.kind === 'bool') parsed.set(def.name, 'true');
      else {
        if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: --${name}`);
        parsed.set(def.name, checkValue(def, argv[++i], label));
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // A bundle of shorthands: every letter is a bool until one takes a value (the rest, or the next arg).
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j];
        const def = byShort.get(letter);
        if (!def) throw new UsageError(`unknown shorthand flag: '${letter}' in ${arg}`);
        const label = `-${letter}, --${def.name}`;
        const rest = arg.slice(j + 1);
        if (def.kind === 'bool') {
          if (rest.startsWith('=')) {
            parsed.set(def.name, checkValue(def, rest.slice(1), label));
            break;
          }
          parsed.set(def.name, 'true');
          continue;
        }
        if (rest.length > 0) parsed.set(def.name, checkValue(def, rest.startsWith('=') ? rest.slice(1) : rest, label));
        else {
          if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: '${letter}' in -${letter}`);
          parsed.set(def.name, checkValue(def, argv[++i], label));
        }
        break;
      }
      continue;
    }
    positionals.push(arg);
  }
  return parsed;
}
