// Variable substitution in one string, as compose-go's template package does it:
// `$$` (a literal `$`), `$VAR`, `${VAR}`, `${VAR:-default}` / `${VAR-default}` (default when
// unset or empty / when unset), `${VAR:+alt}` / `${VAR+alt}` (alternative when set and not empty /
// when set), `${VAR:?err}` / `${VAR?err}` (error when unset or empty / when unset). Defaults,
// alternatives and error texts are themselves substituted, so `${A:-${B:-x}}` nests.
// Names are [_a-zA-Z][_a-zA-Z0-9]*; a `$` followed by anything else is kept as is; `${` not
// followed by a valid expression is an invalid template.

/** Looks a variable up: its value, or undefined when unset. */
export type Lookup = (name: string) => string | undefined;

/** `${` with no valid expression after it; `template` is the whole string being substituted. */
export class InvalidTemplateError extends Error {
  override name = 'InvalidTemplateError';
  constructor(readonly template: string) {
    super(`Invalid template: ${JSON.stringify(template)}`);
  }
}

/** `${VAR:?reason}` or `${VAR?reason}` with VAR missing. */
export class MissingRequiredError extends Error {
  override name = 'MissingRequiredError';
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(reason ? `required variable ${variable} is missing a value: ${reason}` : `required variable ${variable} is missing a value`);
  }
}

export interface SubstituteOptions {
  /** Called with the name of each variable used bare (`$X`, `${X}`) while unset. */
  onUnset?: (name: string) => void;
}

const NAME_START = /[_a-zA-Z]/;
const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;
const OPERATORS = [':-', ':+', ':?', '-', '+', '?'] as const;
type Operator = (typeof OPERATORS)[number];

/** Index of the `}` closing the `${` at `start` (braces nest), or -1. */
function closingBrace(s: string, start: number): number {
  let open = 0;
  for (let i = start; i < s.length; i++) {
    if (s[i] === '}') {
      open--;
      if (open === 0) return i;
    }
    if (s[i] === '{') {
      open++;
      i++; // as compose-go: the character after `{` is never a brace that counts
    }
  }
  return -1;
}

/** Substitutes every variable in `template`. Throws InvalidTemplateError or MissingRequiredError. */
export function substitute(template: string, lookup: Lookup, opts: SubstituteOptions = {}): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    const next = template[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next !== undefined && NAME_START.test(next)) {
      const name = NAME.exec(template.slice(dollar + 1))![0];
      out += bare(name, lookup, opts);
      i = dollar + 1 + name.length;
    } else if (next === '{') {
      const end = closingBrace(template, dollar + 1);
      const inner = end < 0 ? '' : template.slice(dollar + 2, end);
      const name = NAME.exec(inner)?.[0];
      if (!name) throw new InvalidTemplateError(template);
      const rest = inner.slice(name.length);
      if (rest === '') out += bare(name, lookup, opts);
      else {
        const op = OPERATORS.find((o) => rest.startsWith(o));
        if (!op) throw new InvalidTemplateError(template);
        out += apply(name, op, rest.slice(op.length), lookup, opts);
      }
      i = end + 1;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return out;
}

function bare(name: string, lookup: Lookup, opts: SubstituteOptions): string {
  const value = lookup(name);
  if (value === undefined) opts.onUnset?.(name);
  return value ?? '';
}

function apply(name: string, op: Operator, arg: string, lookup: Lookup, opts: SubstituteOptions): string {
  const value = lookup(name);
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  switch (op) {
    case ':-':
      return nonEmpty ? value : substitute(arg, lookup, opts);
    case '-':
      return set ? value : substitute(arg, lookup, opts);
    case ':+':
      return nonEmpty ? substitute(arg, lookup, opts) : (value ?? '');
    case '+':
      return set ? substitute(arg, lookup, opts) : '';
    case ':?':
      if (!nonEmpty) throw new MissingRequiredError(name, substitute(arg, lookup, opts));
      return value;
    case '?':
      if (!set) throw new MissingRequiredError(name, substitute(arg, lookup, opts));
      return value;
  }
}
