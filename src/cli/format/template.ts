// A subset of Go's text/template, enough for the docker CLI's --format and inspect -f:
// fields (`.A.B`), `$` and variables, pipelines with `|`, function calls, parentheses,
// string/number/bool literals, `if`/`else if`/`else`, `range` (with `$i, $v :=`), `with`,
// comments, and `{{-`/`-}}` trimming. Functions are docker's: json, join, split, lower, upper,
// title, pad, truncate, println, print, printf, index, len, eq/ne/lt/le/gt/ge, and/or/not.

export type TemplateFunc = (...args: unknown[]) => unknown;

export class TemplateError extends Error {
  override name = 'TemplateError';
}

// ---------- lexing: split into text and actions ----------

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | { kind: 'if'; branches: { pipe: Pipeline; body: Node[] }[]; elseBody: Node[] }
  | { kind: 'range'; pipe: Pipeline; body: Node[]; elseBody: Node[] }
  | { kind: 'with'; pipe: Pipeline; body: Node[]; elseBody: Node[] };

interface Pipeline {
  decl: string[];
  cmds: Operand[][];
}

type Operand =
  | { kind: 'field'; base: 'dot' | 'var' | 'pipe'; varName?: string; sub?: Pipeline; path: string[] }
  | { kind: 'ident'; name: string }
  | { kind: 'literal'; value: unknown };

interface RawPiece {
  text?: string;
  action?: string;
}

function splitTemplate(src: string): RawPiece[] {
  const pieces: RawPiece[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      pieces.push({ text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let start = open + 2;
    if (src[start] === '-' && /\s/.test(src[start + 1] ?? '')) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) pieces.push({ text });
    // Find the closing braces outside string literals.
    let j = start;
    let quote: string | null = null;
    for (; j < src.length; j++) {
      const c = src[j];
      if (quote) {
        if (c === '\\' && quote === '"') j++;
        else if (c === quote) quote = null;
      } else if (c === '"' || c === '`' || c === "'") quote = c;
      else if (c === '}' && src[j + 1] === '}') break;
    }
    if (j >= src.length) throw new TemplateError('template: unclosed action');
    let inner = src.slice(start, j);
    i = j + 2;
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      const m = /^\s*/.exec(src.slice(i));
      i += m ? m[0].length : 0;
    }
    pieces.push({ action: inner.trim() });
  }
  return pieces;
}

// ---------- parsing an action's words ----------

type Token = { t: 'str' | 'num' | 'word' | 'field' | 'var' | 'lp' | 'rp' | 'pipe' | 'decl' | 'comma'; v: string };

function tokenize(s: string): Token[] {
  const toks: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      toks.push({ t: 'str', v: JSON.parse(s.slice(i, j + 1)) as string });
      i = j + 1;
    } else if (c === '`') {
      const j = s.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError('template: unterminated raw string');
      toks.push({ t: 'str', v: s.slice(i + 1, j) });
      i = j + 1;
    } else if (c === "'") {
      const j = s.indexOf("'", i + 1);
      toks.push({ t: 'num', v: String(s.codePointAt(i + 1)) });
      i = j + 1;
    } else if (c === '(') {
      toks.push({ t: 'lp', v: c });
      i++;
    } else if (c === ')') {
      toks.push({ t: 'rp', v: c });
      i++;
    } else if (c === '|') {
      toks.push({ t: 'pipe', v: c });
      i++;
    } else if (c === ',') {
      toks.push({ t: 'comma', v: c });
      i++;
    } else if (c === ':' && s[i + 1] === '=') {
      toks.push({ t: 'decl', v: ':=' });
      i += 2;
    } else if (c === '=' ) {
      toks.push({ t: 'decl', v: '=' });
      i++;
    } else {
      const m = /^[^\s()|,]+/.exec(s.slice(i));
      const w = m![0];
      if (w.startsWith('.')) toks.push({ t: 'field', v: w });
      else if (w.startsWith('$')) toks.push({ t: 'var', v: w });
      else if (/^[-+]?(\d|\.\d)/.test(w)) toks.push({ t: 'num', v: w });
      else toks.push({ t: 'word', v: w });
      i += w.length;
    }
  }
  return toks;
}

function fieldPath(text: string): string[] {
  return text.split('.').filter((p) => p !== '');
}

class PipeParser {
  private pos = 0;
  constructor(private readonly toks: Token[]) {}

  parse(): Pipeline {
    const p = this.pipeline();
    if (this.pos < this.toks.length) throw new TemplateError(`template: unexpected "${this.toks[this.pos].v}" in operand`);
    return p;
  }

