// Splitting a string command into words as compose does (go-shellwords, without variable or
// backtick expansion): blanks separate words, single quotes are literal, double quotes group,
// a backslash outside single quotes takes the next character literally.
import { ComposeError } from './errors.js';

export function shellSplit(line: string): string[] {
  const args: string[] = [];
  let buf = '';
  let got = false;
  let escaped = false;
  let single = false;
  let double = false;
  for (const c of line) {
    if (escaped) {
      buf += c;
      escaped = false;
      got = true;
      continue;
    }
    if (c === '\\' && !single) {
      escaped = true;
      continue;
    }
    if ((c === ' ' || c === '\t' || c === '\n' || c === '\r') && !single && !double) {
      if (got) args.push(buf);
      buf = '';
      got = false;
      continue;
    }
    if (c === "'" && !double) {
      single = !single;
      got = true;
      continue;
    }
    if (c === '"' && !single) {
      double = !double;
      got = true;
      continue;
    }
    buf += c;
    got = true;
  }
  if (single || double || escaped) throw new ComposeError(`invalid command line string`);
  if (got) args.push(buf);
  return args;
}
