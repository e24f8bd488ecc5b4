// Compose's .env syntax (compose-go's dotenv parser), for `.env`, `--env-file` and a service's
// `env_file`: `KEY=value`, `KEY: value`, `export KEY=value`, `# comments` (also after an unquoted
// value, as ` #…`), single quotes (literal), double quotes (escapes \n \t \\ \" \$ …, multi-line,
// variables substituted), unquoted values (trimmed, variables substituted), and a bare `KEY`
// line, which takes KEY from the lookup environment when it is set there (and is skipped otherwise).
import { substitute, type Lookup } from './template.js';

export class DotenvError extends Error {
  override name = 'DotenvError';
}

const SPACE = new Set(['\t', '\v', '\f', '\r', ' ', '\u0085', '\u00a0']);
const isSpace = (c: string) => SPACE.has(c);
const isAnySpace = (c: string) => /\s/u.test(c);

/**
 * Parses `src` into `out` (values parsed earlier in `out` are visible to later substitutions).
 * `lookup` is consulted first for `${VAR}` and for bare `KEY` lines.
 */
export function parseDotenv(src: string, lookup: Lookup = () => undefined, out: Record<string, string> = {}): Record<string, string> {
  let line = 1;
  let rest = src.replace(/^\uFEFF/, '');
  const resolve: Lookup = (k) => lookup(k) ?? (Object.hasOwn(out, k) ? out[k] : undefined);

  const skipToStatement = (s: string): string => {
    for (;;) {
      let pos = 0;
      while (pos < s.length && isAnySpace(s[pos])) {
        if (s[pos] === '\n') line++;
        pos++;
      }
      if (pos >= s.length) return '';
      s = s.slice(pos);
      if (s[0] !== '#') return s;
      const nl = s.indexOf('\n');
      if (nl < 0) return '';
      s = s.slice(nl);
    }
  };

  for (;;) {
    rest = skipToStatement(rest);
    if (rest === '') break;
    // The key.
    if (/^export\s+/.test(rest)) rest = rest.slice('export'.length).replace(/^[\t\v\f\r \u0085\u00a0]+/, '');
    let key = '';
    let offset = -1;
    let inherited = false;
    for (let i = 0; i < rest.length; i++) {
      const c = rest[i];
      if (isSpace(c)) continue;
      if (c === '=' || c === ':' || c === '\n') {
        key = rest.slice(0, i);
        offset = i + 1;
        inherited = c === '\n';
        break;
      }
      if (c === '_' || c === '.' || c === '-' || c === '[' || c === ']' || /[\p{L}\p{N}]/u.test(c)) continue;
      throw new DotenvError(`line ${line}: unexpected character ${JSON.stringify(c)} in variable name ${JSON.stringify(rest.split('\n')[0])}`);
    }
    if (offset < 0) {
      // The last line, without `=` or newline: a bare key.
      key = rest;
      offset = rest.length;
      inherited = true;
    }
    if (inherited && !key.includes(' ')) line++;
    key = key.replace(/\s+$/u, '');
    if (key.includes(' ')) throw new DotenvError(`line ${line}: key cannot contain a space`);
    rest = rest.slice(offset).replace(/^[\t\v\f\r \u0085\u00a0]+/, '');
    if (inherited) {
      const v = lookup(key);
      if (v !== undefined) out[key] = v;
      continue;
    }
    // The value.
    const quote = rest[0];
    if (quote !== '"' && quote !== "'") {
      const nl = rest.indexOf('\n');
      let value = nl < 0 ? rest : rest.slice(0, nl);
      rest = nl < 0 ? '' : rest.slice(nl + 1);
      line++;
      const hash = value.indexOf(' #');
      if (hash >= 0) value = value.slice(0, hash);
      value = value.replace(/\s+$/u, '');
      out[key] = substitute(value, resolve);
      continue;
    }
    let escaped = false;
    let chars = '';
    let closed = -1;
    for (let i = 1; i < rest.length; i++) {
      const c = rest[i];
      if (c === '\n') line++;
      if (c !== quote) {
        if (!escaped && c === '\\') {
          escaped = true;
          continue;
        }
        if (escaped) {
          escaped = false;
          chars += '\\';
        }
        chars += c;
        continue;
      }
      if (escaped) {
        escaped = false;
        chars += c;
        continue;
      }
      closed = i;
      break;
    }
    if (closed < 0) {
      const nl = rest.indexOf('\n');
      throw new DotenvError(`line ${line}: unterminated quoted value ${nl < 0 ? rest : rest.slice(0, nl)}`);
    }
    out[key] = quote === '"' ? substitute(expandEscapes(chars), resolve) : chars;
    rest = rest.slice(closed + 1);
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', c: 'c', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\' };

/** Backslash escapes inside double quotes; `\$` stays `$$` so substitution yields a literal `$`. */
function expandEscapes(s: string): string {
  return s.replace(/\\(?:[abcfnrtv$"\\]|0\d{0,3})/g, (m) => {
    const c = m[1];
    if (c === '$') return '$$';
    if (c === '0') {
      const digits = m.slice(2);
      // Go's UnquoteChar on `\ddd` needs exactly three octal digits; anything else stays as written.
      if (/^[0-7]{3}$/.test(digits) === false) return m;
      return String.fromCharCode(parseInt(digits, 8));
    }
    if (c === 'c') return m; // not a Go escape: kept
    return SIMPLE_ESCAPES[c];
  });
}
