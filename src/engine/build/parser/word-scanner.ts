// The one scanner behind the Dockerfile parser's two word splitters, as buildkit's parser has
// them (extractBuilderFlags and parseWords): whitespace-separated words with quotes and the
// escape token. They differ in three rules, set by the mode:
// - `flags` (leading `--flag[=value]` words): quotes and escapes are removed, the escape works
//   inside single quotes too, and scanning stops at the first word not starting with `--` or
//   after a bare `--`, returning the rest of the line;
// - `words` (the arguments of ADD/COPY-like instructions): quotes and escapes are kept for the
//   later expansion, and the escape is plain text inside single quotes.
export type ScanMode = 'flags' | 'words';

const IN_SPACES = 0;
const IN_WORD = 1;
const IN_QUOTE = 2;

/** Splits `text` into words; `rest` is what a `flags` scan left unread ('' for `words`). */
export function scanWords(text: string, escapeToken: string, mode: ScanMode): { words: string[]; rest: string } {
  const flags = mode === 'flags';
  const keep = !flags;
  const chars = Array.from(text);
  const restFrom = (pos: number) => chars.slice(pos).join('');
  const words: string[] = [];
  let phase = IN_SPACES;
  let word = '';
  let quote = '';
  let blankOK = false;
  for (let pos = 0; pos <= chars.length; pos++) {
    let ch = pos < chars.length ? chars[pos] : '';
    if (phase === IN_SPACES) {
      if (pos === chars.length) break;
      if (/\s/u.test(ch)) continue;
      if (flags && (ch !== '-' || pos + 1 === chars.length || chars[pos + 1] !== '-')) return { words, rest: restFrom(pos) };
      phase = IN_WORD;
    }
    if ((phase === IN_WORD || phase === IN_QUOTE) && pos === chars.length) {
      if (!(flags && word === '--') && (blankOK || word.length > 0)) words.push(word);
      break;
    }
    if (phase === IN_WORD) {
      if (/\s/u.test(ch)) {
        phase = IN_SPACES;
        if (flags && word === '--') return { words, rest: restFrom(pos) };
        if (blankOK || word.length > 0) words.push(word);
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = IN_QUOTE;
        if (!keep) continue;
      } else if (ch === escapeToken) {
        if (pos + 1 === chars.length) continue;
        if (keep) word += ch;
        pos++;
        ch = chars[pos];
      }
      word += ch;
      continue;
    }
    // IN_QUOTE
    if (ch === quote) {
      phase = IN_WORD;
      if (!keep) continue;
    } else if (ch === escapeToken && (flags || quote !== "'")) {
      if (pos + 1 === chars.length) {
        phase = IN_WORD;
        continue;
      }
      if (keep) word += ch;
      pos++;
      ch = chars[pos];
    }
    word += ch;
  }
  return { words, rest: '' };
}
