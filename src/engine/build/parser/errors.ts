import { InvalidArgumentError } from '../../errors.js';

/**
 * A Dockerfile syntax or instruction error. `message` is worded as dockerd words it
 * (`dockerfile parse error on line 3: unknown instruction: FOO`); `startLine`/`endLine` locate it.
 */
export class DockerfileParseError extends InvalidArgumentError {
  constructor(
    message: string,
    readonly startLine: number,
    readonly endLine: number = startLine,
  ) {
    super(message);
  }
}

/** An error raised while interpreting one instruction; the caller adds the line. */
export class InstructionError extends Error {}
