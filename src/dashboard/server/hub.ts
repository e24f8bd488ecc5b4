// One page's WebSocket: reads its subscriptions, opens each with the relay of its kind, and sends
// what the relays emit. Messages that pile up within one turn of the event loop go out as one
// frame (a JSON array), so 200 rows' stats cost a frame a second, not 200. A page that does not
// read (its socket buffer over MAX_BUFFERED) is disconnected; it reconnects and starts afresh.
import type { ClientMessage, HostInfo, ServerMessage, StreamMessages, Subscription } from '../protocol.js';
import { OP_TEXT, type WebSocketPeer } from '../../util/websocket.js';
import type { EngineHost } from './hosts.js';
import { ContainersRelay } from './relays/containers.js';
import { EngineEvents } from './relays/engine-events.js';
import { ExecSessions } from './relays/exec.js';
import { OPENERS, clampSize, type HostSubscription, type OpenContext } from './relays/index.js';
import type { Opened, Sink } from './relays/relay.js';
import { StatsRelay } from './relays/stats.js';
import { log } from '../../util/log.js';

const MAX_BUFFERED = 16 << 20;

/** The relays of all the engines, shared by every page. */
export class Relays {
  readonly hosts: Map<string, EngineHost>;
  /** One event stream per engine, shared by every relay that follows it. */
  readonly events: Map<string, EngineEvents>;
  readonly containers: Map<string, ContainersRelay>;
  readonly stats: StatsRelay;
  readonly execs = new ExecSessions();

  constructor(hosts: EngineHost[]) {
    this.hosts = new Map(hosts.map((h) => [h.info.id, h]));
    this.events = new Map(hosts.map((h) => [h.info.id, new EngineEvents(h)]));
    this.containers = new Map([...this.events].map(([id, ev]) => [id, new ContainersRelay(ev)]));
    this.stats = new StatsRelay(this.hosts);
  }

  get hostInfos(): HostInfo[] {
    return [...this.hosts.values()].map((h) => h.info);
  }

  close(): void {
    for (const ev of this.events.values()) ev.stop();
    this.execs.closeAll();
    for (const h of this.hosts.values()) h.client.close();
  }
}

export class PageConnection {
  private readonly subs = new Map<number, Opened>();
  private outbox: ServerMessage[] = [];
  private flushQueued = false;

  /** `touch`: the session is in use (a page that watches keeps its session alive). */
  constructor(
    private readonly peer: WebSocketPeer,
    private readonly relays: Relays,
    private readonly touch: () => void = () => undefined,
  ) {
    peer.onMessage = (payload) => {
      this.touch();
      this.receive(payload.toString('utf8'));
    };
    peer.onEnd = () => this.detachAll();
    peer.gone.addEventListener('abort', () => this.detachAll());
  }

  /** The socket went: each stream ends, but one that can wait for the page to come back does. */
  private detachAll(): void {
    for (const s of this.subs.values()) {
      if (s.detach) s.detach();
      else s.close();
    }
    this.subs.clear();
  }

  private send(m: ServerMessage): void {
    if (!this.peer.open) return;
    this.outbox.push(m);
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      const batch = this.outbox;
      this.outbox = [];
      if (!this.peer.open || batch.length === 0) return;
      if (this.peer.buffered > MAX_BUFFERED) {
        log.warn('dashboard: a page does not keep up with its streams; disconnecting it');
        this.peer.socket.destroy();
        return;
      }
      this.touch();
      this.peer.send(OP_TEXT, Buffer.from(JSON.stringify(batch), 'utf8'));
    });
  }

  private sink<K extends keyof StreamMessages>(id: number): Sink<K> {
    return {
      emit: (msg) => {
        if (this.subs.has(id)) this.send({ type: 'msg', id, msg });
      },
      end: () => {
        if (this.subs.delete(id)) this.send({ type: 'end', id });
      },
      fail: (message) => {
        if (this.subs.delete(id)) this.send({ type: 'error', id, message });
      },
    };
  }

  private receive(text: string): void {
    let m: ClientMessage;
    try {
      m = JSON.parse(text) as ClientMessage;
    } catch {
      return this.peer.close(1003);
    }
    switch (m.type) {
      case 'sub':
        if (this.subs.has(m.id)) return;
        // Registered before opening: a relay may emit at once.
        this.subs.set(m.id, { close() {} });
        this.subs.set(m.id, this.open(m.id, m.sub));
        return;
      case 'unsub':
        this.subs.get(m.id)?.close();
        this.subs.delete(m.id);
        return;
      case 'input':
        this.subs.get(m.id)?.input?.(String(m.data));
        return;
      case 'resize':
        this.subs.get(m.id)?.resize?.(clampSize(m.rows), clampSize(m.cols));
        return;
    }
  }

  private open(id: number, sub: Subscription): Opened {
    if (sub.kind === 'containers') return this.openContainers(id);
    const host = this.relays.hosts.get(sub.host);
    if (!host) {
      this.sink(id).fail(`no such host: ${sub.host}`);
      return { close() {} };
    }
    const opener = OPENERS[sub.kind] as ((ctx: OpenContext, sub: HostSubscription, sink: Sink<keyof StreamMessages>) => Opened) | undefined;
    if (!opener) {
      this.sink(id).fail('unknown subscription');
      return { close() {} };
    }
    return opener({ host, events: this.relays.events.get(sub.host)!, stats: this.relays.stats, execs: this.relays.execs }, sub, this.sink(id));
  }

  /** Every engine's list: a snapshot once all have answered (or failed), then their changes. */
  private openContainers(id: number): Opened {
    const sink = this.sink<'containers'>(id);
    const pending: StreamMessages['containers'][] = [];
    let live = false;
    const stops = [...this.relays.containers.values()].map((r) => r.listen((m) => (live ? sink.emit(m) : pending.push(m))));
    void Promise.all([...this.relays.containers.values()].map((r) => r.ready)).then(() => {
      if (!this.subs.has(id)) return;
      const relays = [...this.relays.containers.values()];
      sink.emit({ op: 'snapshot', hosts: this.relays.hostInfos, rows: relays.flatMap((r) => [...r.rows.values()]) });
      for (const r of relays) if (!r.up) sink.emit({ op: 'host', host: r.host.info.id, up: false, error: r.error });
      // Changes that came while waiting are already in the snapshot's rows; only host news matter.
      for (const m of pending) if (m.op === 'host') sink.emit(m);
      live = true;
    });
    return { close: () => stops.forEach((stop) => stop()) };
  }
}
