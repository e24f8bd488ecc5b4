// Typed instructions from AST nodes (buildkit frontend/dockerfile/instructions/parse.go): flag
// validation, argument counts and Docker's error wording for each instruction.
import { InstructionError } from './errors.js';
import { chompHeredocContent, parseHeredoc, type Heredoc, type Node } from './ast.js';
import { parseGoDuration } from '../go-format.js';

export interface KeyValue {
  key: string;
  value: string;
}

export interface ArgDef {
  key: string;
  /** undefined when declared without a default (`ARG NAME`). */
  value?: string;
}

export interface HealthConfig {
  Test: string[];
  /** Durations in nanoseconds, 0 meaning "inherit/default" (omitted from JSON when 0). */
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** An inline file from a heredoc in COPY/ADD sources. */
export interface SourceContent {
  path: string;
  data: string;
  expand: boolean;
}

/** Shell-form command lines get the SHELL prepended at dispatch; exec form is used as is. */
export interface CmdLine {
  cmdLine: string[];
  prependShell: boolean;
  /** Heredoc bodies attached to a RUN. */
  files: Array<{ name: string; data: string; chomp: boolean }>;
}

interface Base {
  /** Lower-case instruction name. */
  name: string;
  /** The instruction as written, trimmed (what `Step n/m :` prints). */
  code: string;
  line: number;
  endLine: number;
}

export type Instruction =
  | (Base & { name: 'env'; env: KeyValue[] })
  | (Base & { name: 'label'; labels: KeyValue[]; /** --label options are not expanded. */ noExpand?: boolean })
  | (Base & { name: 'maintainer'; maintainer: string })
  | (Base & {
      name: 'add';
      sources: string[];
      contents: SourceContent[];
      dest: string;
      chown: string;
      chmod: string;
      link: boolean;
      keepGitDir?: boolean;
      checksum: string;
      unpack?: boolean;
      excludes: string[];
    })
  | (Base & {
      name: 'copy';
      sources: string[];
      contents: SourceContent[];
      dest: string;
      from: string;
      chown: string;
      chmod: string;
      link: boolean;
      parents: boolean;
      excludes: string[];
    })
  | (Base & { name: 'onbuild'; expression: string })
  | (Base & { name: 'workdir'; path: string })
  | (Base & { name: 'run'; cmd: CmdLine; mounts: string[]; network: string; security: string; devices: string[]; flagsUsed: string[] })
  | (Base & { name: 'cmd'; cmd: CmdLine })
  | (Base & { name: 'entrypoint'; cmd: CmdLine })
  | (Base & { name: 'healthcheck'; health: HealthConfig })
  | (Base & { name: 'expose'; ports: string[] })
  | (Base & { name: 'user'; user: string })
  | (Base & { name: 'volume'; volumes: string[] })
  | (Base & { name: 'stopsignal'; signal: string })
  | (Base & { name: 'arg'; args: ArgDef[] })
  | (Base & { name: 'shell'; shell: string[] });

export type InstructionName = Instruction['name'];
export type InstructionOf<N extends InstructionName> = Extract<Instruction, { name: N }>;

export interface Stage {
  /** Lower-cased `AS` name, or "". */
  name: string;
  /** The image reference after FROM, unexpanded. */
  baseName: string;
  platform: string;
  code: string;
  line: number;
  commands: Instruction[];
}

export const ALL_INSTRUCTIONS = [
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
];

export class UnknownInstructionError extends InstructionError {}

// ---- flags (BFlags) -------------------------------------------------------------------------

type FlagType = 'bool' | 'string' | 'strings';

class BFlags {
  private readonly defs = new Map<string, FlagType>();
  readonly values = new Map<string, string>();
  readonly lists = new Map<string, string[]>();
  readonly used: string[] = [];

  constructor(private readonly args: string[]) {}

  add(name: string, type: FlagType): this {
    this.defs.set(name, type);
    return this;
  }

