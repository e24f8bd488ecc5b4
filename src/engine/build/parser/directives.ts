// Parser directives (`# syntax=…`, `# escape=…`, `# check=…`): only at the very top of the file,
// each at most once; the first line that is not a directive ends the directive section.
// Mirrors buildkit frontend/dockerfile/parser/directives.go.
import { InstructionError } from './errors.js';

const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN = new Set(['syntax', 'escape', 'check']);

export interface Directive {
  name: string;
  value: string;
  line: number;
}

export class DirectiveParser {
  private line = 0;
  private done = false;
  private readonly seen = new Set<string>();

  /** Looks at one physical line; returns the directive on it, or undefined. */
  parseLine(text: string): Directive | undefined {
    this.line++;
    if (this.done) return undefined;
    if (!text.startsWith('#')) {
      this.done = true;
      return undefined;
    }
    const m = DIRECTIVE.exec(text.slice(1).replace(/^\s+/, ''));
    if (!m) {
      this.done = true;
      return undefined;
    }
    const name = m[1].toLowerCase();
    if (!KNOWN.has(name)) {
      this.done = true;
      return undefined;
    }
    if (this.seen.has(name)) throw new InstructionError(`only one ${name} parser directive can be used`);
    this.seen.add(name);
    return { name, value: m[2], line: this.line };
  }
}
