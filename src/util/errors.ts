// Engine errors carry the HTTP status the Docker API uses for them, so handlers can stay thin:
// the API layer maps any EngineError to `{"message": …}` with its status.

export class EngineError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 404: unknown container, image, volume, network, exec … */
export class NotFoundError extends EngineError {
  constructor(message: string) {
    super(404, message);
  }
}

/** 409: name in use, image in use, container running … */
export class ConflictError extends EngineError {
  constructor(message: string) {
    super(409, message);
  }
}

/** 400: malformed input, invalid reference, bad option. */
export class InvalidArgumentError extends EngineError {
  constructor(message: string) {
    super(400, message);
  }
}

/** 304: the state already is what was asked (start of a running container, stop of a stopped one). */
export class NotModifiedError extends EngineError {
  constructor(message = '') {
    super(304, message);
  }
}

/** 403: forbidden operation (e.g. removing a predefined network). */
export class ForbiddenError extends EngineError {
  constructor(message: string) {
    super(403, message);
  }
}

/** 503: the service is not available here (swarm-only requests on a node outside a swarm). */
export class UnavailableError extends EngineError {
  constructor(message: string) {
    super(503, message);
  }
}

/** 500 with a message the client shows as is. */
export class SystemError extends EngineError {
  constructor(message: string) {
    super(500, message);
  }
}

export function isEngineError(e: unknown): e is EngineError {
  return e instanceof EngineError;
}
