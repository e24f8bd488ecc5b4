// Docker's Dockerfile word expansion (buildkit frontend/dockerfile/shell/lex.go): $VAR, ${VAR},
// ${VAR:-x} ${VAR-x} ${VAR:+x} ${VAR+x} ${VAR:?x} ${VAR?x}, ${VAR#p} ${VAR##p} ${VAR%p} ${VAR%%p},
// ${VAR/p/r} ${VAR//p/r}, quotes and the escape token. Ported rule by rule so that words expand
// exactly as dockerd expands them; it is not a POSIX shell (no command substitution, no globbing).

import { goQuoteString } from './go-format.js';

const EOF = -1;

/** Where variable values come from during expansion (ENV first, then allowed build args). */
export interface EnvGetter {
  get(name: string): string | undefined;
}

/** An EnvGetter over `KEY=value` strings; a later duplicate key wins, as in Go's map fill. */
export function envFromList(list: Iterable<string>): EnvGetter {
  const m = new Map<string, string>();
  for (const e of list) {
    const i = e.indexOf('=');
    if (i < 0) m.set(e, '');
    else m.set(e.slice(0, i), e.slice(i + 1));
  }
  return { get: (k) => m.get(k) };
}

export const emptyEnv: EnvGetter = { get: () => undefined };

export class ShellLexError extends Error {}

export interface WordResult {
  result: string;
  words: string[];
  /** Variable names that were looked up and found. */
  matched: Set<string>;
  /** Variable names that were looked up and not set. */
  unmatched: Set<string>;
}

export interface ShellLexOptions {
  /** Keep quote characters in the output (heredoc detection uses this). */
  rawQuotes?: boolean;
  /** Keep escape tokens in the output. */
  rawEscapes?: boolean;
  /** Treat quotes as ordinary characters. */
  skipProcessQuotes?: boolean;
  /** Leave references to unset variables as written instead of expanding them to "". */
  skipUnsetEnv?: boolean;
}

export class ShellLex {
  constructor(
    readonly escapeToken: string = '\\',
    readonly opts: ShellLexOptions = {},
  ) {}

  /** Expands one word (quotes removed, variables substituted) as Docker's ProcessWord. */
  processWord(word: string, env: EnvGetter): string {
    return this.process(word, env).result;
  }

  processWordWithMatches(word: string, env: EnvGetter): WordResult {
    return this.process(word, env);
  }

  /** Expands and splits into words on unquoted whitespace (EXPOSE's multi-word expansion). */
  processWords(word: string, env: EnvGetter): string[] {
    return this.process(word, env).words;
  }

  private process(word: string, env: EnvGetter): WordResult {
    const sw = new ShellWord(this, word, env);
    try {
      const [result, words] = sw.processStopOn(EOF, !!this.opts.rawEscapes);
      return { result, words, matched: sw.matches, unmatched: sw.nonmatches };
    } catch (e) {
      if (e instanceof ShellLexError) throw new ShellLexError(`failed to process ${goQuoteString(word)}: ${e.message}`);
      throw e;
    }
  }
}

/** Collects the word list for processWords: unquoted whitespace splits, quoted text does not. */
class Words {
  private buf = '';
  private inWord = false;
  readonly words: string[] = [];

  addChar(ch: string): void {
    if (isSpace(ch) && this.inWord) {
      if (this.buf.length !== 0) {
        this.words.push(this.buf);
        this.buf = '';
        this.inWord = false;
      }
    } else if (!isSpace(ch)) {
      this.addRawChar(ch);
    }
  }
  addRawChar(ch: string): void {
    this.buf += ch;
    this.inWord = true;
  }
  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }
  addRawString(s: string): void {
    this.buf += s;
    this.inWord = true;
  }
  getWords(): string[] {
    if (this.buf.length > 0) {
      this.words.push(this.buf);
      this.buf = '';
      this.inWord = false;
    }
    return this.words;
  }
}

class ShellWord {
  private readonly chars: string[];
  private pos = 0;
  private rawEscapes: boolean;
  readonly matches = new Set<string>();
  readonly nonmatches = new Set<string>();

  constructor(
    private readonly lex: ShellLex,
    source: string,
    private readonly env: EnvGetter,
  ) {
    this.chars = Array.from(source);
    this.rawEscapes = !!lex.opts.rawEscapes;
  }

  private peek(): string | typeof EOF {
    return this.pos < this.chars.length ? this.chars[this.pos] : EOF;
  }
  private next(): string | typeof EOF {
    return this.pos < this.chars.length ? this.chars[this.pos++] : EOF;
  }

