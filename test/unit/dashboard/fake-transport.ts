// The part of a fake engine every dashboard relay test shares: GET /events answers a stream the
// test writes events into (each request a new stream, `events` the newest), and the transport
// calls the relays do not make. Each test's engine extends it with the `json` answers it needs.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { ApiTransport, HttpResponse } from '../../../src/client/transport.js';

export abstract class FakeTransport implements ApiTransport {
  /** One stream per GET /events, oldest first. */
  readonly streams: PassThrough[] = [];

  /** The newest event stream (made ahead of the first request, so a test can write to it early). */
  get events(): PassThrough {
    if (!this.streams.length) this.streams.push(new PassThrough());
    return this.streams.at(-1)!;
  }

  async request(_method: string, path: string): Promise<HttpResponse> {
    assert.equal(path, '/events');
    // The first request takes the stream made ahead of it, if any; later ones a new one each.
    if (this.requests++ > 0 || !this.streams.length) this.streams.push(new PassThrough());
    return this.events as unknown as HttpResponse;
  }
  private requests = 0;

  abstract json<T>(method: string, path: string, opts?: { query?: Record<string, unknown> }): Promise<T>;

  /** Writes one event (time 1 unless given) to the newest stream. */
  event(e: object): void {
    this.events.write(`${JSON.stringify({ time: 1, ...e })}\n`);
  }

  async call(): Promise<void> {}
  // eslint-disable-next-line require-yield
  async *jsonStream<T>(): AsyncGenerator<T> {
    throw new Error('not used');
  }
  async hijack(): Promise<never> {
    throw new Error('not used');
  }
  close(): void {}
}
