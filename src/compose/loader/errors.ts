// The one error type the compose loader throws: a message in Docker Compose's wording, naming
// the file, the service and the key where it can. Commands print `message` as is.
export class ComposeError extends Error {
  override name = 'ComposeError';
}
