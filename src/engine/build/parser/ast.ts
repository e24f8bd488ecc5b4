// Dockerfile text → logical instruction nodes: directives, comments, line continuations and
// heredocs, with line numbers. A port of buildkit frontend/dockerfile/parser/parser.go so that
// continuation, comment and heredoc quirks behave as in dockerd.
import { DirectiveParser } from './directives.js';
import { InstructionError } from './errors.js';
import { parseArgsFor, type ParsedArgs } from './line-parsers.js';
import { ShellLex, emptyEnv } from '../shell-lex.js';
import { scanWords } from './word-scanner.js';

export interface Heredoc {
  /** The delimiter word (quotes removed). */
  name: string;
  fileDescriptor: number;
  /** False when any part of the delimiter was quoted: the body is then taken literally. */
  expand: boolean;
  /** `<<-`: leading tabs are stripped from body lines and the terminator. */
  chomp: boolean;
  content: string;
}

export interface Node {
  /** The instruction keyword as written (case preserved). */
  value: string;
  /** `--name=value` flags before the arguments. */
  flags: string[];
  /** Arguments as the line parser for this instruction produced them (Docker's nodeArgs). */
  args: string[];
  /** True when the arguments were a JSON array (exec form). */
  json: boolean;
  /** The logical line (continuations joined), untrimmed. */
  original: string;
  startLine: number;
  endLine: number;
  heredocs: Heredoc[];
  /** Comment lines directly above the instruction. */
  comments: string[];
  /** ONBUILD's trigger instruction. */
  child?: Node;
}

export interface Warning {
  short: string;
  line: number;
}

export interface AstResult {
  children: Node[];
  escapeToken: string;
  warnings: Warning[];
  directives: Record<string, string>;
}

/** An error located at lines of the file; the caller decides how to word it. */
export class LocatedError extends Error {
  constructor(
    message: string,
    readonly startLine: number,
    readonly endLine: number,
  ) {
    super(message);
  }
}

const WHITESPACE = /[\t\v\f\r ]+/;
const HEREDOC = /^(\d*)<<(-?)\s*([^<]*)$/;
const HEREDOC_DIRECTIVES = new Set(['add', 'copy', 'run']);

export class ParserState {
  escapeToken = '\\';
  private continuation = makeContinuationRegex('\\');
  readonly directiveParser = new DirectiveParser();
  readonly directives: Record<string, string> = {};

  setEscapeToken(s: string): void {
    if (s !== '`' && s !== '\\') throw new InstructionError(`invalid escape token '${s}' does not match \` or \\`);
    this.escapeToken = s;
    this.continuation = makeContinuationRegex(s);
  }

  /** Strips a trailing continuation token; returns [line, isEndOfLine]. */
  trimContinuation(line: string): [string, boolean] {
    if (this.continuation.test(line)) return [line.replace(this.continuation, '$1'), false];
    return [line, true];
  }

  /** Returns [text without comment, wasDirective]. */
  processLine(token: string, stripLeft: boolean): [string, boolean] {
    token = trimNewline(token);
    if (stripLeft) token = trimLeftSpace(token);
    const d = this.directiveParser.parseLine(token);
    if (d) {
      this.directives[d.name] = d.value;
      if (d.name === 'escape') this.setEscapeToken(d.value);
    }
    return [isComment(token) ? '' : token, d !== undefined];
  }
}

function makeContinuationRegex(tok: string): RegExp {
  const e = '\\' + tok;
  return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
}

const trimNewline = (s: string): string => s.replace(/[\r\n]+$/, '');
const trimLeftSpace = (s: string): string => s.replace(/^\s+/, '');
const isComment = (s: string): boolean => trimLeftSpace(s).startsWith('#');
const isEmptyContinuationLine = (s: string): boolean => trimLeftSpace(trimNewline(s)).length === 0;

/** Splits into lines that keep their line endings, as Docker's scanLines does. */
function scanLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const i = text.indexOf('\n', start);
    if (i < 0) {
      if (start < text.length) out.push(text.slice(start));
      return out;
    }
    out.push(text.slice(start, i + 1));
    start = i + 1;
  }
}