  private pipeline(): Pipeline {
    const decl: string[] = [];
    // `$x := …` or `$i, $v := …`
    const save = this.pos;
    while (this.toks[this.pos]?.t === 'var') {
      decl.push(this.toks[this.pos].v);
      this.pos++;
      if (this.toks[this.pos]?.t === 'comma') this.pos++;
      else break;
    }
    if (decl.length && this.toks[this.pos]?.t === 'decl') this.pos++;
    else {
      decl.length = 0;
      this.pos = save;
    }
    const cmds: Operand[][] = [];
    for (;;) {
      const cmd: Operand[] = [];
      while (this.pos < this.toks.length && this.toks[this.pos].t !== 'pipe' && this.toks[this.pos].t !== 'rp') cmd.push(this.operand());
      if (cmd.length === 0) throw new TemplateError('template: missing value for command');
      cmds.push(cmd);
      if (this.toks[this.pos]?.t === 'pipe') {
        this.pos++;
        continue;
      }
      break;
    }
    return { decl, cmds };
  }

  private operand(): Operand {
    const tok = this.toks[this.pos++];
    switch (tok.t) {
      case 'str':
        return { kind: 'literal', value: tok.v };
      case 'num':
        return { kind: 'literal', value: Number(tok.v) };
      case 'field':
        return { kind: 'field', base: 'dot', path: fieldPath(tok.v) };
      case 'var': {
        const dot = tok.v.indexOf('.');
        const name = dot >= 0 ? tok.v.slice(0, dot) : tok.v;
        return { kind: 'field', base: 'var', varName: name, path: dot >= 0 ? fieldPath(tok.v.slice(dot)) : [] };
      }
      case 'lp': {
        const sub = this.pipeline();
        if (this.toks[this.pos]?.t !== 'rp') throw new TemplateError('template: unclosed left paren');
        this.pos++;
        // `(…).Field`
        const next = this.toks[this.pos];
        if (next?.t === 'field' && !/\s/.test(next.v)) {
          this.pos++;
          return { kind: 'field', base: 'pipe', sub, path: fieldPath(next.v) };
        }
        return { kind: 'field', base: 'pipe', sub, path: [] };
      }
      case 'word':
        if (tok.v === 'true' || tok.v === 'false') return { kind: 'literal', value: tok.v === 'true' };
        if (tok.v === 'nil') return { kind: 'literal', value: null };
        return { kind: 'ident', name: tok.v };
      default:
        throw new TemplateError(`template: unexpected "${tok.v}"`);
    }
  }
}

function parsePipeline(text: string): Pipeline {
  return new PipeParser(tokenize(text)).parse();
}

// ---------- building the tree ----------

function buildTree(pieces: RawPiece[]): Node[] {
  let pos = 0;
  const parseList = (terminators: string[]): { nodes: Node[]; end: string; endArg: string } => {
    const nodes: Node[] = [];
    while (pos < pieces.length) {
      const p = pieces[pos++];
      if (p.text !== undefined) {
        nodes.push({ kind: 'text', text: p.text });
        continue;
      }
      const action = p.action!;
      if (action.startsWith('/*')) continue;
      const [word, ...restWords] = action.split(/\s+/);
      const rest = action.slice(word.length).trim();
      if (terminators.includes(word)) return { nodes, end: word, endArg: rest };
      void restWords;
      if (word === 'if' || word === 'range' || word === 'with') nodes.push(parseBlock(word, rest));
      else if (word === 'end' || word === 'else') throw new TemplateError(`template: unexpected {{${word}}}`);
      else nodes.push({ kind: 'action', pipe: parsePipeline(action) });
    }
    if (terminators.length) throw new TemplateError('template: unexpected EOF');
    return { nodes, end: '', endArg: '' };
  };
  const parseBlock = (word: 'if' | 'range' | 'with', arg: string): Node => {
    const pipe = parsePipeline(arg);
    const first = parseList(['else', 'end']);
    if (word === 'if') {
      const branches = [{ pipe, body: first.nodes }];
      let elseBody: Node[] = [];
      let end = first;
      while (end.end === 'else') {
        if (end.endArg.startsWith('if ')) {
          const next = parseList(['else', 'end']);
          branches.push({ pipe: parsePipeline(end.endArg.slice(3)), body: next.nodes });
          end = next;
        } else {
          elseBody = parseList(['end']).nodes;
          break;
        }
      }
      return { kind: 'if', branches, elseBody };
    }
    const elseBody = first.end === 'else' ? parseList(['end']).nodes : [];
    return { kind: word, pipe, body: first.nodes, elseBody };
  };
  return parseList([]).nodes;
}

