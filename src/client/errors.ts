// What can go wrong talking to the daemon: it answered with an error status, or it could not be reached.

/** The daemon answered with status >= 400; `message` is its `{"message": …}` text. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The daemon could not be reached (no socket, refused, TLS failure). */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
  constructor(
    readonly hostUrl: string,
    override readonly cause: Error,
  ) {
    super(`Cannot connect to the berth daemon at ${hostUrl}. Is the berth daemon running?`);
  }
}

export function isNotFound(e: unknown): e is ApiError {
  return e instanceof ApiError && e.status === 404;
}

/** An error as the docker CLI words it: the daemon's answer prefixed "Error response from daemon:". */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) return `Error response from daemon: ${e.message}`;
  return (e as Error)?.message ?? String(e);
}
