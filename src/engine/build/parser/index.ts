// Dockerfile → build stages, with dockerd's error wording:
//   syntax-level problems:   `failed to parse Dockerfile: unterminated heredoc`
//   instruction problems:    `dockerfile parse error on line 3: unknown instruction: FOO`
import { parseAst, LocatedError, type Node, type Warning } from './ast.js';
import { DockerfileParseError, InstructionError } from './errors.js';
import { parseInstruction, type Instruction, type InstructionOf, type Stage } from './instructions.js';

export * from './instructions.js';
export { DockerfileParseError } from './errors.js';
export { parseAst, parseHeredoc, chompHeredocContent, type Node, type Heredoc } from './ast.js';

export interface ParsedDockerfile {
  stages: Stage[];
  /** ARG instructions before the first FROM. */
  metaArgs: InstructionOf<'arg'>[];
  escapeToken: string;
  warnings: Warning[];
  /** Parser directives found at the top (`syntax`, `escape`, `check`). */
  directives: Record<string, string>;
}

export function parseDockerfile(text: string, name = 'Dockerfile'): ParsedDockerfile {
  if (text.length === 0) throw new DockerfileParseError(`the Dockerfile (${name}) cannot be empty`, 0);
  let ast;
  try {
    ast = parseAst(text);
  } catch (e) {
    if (e instanceof LocatedError || e instanceof InstructionError) {
      const line = e instanceof LocatedError ? e.startLine : 0;
      throw new DockerfileParseError(`failed to parse ${name}: ${e.message}`, line);
    }
    throw e;
  }
  const stages: Stage[] = [];
  const metaArgs: InstructionOf<'arg'>[] = [];
  for (const node of ast.children) {
    const parsed = parseNode(node);
    if ('commands' in parsed) {
      stages.push(parsed);
      continue;
    }
    if (stages.length === 0) {
      if (parsed.name === 'arg') {
        metaArgs.push(parsed);
        continue;
      }
      throw new DockerfileParseError('no build stage in current context', node.startLine, node.endLine);
    }
    stages[stages.length - 1].commands.push(parsed);
  }
  return { stages, metaArgs, escapeToken: ast.escapeToken, warnings: ast.warnings, directives: ast.directives };
}

/** Parses one AST node, wording errors with its line as dockerd does. */
export function parseNode(node: Node): Instruction | Stage {
  try {
    return parseInstruction(node);
  } catch (e) {
    if (e instanceof InstructionError || e instanceof Error) {
      throw new DockerfileParseError(`dockerfile parse error on line ${node.startLine}: ${e.message}`, node.startLine, node.endLine);
    }
    throw e;
  }
}

/** Parses a single instruction line (ONBUILD triggers are re-parsed this way when they fire). */
export function parseSingleInstruction(text: string): Instruction {
  const { children } = parseAst(text);
  if (children.length !== 1) throw new InstructionError('onbuild trigger should be a single expression');
  const parsed = parseNode(children[0]);
  if ('commands' in parsed) throw new InstructionError("FROM isn't allowed as an ONBUILD trigger");
  return parsed;
}