  parse(): void {
    for (const a of this.args) {
      if (a === '--') return;
      if (!a.startsWith('--')) throw new InstructionError(`arg should start with -- : ${a}`);
      const eq = a.indexOf('=');
      const flagName = eq < 0 ? a : a.slice(0, eq);
      const hasValue = eq >= 0;
      const value = hasValue ? a.slice(eq + 1) : '';
      const name = flagName.slice(2);
      const type = this.defs.get(name);
      if (!type) {
        const hint = suggest(name, [...this.defs.keys()], true);
        throw new InstructionError(`unknown flag: ${flagName}${hint ? ` (did you mean ${hint}?)` : ''}`);
      }
      if (this.used.includes(name) && type !== 'strings') throw new InstructionError(`duplicate flag specified: ${flagName}`);
      if (!this.used.includes(name)) this.used.push(name);
      if (type === 'bool') {
        if (hasValue && value === '') throw new InstructionError(`missing a value on flag: ${flagName}`);
        const v = value.toLowerCase();
        if (v === 'true' || v === '') this.values.set(name, 'true');
        else if (v === 'false') this.values.set(name, 'false');
        else throw new InstructionError(`expecting boolean value for flag ${flagName}, not: ${value}`);
      } else if (type === 'string') {
        if (!hasValue) throw new InstructionError(`missing a value on flag: ${flagName}`);
        this.values.set(name, value);
      } else {
        if (!hasValue) throw new InstructionError(`missing a value on flag: ${flagName}`);
        this.lists.set(name, [...(this.lists.get(name) ?? []), value]);
      }
    }
  }

