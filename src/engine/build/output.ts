// The JSON progress stream of a classic `docker build` (POST /build): each write becomes one
// `{"stream": …}` message, the image ID goes out as `{"aux":{"ID":…}}`, and a failure ends the
// stream with `{"errorDetail":{…},"error":…}`.
import { EngineError } from '../errors.js';

export type BuildMessage =
  | { stream: string }
  | { aux: { ID: string } }
  | { errorDetail: { code?: number; message: string }; error: string };

export type BuildOutput = (msg: BuildMessage) => void;

/** A failed build step; `code` is the RUN exit code when there is one (errorDetail.code). */
export class BuildStepError extends EngineError {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(500, message);
  }
}

/** The final message dockerd writes when a build fails after the stream has started. */
export function errorMessage(err: unknown): BuildMessage {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof BuildStepError ? err.code : undefined;
  return { errorDetail: code === undefined ? { message } : { code, message }, error: message };
}

const RED = '\u001b[91m';
const RESET = '\u001b[0m';

/** Container stderr during RUN is shown red, as dockerd's stderr stream writer does. */
export const stderrStream = (text: string): BuildMessage => ({ stream: `${RED}${text}${RESET}` });
