// The engine's event bus: every object change is published here in Docker's event shape and
// kept in a bounded ring so `GET /events?since=` can replay what happened before the client came.
import { EventEmitter } from 'node:events';
import { exactMatch, fuzzyMatch, matchKVList, type Filters } from './filters.js';
import { familiarName, parseNormalizedNamed } from './images/reference.js';

export interface DockerEvent {
  Type: 'container' | 'image' | 'volume' | 'network' | 'daemon' | 'plugin' | 'builder';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  // Pre-1.22 fields the docker CLI still reads for containers and images.
  status?: string;
  id?: string;
  from?: string;
}

const HISTORY = 1024;

export class EventBus extends EventEmitter {
  private ring: DockerEvent[] = [];

  publish(type: DockerEvent['Type'], action: string, id: string, attributes: Record<string, string> = {}): DockerEvent {
    const nowNs = BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
    const ev: DockerEvent = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(nowNs / 1_000_000_000n),
      timeNano: Number(nowNs),
    };
    if (type === 'container' || type === 'image') {
      ev.status = action;
      ev.id = id;
      if (attributes.image) ev.from = attributes.image;
    }
    this.ring.push(ev);
    if (this.ring.length > HISTORY) this.ring.shift();
    this.emit('event', ev);
    return ev;
  }

  /** Events at or after `sinceNs` (nanoseconds since the epoch), oldest first. */
  history(sinceNs: number): DockerEvent[] {
    return this.ring.filter((e) => e.timeNano >= sinceNs);
  }
}

/** An image reference without its tag or digest (`busybox:1` → `busybox`), as the `image` filter compares. */
function stripTag(image: string): string {
  try {
    return familiarName(parseNormalizedNamed(image));
  } catch {
    return image;
  }
}

/**
 * `GET /events` filters as dockerd's daemon/events/filter.go applies them: every key given must
 * match (values of one key are alternatives); objects by ID prefix or name; `event` exactly (or
 * by prefix for the `exec_*:` and `health_status:` families); labels all present. dockerd does
 * not refuse keys it does not know here, so neither do we.
 */
export function eventFilter(f: Filters): (e: DockerEvent) => boolean {
  const byName = (e: DockerEvent, type: string) => fuzzyMatch(f, type, e.Actor.ID) || fuzzyMatch(f, type, e.Actor.Attributes.name ?? '');
  const events = f.get('event') ?? [];
  const fuzzyEvent = events.some((v) => v === 'health_status' || v === 'exec_create' || v === 'exec_start');
  return (e) => {
    if (!(fuzzyEvent ? fuzzyMatch(f, 'event', e.Action) : exactMatch(f, 'event', e.Action))) return false;
    if (!exactMatch(f, 'type', e.Type) || !exactMatch(f, 'scope', e.scope)) return false;
    for (const type of ['daemon', 'container', 'plugin', 'volume', 'network', 'node', 'service', 'secret', 'config']) if (!byName(e, type)) return false;
    if (f.get('image')?.length) {
      const imageName = e.Actor.Attributes[e.Type === 'image' ? 'name' : 'image'] ?? '';
      const id = e.Actor.ID;
      if (![id, imageName, stripTag(id), stripTag(imageName)].some((s) => exactMatch(f, 'image', s))) return false;
    }
    return matchKVList(f, 'label', e.Actor.Attributes);
  };
}

/** What a `GET /events` client asked for: its filters and the time window, in nanoseconds since the epoch. */
export interface EventWatch {
  filters: Filters;
  sinceNs?: number;
  untilNs?: number;
}

/**
 * Sends the matching events of a watch: first those kept since `sinceNs` (up to `untilNs`), then,
 * unless the window has already closed, each new one as it is published. Resolves when `untilNs`
 * is reached or `signal` aborts. The replay and the subscription happen in one synchronous step,
 * so no event published in between is lost or sent twice.
 */
export function watchEvents(bus: EventBus, watch: EventWatch, signal: AbortSignal, send: (e: DockerEvent) => void): Promise<void> {
  const { sinceNs, untilNs } = watch;
  const match = eventFilter(watch.filters);
  if (sinceNs !== undefined) for (const e of bus.history(sinceNs)) if ((untilNs === undefined || e.timeNano <= untilNs) && match(e)) send(e);
  const nowNs = Date.now() * 1e6;
  if ((untilNs !== undefined && untilNs <= nowNs) || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onEvent = (e: DockerEvent) => {
      if (match(e)) send(e);
    };
    const timer = untilNs === undefined ? undefined : setTimeout(done, Math.max(0, (untilNs - nowNs) / 1e6));
    function done() {
      bus.off('event', onEvent);
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    bus.on('event', onEvent);
    signal.addEventListener('abort', done, { once: true });
  });
}