export function parseAst(text: string): AstResult {
  const d = new ParserState();
  const lines = scanLines(text);
  let idx = 0;
  let currentLine = 0;
  const children: Node[] = [];
  const warnings: Warning[] = [];
  let comments: string[] = [];

  const located = (e: unknown, start: number, end: number): never => {
    if (e instanceof LocatedError) throw e;
    throw new LocatedError(e instanceof Error ? e.message : String(e), start, end);
  };

  while (idx < lines.length) {
    let raw = lines[idx++];
    if (currentLine === 0) raw = raw.replace(/^\uFEFF/, '');
    if (isComment(raw)) {
      const c = trimNewline(raw).trim().slice(1).trim();
      if (c === '') comments = [];
      else comments.push(c);
    }
    let text: string;
    let wasDirective: boolean;
    try {
      [text, wasDirective] = d.processLine(raw, true);
    } catch (e) {
      return located(e, currentLine, currentLine);
    }
    if (wasDirective) comments = comments.slice(0, -1);
    currentLine++;
    const startLine = currentLine;
    let [part, isEnd] = d.trimContinuation(text);
    if (isEnd && part.length === 0) continue;
    let buf = part;
    let emptyContinuation = false;
    while (!isEnd && idx < lines.length) {
      const next = lines[idx++];
      let t: string;
      try {
        [t] = d.processLine(next, false);
      } catch (e) {
        return located(e, currentLine, currentLine);
      }
      currentLine++;
      if (isComment(next)) continue;
      if (isEmptyContinuationLine(t)) {
        emptyContinuation = true;
        continue;
      }
      [part, isEnd] = d.trimContinuation(t);
      buf += part;
    }
    const line = buf;
    if (emptyContinuation) warnings.push({ short: `Empty continuation line found in: ${line}`, line: currentLine });

    let node: Node;
    try {
      node = nodeFromLine(line, d, comments);
    } catch (e) {
      return located(e, startLine, currentLine);
    }

    if (canContainHeredoc(node) && line.includes('<<')) {
      let docs: Heredoc[];
      try {
        docs = heredocsFromLine(line);
      } catch (e) {
        return located(e, startLine, currentLine);
      }
      for (const doc of docs) {
        let terminated = false;
        let content = '';
        while (idx < lines.length) {
          const bodyLine = lines[idx++];
          currentLine++;
          let candidate = trimNewline(bodyLine);
          if (doc.chomp) candidate = candidate.replace(/^\t+/, '');
          if (candidate === doc.name) {
            terminated = true;
            break;
          }
          content += bodyLine;
        }
        if (!terminated) return located(new Error('unterminated heredoc'), startLine, currentLine);
        doc.content = content;
        node.heredocs.push(doc);
      }
    }
    node.startLine = startLine;
    node.endLine = currentLine;
    if (node.child) {
      node.child.startLine = startLine;
      node.child.endLine = currentLine;
      node.child.heredocs = node.heredocs;
    }
    children.push(node);
    comments = [];
  }

  if (children.length === 0) throw new LocatedError('file with no instructions', currentLine, currentLine);
  return { children, escapeToken: d.escapeToken, warnings, directives: d.directives };
}

/** Splits `CMD --flags args` and runs the instruction's argument parser. */
export function nodeFromLine(line: string, d: ParserState, comments: string[]): Node {
  const trimmed = line.trim();
  const m = WHITESPACE.exec(trimmed);
  const cmd = m ? trimmed.slice(0, m.index) : trimmed;
  let flags: string[] = [];
  let rest = '';
  if (m) {
    [rest, flags] = extractBuilderFlags(trimmed.slice(m.index + m[0].length), d.escapeToken);
    rest = rest.trim();
  }
  const node: Node = {
    value: cmd,
    flags,
    args: [],
    json: false,
    original: line,
    startLine: 0,
    endLine: 0,
    heredocs: [],
    comments,
  };
  if (cmd.toLowerCase() === 'onbuild') {
    if (rest !== '') {
      node.child = nodeFromLine(rest, d, []);
      node.args = [node.child.value, ...node.child.args];
    }
    return node;
  }
  const parsed: ParsedArgs = parseArgsFor(cmd.toLowerCase(), rest, d.escapeToken);
  node.args = parsed.args;
  node.json = parsed.json;
  return node;
}

function canContainHeredoc(node: Node): boolean {
  const n = node.value.toLowerCase() === 'onbuild' && node.child ? node.child : node;
  return HEREDOC_DIRECTIVES.has(n.value.toLowerCase()) && !n.json;
}

/** Leading `--flag[=value]` words; returns [rest of line, flags]. */
export function extractBuilderFlags(line: string, escapeToken: string): [string, string[]] {
  const { words, rest } = scanWords(line, escapeToken, 'flags');
  return [rest, words];
}

/** Parses a `<<[-]WORD` token; undefined when the word is not a heredoc. */
export function parseHeredoc(src: string): Heredoc | undefined {
  const m = HEREDOC.exec(src);
  if (!m) return undefined;
  const rest = m[3];
  if (rest.length === 0) return undefined;
  // Lex the delimiter with and without quote removal: a difference means part of it was quoted,
  // which turns off expansion of the body, as in sh.
  const plain = new ShellLex('\\', { skipUnsetEnv: true }).processWords(rest, emptyEnv);
  if (plain.length !== 1) return undefined;
  const raw = new ShellLex('\\', { skipUnsetEnv: true, rawQuotes: true }).processWords(rest, emptyEnv);
  if (raw.length !== plain.length) throw new Error(`internal lexing of heredoc produced inconsistent results: ${rest}`);
  const quotes = (s: string): number => (s.match(/['"]/g) ?? []).length;
  return {
    name: plain[0],
    fileDescriptor: m[1] === '' ? 0 : Number(m[1]),
    expand: quotes(plain[0]) === quotes(raw[0]),
    chomp: m[2] === '-',
    content: '',
  };
}

function heredocsFromLine(line: string): Heredoc[] {
  let words: string[];
  try {
    words = new ShellLex('\\', { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true }).processWords(line, emptyEnv);
  } catch {
    words = [];
  }
  const docs: Heredoc[] = [];
  for (const w of words) {
    const h = parseHeredoc(w);
    if (h) docs.push(h);
  }
  return docs;
}

/** Strips leading tabs from every line of a `<<-` heredoc body. */
export const chompHeredocContent = (s: string): string => s.replace(/^\t+/gm, '');