  str(name: string): string {
    return this.values.get(name) ?? '';
  }
  bool(name: string): boolean {
    return this.values.get(name) === 'true';
  }
  optBool(name: string): boolean | undefined {
    return this.used.includes(name) ? this.bool(name) : undefined;
  }
  list(name: string): string[] {
    return this.lists.get(name) ?? [];
  }
}

// ---- suggestions ----------------------------------------------------------------------------

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** buildkit's suggest.Search: the closest option within edit distance 2, case kept like the input. */
export function suggest(val: string, options: string[], caseSensitive: boolean): string | undefined {
  const v = caseSensitive ? val : val.toLowerCase();
  let match: string | undefined;
  let min = 3;
  for (let opt of options) {
    if (!caseSensitive) opt = opt.toLowerCase();
    if (v === opt) return undefined;
    const dist = levenshtein(v, opt);
    if (dist < min) {
      min = dist;
      if (caseSensitive) match = opt;
      else if (val === val.toLowerCase()) match = opt.toLowerCase();
      else if (val === val.toUpperCase()) match = opt.toUpperCase();
      else match = opt;
    }
  }
  return match;
}

// ---- instruction parsing --------------------------------------------------------------------

const errAtLeastOne = (c: string): InstructionError => new InstructionError(`${c} requires at least one argument`);
const errExactlyOne = (c: string): InstructionError => new InstructionError(`${c} requires exactly one argument`);
const errNoDest = (c: string): InstructionError =>
  new InstructionError(`${c} requires at least two arguments, but only one was provided. Destination could not be determined`);

const VALID_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

function base(node: Node): Base {
  return { name: node.value.toLowerCase(), code: node.original.trim(), line: node.startLine, endLine: node.endLine };
}

function handleJSONArgs(args: string[], json: boolean): string[] {
  if (args.length === 0) return [];
  if (json) return args;
  return [args.join(' ')];
}

function kvps(args: string[], cmd: string): KeyValue[] {
  if (args.length === 0) throw errAtLeastOne(cmd);
  if (args.length % 3 !== 0) throw new InstructionError(`Bad input to ${cmd}, too many arguments`);
  const out: KeyValue[] = [];
  for (let i = 0; i < args.length; i += 3) {
    if (args[i].length === 0) throw new InstructionError(`${cmd} names can not be blank`);
    out.push({ key: args[i], value: args[i + 1] });
  }
  return out;
}

function sourcesAndDest(node: Node, cmd: string): { sources: string[]; contents: SourceContent[]; dest: string } {
  const srcs = node.args.slice(0, -1);
  const dest = node.args[node.args.length - 1];
  if (parseHeredoc(dest)) throw new InstructionError(`${cmd} cannot accept a heredoc as a destination`);
  const byName = new Map<string, Heredoc>(node.heredocs.map((h) => [h.name, h]));
  const sources: string[] = [];
  const contents: SourceContent[] = [];
  for (const s of srcs) {
    const h = parseHeredoc(s);
    if (h) {
      let data = byName.get(h.name)?.content ?? '';
      if (h.chomp) data = chompHeredocContent(data);
      contents.push({ path: h.name, data, expand: h.expand });
    } else {
      sources.push(s);
    }
  }
  return { sources, contents, dest };
}

function cmdLine(node: Node, emptyAsNil: boolean): CmdLine {
  let args = handleJSONArgs(node.args, node.json);
  if (emptyAsNil && args.length === 0) args = [];
  return {
    cmdLine: args,
    prependShell: !node.json,
    files: node.heredocs.map((h) => ({ name: h.name, data: h.content, chomp: h.chomp })),
  };
}

function optInterval(flags: BFlags, name: string): number {
  const s = flags.str(name);
  if (s === '') return 0;
  const d = parseGoDuration(s);
  if (d === 0) return 0;
  if (d < 1_000_000) throw new InstructionError(`Interval "${name}" cannot be less than 1ms`);
  return d;
}

/** A FROM line begins a stage; everything else is an Instruction. */
export function parseInstruction(node: Node): Instruction | Stage {
  const b = base(node);
  const flags = new BFlags(node.flags);
  const args = node.args;
  switch (b.name) {
    case 'env': {
      flags.parse();
      return { ...b, name: 'env', env: kvps(args, 'ENV') };
    }
    case 'maintainer': {
      if (args.length !== 1) throw errExactlyOne('MAINTAINER');
      flags.parse();
      return { ...b, name: 'maintainer', maintainer: args[0] };
    }
    case 'label': {
      flags.parse();
      return { ...b, name: 'label', labels: kvps(args, 'LABEL') };
    }
    case 'add': {
      if (args.length < 2) throw errNoDest('ADD');
      flags.add('chown', 'string').add('chmod', 'string').add('link', 'bool').add('keep-git-dir', 'bool');
      flags.add('checksum', 'string').add('unpack', 'bool').add('exclude', 'strings');
      flags.parse();
      return {
        ...b,
        name: 'add',
        ...sourcesAndDest(node, 'ADD'),
        chown: flags.str('chown'),
        chmod: flags.str('chmod'),
        link: flags.bool('link'),
        keepGitDir: flags.optBool('keep-git-dir'),
        checksum: flags.str('checksum'),
        unpack: flags.optBool('unpack'),
        excludes: flags.list('exclude'),
      };
    }
    case 'copy': {
      if (args.length < 2) throw errNoDest('COPY');
      flags.add('chown', 'string').add('from', 'string').add('chmod', 'string').add('link', 'bool');
      flags.add('exclude', 'strings').add('parents', 'bool');
      flags.parse();
      return {
        ...b,
        name: 'copy',
        ...sourcesAndDest(node, 'COPY'),
        from: flags.str('from'),
        chown: flags.str('chown'),
        chmod: flags.str('chmod'),
        link: flags.bool('link'),
        parents: flags.bool('parents'),
        excludes: flags.list('exclude'),
      };
    }
    case 'from': {
      let stageName = '';
      if (args.length === 3 && args[1].toLowerCase() === 'as') {
        stageName = args[2].toLowerCase();
        if (!VALID_STAGE_NAME.test(stageName)) {
          throw new InstructionError(`invalid name for build stage: ${JSON.stringify(args[2])}, name can't start with a number or contain symbols`);
        }
      } else if (args.length !== 1) {
        throw new InstructionError('FROM requires either one or three arguments');
      }
      flags.add('platform', 'string');
      flags.parse();
      return { name: stageName, baseName: args[0], platform: flags.str('platform'), code: b.code, line: b.line, commands: [] };
    }
    case 'onbuild': {
      if (args.length === 0) throw errAtLeastOne('ONBUILD');
      flags.parse();
      const trigger = args[0].trim().toUpperCase();
      if (trigger === 'ONBUILD') throw new InstructionError('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
      if (trigger === 'MAINTAINER' || trigger === 'FROM') throw new InstructionError(`${trigger} isn't allowed as an ONBUILD trigger`);
      let expression = node.original.replace(/^\s*ONBUILD\s*/i, '');
      for (const h of node.heredocs) expression += '\n' + h.content + h.name;
      return { ...b, name: 'onbuild', expression };
    }
    case 'workdir': {
      if (args.length !== 1) throw errExactlyOne('WORKDIR');
      flags.parse();
      return { ...b, name: 'workdir', path: args[0] };
    }
    case 'run': {
      flags.add('mount', 'strings').add('network', 'string').add('security', 'string').add('device', 'strings');
      flags.parse();
      return {
        ...b,
        name: 'run',
        cmd: cmdLine(node, false),
        mounts: flags.list('mount'),
        network: flags.str('network'),
        security: flags.str('security'),
        devices: flags.list('device'),
        flagsUsed: [...flags.used],
      };
    }
    case 'cmd': {
      flags.parse();
      return { ...b, name: 'cmd', cmd: cmdLine(node, false) };
    }
    case 'entrypoint': {
      flags.parse();
      return { ...b, name: 'entrypoint', cmd: cmdLine(node, true) };
    }
    case 'healthcheck':
      return { ...b, name: 'healthcheck', health: parseHealthcheck(node, flags) };
    case 'expose': {
      if (args.length === 0) throw errAtLeastOne('EXPOSE');
      flags.parse();
      return { ...b, name: 'expose', ports: [...args].sort() };
    }
    case 'user': {
      if (args.length !== 1) throw errExactlyOne('USER');
      flags.parse();
      return { ...b, name: 'user', user: args[0] };
    }
    case 'volume': {
      if (args.length === 0) throw errAtLeastOne('VOLUME');
      flags.parse();
      const volumes = args.map((v) => v.trim());
      if (volumes.some((v) => v === '')) throw new InstructionError('VOLUME specified can not be an empty string');
      return { ...b, name: 'volume', volumes };
    }
    case 'stopsignal': {
      if (args.length !== 1) throw errExactlyOne('STOPSIGNAL');
      return { ...b, name: 'stopsignal', signal: args[0] };
    }
    case 'arg': {
      if (args.length < 1) throw errAtLeastOne('ARG');
      const defs: ArgDef[] = args.map((a) => {
        const i = a.indexOf('=');
        if (i < 0) return { key: a };
        if (i === 0) throw new InstructionError('ARG names can not be blank');
        return { key: a.slice(0, i), value: a.slice(i + 1) };
      });
      return { ...b, name: 'arg', args: defs };
    }
    case 'shell': {
      flags.parse();
      const shell = handleJSONArgs(args, node.json);
      if (shell.length === 0) throw errAtLeastOne('SHELL');
      if (!node.json) {
        throw new InstructionError(`SHELL requires the arguments to be in JSON form`);
      }
      return { ...b, name: 'shell', shell };
    }
  }
  const hint = suggest(node.value, ALL_INSTRUCTIONS, false);
  throw new UnknownInstructionError(`unknown instruction: ${node.value}${hint ? ` (did you mean ${hint}?)` : ''}`);
}

function parseHealthcheck(node: Node, flags: BFlags): HealthConfig {
  const args = node.args;
  if (args.length === 0) throw errAtLeastOne('HEALTHCHECK');
  let typ = args[0].toUpperCase();
  const rest = args.slice(1);
  if (typ === 'NONE') {
    if (rest.length !== 0) throw new InstructionError('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  flags.add('interval', 'string').add('timeout', 'string').add('start-period', 'string');
  flags.add('start-interval', 'string').add('retries', 'string');
  flags.parse();
  if (typ !== 'CMD') throw new InstructionError(`Unknown type "${typ}" in HEALTHCHECK (try CMD)`);
  const cmd = handleJSONArgs(rest, node.json);
  if (cmd.length === 0) throw new InstructionError('Missing command after HEALTHCHECK CMD');
  if (!node.json) typ = 'CMD-SHELL';
  const hc: HealthConfig = { Test: [typ, ...cmd] };
  hc.Interval = optInterval(flags, 'interval');
  hc.Timeout = optInterval(flags, 'timeout');
  hc.StartPeriod = optInterval(flags, 'start-period');
  hc.StartInterval = optInterval(flags, 'start-interval');
  const r = flags.str('retries');
  if (r !== '') {
    if (!/^[+-]?\d+$/.test(r)) throw new InstructionError(`strconv.ParseInt: parsing ${JSON.stringify(r)}: invalid syntax`);
    const n = Number(r);
    if (n < 0) throw new InstructionError(`--retries cannot be negative (${n})`);
    hc.Retries = n;
  } else {
    hc.Retries = 0;
  }
  return hc;
}
