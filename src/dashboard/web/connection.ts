// The page's one WebSocket to the dashboard server (src/dashboard/protocol.ts). Components
// subscribe to streams here; when the connection drops it comes back (with a growing pause) and
// the streams that can be resumed are opened again: their `onReset` runs first so a view can clear
// what it will receive anew. A stream that the server keeps for the page meanwhile (a terminal:
// server/relays/exec.ts) is taken up where it was instead, with the subscription its `resume`
// gives. Nothing polls: every update is pushed by the server.
import type { ClientMessage, ServerMessage, StreamMessages, Subscription } from '../protocol.js';

type KindOf<S extends Subscription> = S['kind'];

export interface StreamHandlers<K extends keyof StreamMessages> {
  onMsg(msg: StreamMessages[K]): void;
  onEnd?(): void;
  onError?(message: string): void;
  /** The connection came back and the stream starts over (resumable streams only). */
  onReset?(): void;
}

export interface StreamHandle {
  close(): void;
  send(msg: { type: 'input'; data: string } | { type: 'resize'; rows: number; cols: number }): void;
}

interface Entry {
  sub: Subscription;
  handlers: StreamHandlers<any>;
  /** Open it again after a reconnect, from the start. */
  resumable: boolean;
  /** Take it up again after a reconnect with this subscription (it goes on where it was). */
  resume?: () => Subscription;
}

export interface SubscribeOptions<S extends Subscription> {
  /** Open it again from the start after a reconnect (default: all but exec). */
  resumable?: boolean;
  /** After a reconnect, subscribe with what this returns instead, and the stream goes on (no onReset). */
  resume?: () => Extract<Subscription, { kind: S['kind'] }>;
}

export class Connection {
  private ws?: WebSocket;
  private nextId = 1;
  private readonly entries = new Map<number, Entry>();
  private retryMs = 250;
  private statusListeners = new Set<(up: boolean) => void>();
  up = false;

  constructor(private readonly url: string) {
    this.connect();
  }

  onStatus(fn: (up: boolean) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  subscribe<S extends Subscription>(sub: S, handlers: StreamHandlers<KindOf<S>>, opts: SubscribeOptions<S> = {}): StreamHandle {
    const id = this.nextId++;
    this.entries.set(id, { sub, handlers, resumable: opts.resumable ?? sub.kind !== 'exec', resume: opts.resume });
    this.send({ type: 'sub', id, sub });
    return {
      close: () => {
        if (this.entries.delete(id)) this.send({ type: 'unsub', id });
      },
      send: (m) => this.send({ ...m, id } as ClientMessage),
    };
  }

  private send(m: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  private setUp(up: boolean): void {
    this.up = up;
    for (const fn of this.statusListeners) fn(up);
  }

  private connect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 250;
      this.setUp(true);
      for (const [id, e] of this.entries) ws.send(JSON.stringify({ type: 'sub', id, sub: e.resume?.() ?? e.sub } satisfies ClientMessage));
    };
    ws.onmessage = (ev) => {
      for (const m of JSON.parse(String(ev.data)) as ServerMessage[]) this.dispatch(m);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.setUp(false);
      for (const [id, e] of [...this.entries]) {
        if (e.resume) continue;
        if (e.resumable) e.handlers.onReset?.();
        else {
          this.entries.delete(id);
          e.handlers.onError?.('connection to the dashboard lost');
        }
      }
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
  }

  /**
   * Drops the socket as a network failure would (the page then reconnects as it does then). For
   * the browser tests, which must see a terminal survive it; nothing in the page calls it.
   */
  dropForTest(): void {
    this.ws?.close();
  }

  private dispatch(m: ServerMessage): void {
    const e = this.entries.get(m.id);
    if (!e) return;
    if (m.type === 'msg') e.handlers.onMsg(m.msg);
    else {
      this.entries.delete(m.id);
      if (m.type === 'end') e.handlers.onEnd?.();
      else e.handlers.onError?.(m.message);
    }
  }
}