  processStopOn(stopChar: string | typeof EOF, rawEscapes: boolean): [string, string[]] {
    let result = '';
    const words = new Words();
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      while (this.peek() !== EOF) {
        const ch = this.peek() as string;
        if (stopChar !== EOF && ch === stopChar) {
          this.next();
          return [result, words.getWords()];
        }
        let handler: (() => string) | undefined;
        if (ch === '$') handler = () => this.processDollar();
        else if (ch === '<') handler = () => this.processPossibleHeredoc();
        else if (!this.lex.opts.skipProcessQuotes && ch === "'") handler = () => this.processSingleQuote();
        else if (!this.lex.opts.skipProcessQuotes && ch === '"') handler = () => this.processDoubleQuote();
        if (handler) {
          const tmp = handler();
          result += tmp;
          if (ch === '$') words.addString(tmp);
          else words.addRawString(tmp);
          continue;
        }
        let c = this.next() as string | typeof EOF;
        if (c === this.lex.escapeToken) {
          if (this.rawEscapes) {
            words.addRawChar(c);
            result += c;
          }
          c = this.next();
          if (c === EOF) break;
          words.addRawChar(c);
        } else {
          words.addChar(c as string);
        }
        result += c;
      }
      if (stopChar !== EOF) {
        throw new ShellLexError(`unexpected end of statement while looking for matching ${stopChar}`);
      }
      return [result, words.getWords()];
    } finally {
      this.rawEscapes = saved;
    }
  }

  private processSingleQuote(): string {
    // All chars between single quotes are taken as-is; the escape token has no meaning there.
    let result = '';
    let ch = this.next();
    if (this.lex.opts.rawQuotes) result += ch;
    for (;;) {
      ch = this.next();
      if (ch === EOF) throw new ShellLexError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") {
        if (this.lex.opts.rawQuotes) result += ch;
        return result;
      }
      result += ch;
    }
  }

  private processDoubleQuote(): string {
    // Variables expand inside double quotes; the escape token only escapes ", $ and itself.
    let result = '';
    const open = this.next();
    if (this.lex.opts.rawQuotes) result += open;
    for (;;) {
      const p = this.peek();
      if (p === EOF) throw new ShellLexError('unexpected end of statement while looking for matching double-quote');
      if (p === '"') {
        const ch = this.next();
        if (this.lex.opts.rawQuotes) result += ch;
        return result;
      }
      if (p === '$') {
        result += this.processDollar();
        continue;
      }
      let ch = this.next() as string;
      if (ch === this.lex.escapeToken) {
        if (this.rawEscapes) result += ch;
        const n = this.peek();
        if (n === EOF) continue;
        if (n === '"' || n === '$' || n === this.lex.escapeToken) ch = this.next() as string;
      }
      result += ch;
    }
  }

  private processDollar(): string {
    this.next(); // '$'
    if (this.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      const value = this.getEnv(name);
      if (value === undefined && this.lex.opts.skipUnsetEnv) return '$' + name;
      return value ?? '';
    }
    this.next(); // '{'
    const first = this.peek();
    if (first === EOF) throw new ShellLexError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new ShellLexError('syntax error: bad substitution');
    const name = this.processName();
    let ch = this.next();
    let chs = ch === EOF ? '\uFFFD' : ch;
    let nullIsUnset = false;
    if (ch === '}') {
      const value = this.getEnv(name);
      if (value === undefined && this.lex.opts.skipUnsetEnv) return `\${${name}}`;
      return value ?? '';
    }
    if (ch === ':') {
      nullIsUnset = true;
      ch = this.next();
      chs += ch === EOF ? '\uFFFD' : ch;
    }
    if (ch === '+' || ch === '-' || ch === '?' || ch === '#' || ch === '%') {
      const rawEscapes = ch === '#' || ch === '%';
      if (nullIsUnset && rawEscapes) throw new ShellLexError(`unsupported modifier (${chs}) in substitution`);
      let word: string;
      try {
        [word] = this.processStopOn('}', rawEscapes);
      } catch (e) {
        if (this.peek() === EOF) throw new ShellLexError("syntax error: missing '}'");
        throw e;
      }
      const value = this.getEnv(name);
      const set = value !== undefined;
      if (this.lex.opts.skipUnsetEnv && !set) return `\${${name}${chs}${word}}`;
      switch (ch) {
        case '-':
          return !set || (nullIsUnset && value === '') ? word : value;
        case '+':
          return !set || (nullIsUnset && value === '') ? '' : word;
        case '?':
          if (!set) throw new ShellLexError(`${name}: ${word !== '' ? word : 'is not allowed to be unset'}`);
          if (nullIsUnset && value === '') throw new ShellLexError(`${name}: ${word !== '' ? word : 'is not allowed to be empty'}`);
          return value;
        default: {
          let greedy = false;
          if (word.length > 0 && word[0] === ch) {
            greedy = true;
            word = word.slice(1);
          }
          return ch === '%' ? trimSuffix(word, value ?? '', greedy) : trimPrefix(word, value ?? '', greedy);
        }
      }
    }
    if (ch === '/') {
      const replaceAll = this.peek() === '/';
      if (replaceAll) this.next();
      let pattern: string;
      let replacement: string;
      try {
        [pattern] = this.processStopOn('/', true);
      } catch (e) {
        if (this.peek() === EOF) throw new ShellLexError("syntax error: missing '/' in ${}");
        throw e;
      }
      try {
        [replacement] = this.processStopOn('}', true);
      } catch (e) {
        if (this.peek() === EOF) throw new ShellLexError("syntax error: missing '}'");
        throw e;
      }
      let value = this.getEnv(name);
      if (this.lex.opts.skipUnsetEnv && value === undefined) return `\${${name}/${pattern}/${replacement}}`;
      value = value ?? '';
      const re = shellPatternToRegex(pattern, true, false, replaceAll);
      if (replaceAll) return value.replace(re, () => replacement);
      const m = re.exec(value);
      if (m) value = value.slice(0, m.index) + replacement + value.slice(m.index + m[0].length);
      return value;
    }
    throw new ShellLexError(`unsupported modifier (${chs}) in substitution`);
  }

  private processName(): string {
    let name = '';
    while (this.peek() !== EOF) {
      const ch = this.peek() as string;
      if (name.length === 0 && isDigit(ch)) {
        while (this.peek() !== EOF && isDigit(this.peek() as string)) name += this.next();
        return name;
      }
      if (name.length === 0 && isSpecialParam(ch)) return this.next() as string;
      if (!isLetter(ch) && !isDigit(ch) && ch !== '_') break;
      name += this.next();
    }
    return name;
  }

  private processPossibleHeredoc(): string {
    // `<<` and the blanks after it stay one word, so `<< EOF` is recognised as a heredoc.
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    let space = '';
    while (this.peek() === ' ' || this.peek() === '\t') space += this.next();
    return '<<' + space;
  }

  private getEnv(name: string): string | undefined {
    const v = this.env.get(name);
    if (v !== undefined) this.matches.add(name);
    else this.nonmatches.add(name);
    return v;
  }
}

