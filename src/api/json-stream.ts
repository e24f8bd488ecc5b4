// The JSON-lines responses of pull, push, build and load, as dockerd streams them: Go's JSON
// encoding, one message a line, and the headers sent with the first message, so a failure before
// any progress is still a plain HTTP error (dockerd answers an unknown manifest with a 404); after
// that, a failure ends the stream as an {"errorDetail":…,"error":…} message.
import type { ServerResponse } from 'node:http';
import { errorMessage, goJson } from '../engine/images/distribution-progress.js';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

export class LazyJsonStream {
  private readonly abort = new AbortController();
  /** Aborted when the client hangs up: it cancels what only that client was waiting for. */
  readonly signal = this.abort.signal;

  constructor(private readonly res: ServerResponse) {
    res.on('close', () => {
      if (!res.writableFinished) this.abort.abort(new Error('client disconnected'));
    });
  }

  get started(): boolean {
    return this.res.headersSent;
  }

  write = (msg: unknown): void => {
    if (!this.res.headersSent) this.res.writeHead(200, JSON_HEADERS);
    if (!this.res.writableEnded && !this.res.destroyed) this.res.write(goJson(msg) + '\r\n');
  };

  /** A failure: the last message once the stream has started, else rethrown for a plain HTTP error. */
  fail(e: unknown, toMessage: (e: unknown) => unknown = (err) => errorMessage(String((err as Error | undefined)?.message ?? err))): void {
    if (!this.started) throw e;
    this.write(toMessage(e));
  }

  end(): void {
    if (!this.res.headersSent) this.res.writeHead(200, JSON_HEADERS);
    if (!this.res.writableEnded) this.res.end();
  }

  /** Runs `work`, then ends the stream (with the error message when it failed after starting). */
  async run(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (e) {
      this.fail(e);
    }
    this.end();
  }
}