// ---------- values ----------

export function isTruthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** How Go's fmt prints a value with %v: maps as map[k:v], slices as [a b], nil as <no value>. */
export function printValue(v: unknown, top = true): string {
  if (v === undefined || v === null) return top ? '<no value>' : '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => printValue(x, false)).join(' ')}]`;
  if (typeof v === 'function') return '<func>';
  if (typeof v === 'object') {
    const keys = Object.keys(v as object).sort();
    return `map[${keys.map((k) => `${k}:${printValue((v as Record<string, unknown>)[k], false)}`).join(' ')}]`;
  }
  return String(v);
}

function toStr(v: unknown): string {
  return typeof v === 'string' ? v : printValue(v, false);
}

function goPrintf(format: string, args: unknown[]): string {
  let i = 0;
  return format.replace(/%([-+# 0]*\d*(?:\.\d+)?)([svdqtfx%])/g, (_m, flags: string, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    let s: string;
    switch (verb) {
      case 'q':
        s = JSON.stringify(toStr(a));
        break;
      case 'd':
        s = String(Math.trunc(Number(a)));
        break;
      case 'f': {
        const prec = /\.(\d+)/.exec(flags);
        s = Number(a).toFixed(prec ? Number(prec[1]) : 6);
        break;
      }
      case 'x':
        s = typeof a === 'number' ? a.toString(16) : Buffer.from(toStr(a)).toString('hex');
        break;
      default:
        s = toStr(a);
    }
    const w = /^[-+# 0]*(\d+)/.exec(flags);
    if (w) s = flags.includes('-') ? s.padEnd(Number(w[1])) : s.padStart(Number(w[1]));
    return s;
  });
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = toStr(a);
  const y = toStr(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The docker CLI's template functions (cli/templates). */
export const DOCKER_FUNCS: Record<string, TemplateFunc> = {
  json: (v) => (v === undefined ? 'null' : JSON.stringify(v)),
  join: (list, sep) => (Array.isArray(list) ? list.map(toStr).join(toStr(sep)) : toStr(list)),
  split: (s, sep) => toStr(s).split(toStr(sep)),
  lower: (s) => toStr(s).toLowerCase(),
  upper: (s) => toStr(s).toUpperCase(),
  title: (s) => toStr(s).replace(/(^|\s)(\S)/g, (_m, sp: string, c: string) => sp + c.toUpperCase()),
  pad: (s, l, r) => ' '.repeat(Number(l)) + toStr(s) + ' '.repeat(Number(r)),
  truncate: (s, n) => [...toStr(s)].slice(0, Number(n)).join(''),
  println: (...args) => args.map(toStr).join(' ') + '\n',
  print: (...args) => args.map(toStr).join(''),
  printf: (fmt, ...args) => goPrintf(toStr(fmt), args),
  len: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  index: (v, ...keys) => {
    let cur: unknown = v;
    for (const k of keys) {
      if (cur === null || cur === undefined) throw new TemplateError('index of untyped nil');
      cur = (cur as Record<string, unknown>)[toStr(k)];
    }
    return cur;
  },
  eq: (a, ...bs) => bs.some((b) => compare(a, b) === 0),
  ne: (a, b) => compare(a, b) !== 0,
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  not: (a) => !isTruthy(a),
  and: (...args) => args.find((a) => !isTruthy(a)) ?? args[args.length - 1],
  or: (...args) => args.find((a) => isTruthy(a)) ?? args[args.length - 1],
};

/** Header rendering: functions pass their argument through (docker's HeaderFunctions). */
export const HEADER_FUNCS: Record<string, TemplateFunc> = Object.fromEntries(
  Object.keys(DOCKER_FUNCS).map((name) => [name, (...args: unknown[]) => (name === 'println' ? args.map(toStr).join(' ') + '\n' : args[0])]),
);

// ---------- execution ----------

interface Scope {
  dot: unknown;
  vars: Map<string, unknown>;
}

export class Template {
  private readonly nodes: Node[];

  constructor(
    source: string,
    private readonly funcs: Record<string, TemplateFunc> = DOCKER_FUNCS,
  ) {
    this.nodes = buildTree(splitTemplate(source));
  }

  withFuncs(funcs: Record<string, TemplateFunc>): Template {
    const t = Object.create(Template.prototype) as Template;
    Object.assign(t, { nodes: this.nodes, funcs });
    return t;
  }

  execute(data: unknown): string {
    const out: string[] = [];
    this.run(this.nodes, { dot: data, vars: new Map([['$', data]]) }, out);
    return out.join('');
  }

  private run(nodes: Node[], scope: Scope, out: string[]): void {
    for (const n of nodes) {
      switch (n.kind) {
        case 'text':
          out.push(n.text);
          break;
        case 'action': {
          const v = this.evalPipeline(n.pipe, scope);
          if (n.pipe.decl.length === 0) out.push(printValue(v));
          break;
        }
        case 'if': {
          const branch = n.branches.find((b) => isTruthy(this.evalPipeline(b.pipe, scope)));
          this.run(branch ? branch.body : n.elseBody, scope, out);
          break;
        }
        case 'with': {
          const v = this.evalPipeline({ ...n.pipe, decl: [] }, scope);
          if (isTruthy(v)) this.run(n.body, { dot: v, vars: this.declare(scope, n.pipe.decl, [v]) }, out);
          else this.run(n.elseBody, scope, out);
          break;
        }
        case 'range': {
          const v = this.evalPipeline({ ...n.pipe, decl: [] }, scope);
          const entries: [unknown, unknown][] = Array.isArray(v)
            ? v.map((x, i) => [i, x])
            : v && typeof v === 'object'
              ? Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])
              : typeof v === 'number'
                ? Array.from({ length: v }, (_x, i) => [i, i])
                : [];
          if (entries.length === 0) this.run(n.elseBody, scope, out);
          for (const [k, x] of entries) {
            const vals = n.pipe.decl.length === 2 ? [k, x] : [x];
            this.run(n.body, { dot: x, vars: this.declare(scope, n.pipe.decl, vals) }, out);
          }
          break;
        }
      }
    }
  }

  private declare(scope: Scope, names: string[], values: unknown[]): Map<string, unknown> {
    const vars = new Map(scope.vars);
    names.forEach((name, i) => vars.set(name, values[i]));
    return vars;
  }

  private evalPipeline(p: Pipeline, scope: Scope): unknown {
    let value: unknown;
    let first = true;
    for (const cmd of p.cmds) {
      value = this.evalCommand(cmd, scope, first ? undefined : { v: value });
      first = false;
    }
    if (p.decl.length === 1) scope.vars.set(p.decl[0], value);
    return value;
  }

  private evalCommand(cmd: Operand[], scope: Scope, piped?: { v: unknown }): unknown {
    const [head, ...rest] = cmd;
    const args = () => {
      const a = rest.map((o) => this.evalOperand(o, scope));
      if (piped) a.push(piped.v);
      return a;
    };
    if (head.kind === 'ident') {
      const fn = this.funcs[head.name];
      if (!fn) throw new TemplateError(`template: function "${head.name}" not defined`);
      return fn(...args());
    }
    const target = this.evalOperand(head, scope, true);
    if (typeof target === 'function') return (target as TemplateFunc)(...args());
    if (rest.length || piped) throw new TemplateError(`template: can't give argument to non-function ${describe(head)}`);
    return target;
  }

  private evalOperand(o: Operand, scope: Scope, keepFunction = false): unknown {
    if (o.kind === 'literal') return o.value;
    if (o.kind === 'ident') {
      const fn = this.funcs[o.name];
      if (!fn) throw new TemplateError(`template: function "${o.name}" not defined`);
      return fn();
    }
    let base: unknown;
    if (o.base === 'dot') base = scope.dot;
    else if (o.base === 'pipe') base = this.evalPipeline(o.sub!, scope);
    else {
      if (!scope.vars.has(o.varName!)) throw new TemplateError(`template: undefined variable "${o.varName}"`);
      base = scope.vars.get(o.varName!);
    }
    let cur = base;
    o.path.forEach((key, i) => {
      if (cur === null || cur === undefined) {
        throw new TemplateError(`template: nil pointer evaluating .${o.path.slice(0, i + 1).join('.')}`);
      }
      const parent = cur as Record<string, unknown>;
      const next = parent[key];
      // A method at the end of a chain with arguments is called by evalCommand; elsewhere call it now.
      cur = typeof next === 'function' && !(keepFunction && i === o.path.length - 1) ? (next as () => unknown).call(parent) : next;
    });
    return cur;
  }
}

function describe(o: Operand): string {
  return o.kind === 'field' ? '.' + o.path.join('.') : o.kind === 'ident' ? o.name : String((o as { value: unknown }).value);
}

/** Compiles and executes in one go. */
export function renderTemplate(source: string, data: unknown, funcs: Record<string, TemplateFunc> = DOCKER_FUNCS): string {
  return new Template(source, funcs).execute(data);
}
