// client.system: /_ping, /version, /info, /events, /system/df, /auth.
import type { AuthConfig, AuthResponse, DiskUsageObject, EventMessage, EventsOptions, SystemDf, SystemInfo, SystemVersion } from '../api-types/system.js';
import type { Cancellable } from './containers.js';
import { encodeFilters } from './filters.js';
import { LineDecoder } from './jsonstream.js';
import { readAll, type ApiTransport } from './transport.js';

export class SystemApi {
  constructor(private readonly t: ApiTransport) {}

  /** GET /_ping: "OK" from a live daemon. */
  async ping(opts: Cancellable = {}): Promise<string> {
    return (await readAll(await this.t.request('GET', '/_ping', { signal: opts.signal }))).toString('utf8');
  }

  version(): Promise<SystemVersion> {
    return this.t.json('GET', '/version');
  }

  info(): Promise<SystemInfo> {
    return this.t.json('GET', '/info');
  }

  /** `type` (API 1.42+) asks for only those parts: sizing volumes alone skips walking every layer. */
  df(opts: { type?: DiskUsageObject[] } = {}): Promise<SystemDf> {
    return this.t.json('GET', '/system/df', { query: { type: opts.type } });
  }

  /** Checks credentials with a registry (POST /auth). */
  auth(config: AuthConfig): Promise<AuthResponse> {
    return this.t.json('POST', '/auth', { body: config });
  }

  /** The event stream, parsed; it ends at `until` or when aborted. */
  async *events(opts: EventsOptions & Cancellable = {}): AsyncGenerator<EventMessage> {
    for await (const line of this.eventLines(opts)) yield JSON.parse(line) as EventMessage;
  }

  /**
   * The event stream as the JSON text of each event, for callers that need exact digits:
   * `timeNano` exceeds 2^53, which JSON.parse rounds.
   */
  async *eventLines(opts: EventsOptions & Cancellable = {}): AsyncGenerator<string> {
    const res = await this.t.request('GET', '/events', {
      query: { filters: encodeFilters(opts.filters), since: opts.since, until: opts.until },
      signal: opts.signal,
    });
    const lines = new LineDecoder();
    for await (const chunk of res) for (const line of lines.push(chunk as Buffer)) if (line.trim()) yield line;
    const rest = lines.end();
    if (rest.trim()) yield rest;
  }
}