const isDigit = (ch: string): boolean => /^\p{Nd}$/u.test(ch);
const isLetter = (ch: string): boolean => /^\p{L}$/u.test(ch);
const isSpace = (ch: string): boolean => /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(ch);
const isSpecialParam = (ch: string): boolean => '@*#?-$!0'.includes(ch);

function shellPatternToRegex(pattern: string, greedy: boolean, anchored: boolean, global = false): RegExp {
  let out = anchored ? '^' : '';
  const star = greedy ? '.*' : '.*?';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    let tok = chars[i];
    if (tok === '*') {
      out += star;
      continue;
    }
    if (tok === '?') {
      out += '.';
      continue;
    }
    if (tok === '\\') {
      const n = chars[i + 1];
      if (n === '}' || n === '/') continue;
      i++;
      tok = chars[i];
      if (tok !== '*' && tok !== '?' && tok !== '\\') {
        throw new ShellLexError(`invalid pattern (${pattern}) in substitution: invalid escape '\\${tok ?? ''}'`);
      }
      out += '\\' + tok;
      continue;
    }
    out += tok.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(out, global ? 'gu' : 'u');
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const m = shellPatternToRegex(pattern, greedy, true).exec(value);
  return m ? value.slice(m[0].length) : value;
}

function reversePattern(pattern: string): string {
  const p = Array.from(pattern);
  const out: string[] = new Array(p.length);
  const last = p.length - 1;
  for (let i = 0; i <= last; ) {
    const tok = p[i];
    const o = last - i;
    if (tok === '\\' && i !== last) {
      out[o - 1] = tok;
      out[o] = p[i + 1];
      i += 2;
    } else {
      out[o] = tok;
      i++;
    }
  }
  return out.join('');
}

const reverseString = (s: string): string => Array.from(s).reverse().join('');

function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverseString(trimPrefix(reversePattern(pattern), reverseString(value), greedy));
}

