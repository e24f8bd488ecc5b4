// One GET /events per engine, shared by everything of the dashboard that follows that engine:
// the container list, the images/volumes/networks lists, the events page, disk use. Each
// listener gets every event; on (re)connect each listener's `resync` runs (its fresh list) before
// the stream's events are handed out, and the events since a second before the stream opened are
// replayed by the engine, so a change between list and stream is never lost. When the stream
// breaks the host is down for every listener, and it is opened again after a pause.
// The newest events are kept (RECENT) so a page that opens sees what just happened.
import type { EventMessage } from '../../../api-types/system.js';
import type { EngineHost } from '../hosts.js';
import { errorText } from './relay.js';
import { log } from '../../../util/log.js';

const RETRY_MS = 2000;
const RECENT = 500;

export interface EventListener {
  event?(e: EventMessage): void;
  /** The stream is (again) open: re-read what the listener keeps. Events wait until all resolve. */
  resync?(): Promise<void>;
  /** The engine is up or down (with the error). */
  status?(up: boolean, error?: string): void;
}

export class EngineEvents {
  up = false;
  error?: string;
  readonly recent: EventMessage[] = [];
  private readonly listeners = new Set<EventListener>();
  private started = false;
  private readonly stopping = new AbortController();
  /** Resolves once the first connection has been tried (and the listeners have resynced). */
  ready: Promise<void> = Promise.resolve();

  constructor(readonly host: EngineHost) {}

  /**
   * Adds a listener, starting the stream on first use. `ready` resolves once the listener holds a
   * fresh view: after the first connection's resync, or its own resync when the stream is up
   * already (or at once when the engine is down: the next connection resyncs it).
   */
  listen(l: EventListener): { close: () => void; ready: Promise<void> } {
    this.listeners.add(l);
    let ready: Promise<void>;
    if (!this.started) {
      this.started = true;
      ready = this.ready = new Promise((resolve) => void this.run(resolve));
    } else if (this.up) {
      ready = this.resync(l);
    } else ready = this.ready;
    return { close: () => this.listeners.delete(l), ready };
  }

  /**
   * One listener's fresh view. Its failure (one list call refused) is its own: it must not take
   * the stream down for the others; a dead engine shows as the stream failing.
   */
  private async resync(l: EventListener): Promise<void> {
    try {
      await l.resync?.();
    } catch (e) {
      log.debug(`dashboard: resync on ${this.host.info.label}: ${errorText(e)}`);
    }
  }

  stop(): void {
    this.stopping.abort();
  }

  private setUp(up: boolean, error?: string): void {
    if (this.up === up && this.error === error) return;
    this.up = up;
    this.error = error;
    for (const l of this.listeners) l.status?.(up, error);
  }

  private async run(ready: () => void): Promise<void> {
    while (!this.stopping.signal.aborted) {
      const attempt = new AbortController();
      const onStop = () => attempt.abort();
      this.stopping.signal.addEventListener('abort', onStop);
      try {
        const since = Math.floor(Date.now() / 1000) - 1;
        const events = this.host.client.system.events({ since, signal: attempt.signal });
        const first = events.next();
        await Promise.all([...this.listeners].map((l) => this.resync(l)));
        this.setUp(true);
        ready();
        for (let r = await first; !r.done; r = await events.next()) {
          const e = r.value;
          this.recent.push(e);
          if (this.recent.length > RECENT) this.recent.splice(0, this.recent.length - RECENT);
          for (const l of this.listeners) l.event?.(e);
        }
        throw new Error('event stream ended');
      } catch (e) {
        if (this.stopping.signal.aborted) break;
        log.debug(`dashboard: events of ${this.host.info.label}: ${errorText(e)}`);
        this.setUp(false, errorText(e));
        ready();
        attempt.abort();
        await pause(RETRY_MS, this.stopping.signal);
      } finally {
        this.stopping.signal.removeEventListener('abort', onStop);
      }
    }
  }
}

/**
 * One relay of a kind per engine, made on first use and shared by every page that watches that
 * engine (keyed by the engine's event stream, so it goes with it).
 */
export function perEngine<R>(make: (events: EngineEvents) => R): (events: EngineEvents) => R {
  const made = new WeakMap<EngineEvents, R>();
  return (events) => {
    let r = made.get(events);
    if (!r) made.set(events, (r = make(events)));
    return r;
  };
}

/** Waits `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
