// Errors the CLI turns into an exit status: Docker exits 125 for usage errors and for
// run/create/start failures, 126/127 when the command cannot be invoked / is not found,
// and 1 for any other failure.

/** A bad flag or argument count: printed with "See 'berth X --help'." and exit 125. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An error that carries its own exit status (Docker's cli.StatusError). */
export class StatusError extends Error {
  override name = 'StatusError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** `--help` was asked for and printed: exit 0. */
export class HelpShown extends Error {
  override name = 'HelpShown';
}
