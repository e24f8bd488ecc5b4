// Per-instruction argument splitting (buildkit parser/line_parsers.go). Each instruction has its
// own rule: JSON-or-string (RUN, CMD …), JSON-or-list (COPY, VOLUME …), name/value pairs (ENV,
// LABEL), words (ARG), whitespace lists (FROM, EXPOSE) or the raw string (USER, WORKDIR …).
import { InstructionError } from './errors.js';
import { scanWords } from './word-scanner.js';

export interface ParsedArgs {
  args: string[];
  json: boolean;
}

const WHITESPACE_SPLIT = /[\t\v\f\r ]+/;

class NotStringArrayError extends InstructionError {
  constructor() {
    super('when using JSON array syntax, arrays must be comprised of strings only');
  }
}

export function parseArgsFor(cmd: string, rest: string, escapeToken: string): ParsedArgs {
  switch (cmd) {
    case 'add':
    case 'copy':
    case 'volume':
      return parseMaybeJSONToList(rest);
    case 'arg':
      return { args: parseWords(rest, escapeToken), json: false };
    case 'cmd':
    case 'entrypoint':
    case 'run':
    case 'shell':
      return parseMaybeJSON(rest);
    case 'env':
      return { args: parseNameVal(rest, 'ENV', escapeToken), json: false };
    case 'label':
      return { args: parseNameVal(rest, 'LABEL', escapeToken), json: false };
    case 'expose':
    case 'from':
      return { args: splitWhitespace(rest), json: false };
    case 'healthcheck':
      return parseHealthConfig(rest);
    case 'maintainer':
    case 'stopsignal':
    case 'user':
    case 'workdir':
      return { args: rest === '' ? [] : [rest], json: false };
    default:
      // Unknown instructions parse to nothing here; the instruction layer reports them.
      return { args: [], json: false };
  }
}

function splitWhitespace(rest: string): string[] {
  if (rest === '') return [];
  return rest.split(WHITESPACE_SPLIT);
}

/** Words separated by whitespace, quotes kept (they are removed later by expansion). */
export function parseWords(rest: string, escapeToken: string): string[] {
  return scanWords(rest, escapeToken, 'words').words;
}

/**
 * ENV/LABEL: `KEY value with spaces` (old form, decided by the first word having no `=`) or
 * `k=v k2="v 2"`. Returns flat triples [key, value, separator] where separator is "=" or "".
 */
function parseNameVal(rest: string, key: string, escapeToken: string): string[] {
  const words = parseWords(rest, escapeToken);
  if (words.length === 0) return [];
  if (!words[0].includes('=')) {
    const m = WHITESPACE_SPLIT.exec(rest);
    if (!m) throw new InstructionError(`${key} must have two arguments`);
    return [rest.slice(0, m.index), rest.slice(m.index + m[0].length), ''];
  }
  const out: string[] = [];
  for (const w of words) {
    const i = w.indexOf('=');
    if (i < 0) throw new InstructionError(`Syntax error - can't find = in ${JSON.stringify(w)}. Must be of the form: name=value`);
    out.push(w.slice(0, i), w.slice(i + 1), '=');
  }
  return out;
}

function parseJSON(rest: string): ParsedArgs | undefined {
  rest = rest.replace(/^\s+/, '');
  if (!rest.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(rest);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  if (!value.every((v) => typeof v === 'string')) throw new NotStringArrayError();
  return { args: value as string[], json: true };
}

function parseMaybeJSON(rest: string): ParsedArgs {
  if (rest === '') return { args: [], json: false };
  return parseJSON(rest) ?? { args: [rest], json: false };
}

function parseMaybeJSONToList(rest: string): ParsedArgs {
  return parseJSON(rest) ?? { args: splitWhitespace(rest), json: false };
}

/** HEALTHCHECK: a type word (CMD/NONE) followed by a JSON-or-string command. */
function parseHealthConfig(rest: string): ParsedArgs {
  let sep = 0;
  while (sep < rest.length && !/\s/.test(rest[sep])) sep++;
  let next = sep;
  while (next < rest.length && /\s/.test(rest[next])) next++;
  if (sep === 0) return { args: [], json: false };
  const cmd = parseMaybeJSON(rest.slice(next));
  return { args: [rest.slice(0, sep), ...cmd.args], json: cmd.json };
}
