// A logging pass-through for a unix-socket Engine API: clients talk to `listenPath`, bytes go on
// to `upstreamPath` unchanged, and every request line and the first response bytes after it are
// recorded with a timestamp. Shows where a client command's time goes (which requests, how long
// berthd took on each, the gaps the client spends between them) without touching berthd.
import net from 'node:net';

export interface TimelineEvent {
  /** Milliseconds since the proxy started. */
  at: number;
  conn: number;
  kind: 'connect' | 'request' | 'response' | 'close';
  /** Request line, or status line of a response. */
  text: string;
}

export interface ApiTimeline {
  events: TimelineEvent[];
  /** Drops the events so far (between measured commands). */
  reset(): void;
  close(): Promise<void>;
}

export async function startApiTimeline(listenPath: string, upstreamPath: string): Promise<ApiTimeline> {
  let t0 = performance.now();
  let events: TimelineEvent[] = [];
  let conns = 0;
  const sockets = new Set<net.Socket>();
  const record = (conn: number, kind: TimelineEvent['kind'], text = '') => events.push({ at: performance.now() - t0, conn, kind, text });
  const firstLine = (chunk: Buffer) => chunk.subarray(0, Math.min(chunk.length, 200)).toString('latin1').split('\r\n')[0];
  // Half-open kept both ways: a client that half-closes (stdin done) still reads the stream.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const conn = ++conns;
    const upstream = net.connect({ path: upstreamPath, allowHalfOpen: true });
    sockets.add(client).add(upstream);
    record(conn, 'connect');
    // A new HTTP request starts with a method; anything else is body or a hijacked stream.
    let awaitingResponse = false;
    client.on('data', (c: Buffer) => {
      const line = firstLine(c);
      if (/^(GET|POST|PUT|DELETE|HEAD) \S+ HTTP\/1\.[01]$/.test(line)) {
        record(conn, 'request', line);
        awaitingResponse = true;
      }
      upstream.write(c);
    });
    upstream.on('data', (c: Buffer) => {
      if (awaitingResponse) {
        record(conn, 'response', firstLine(c));
        awaitingResponse = false;
      }
      client.write(c);
    });
    const end = () => {
      if (!sockets.has(client)) return;
      sockets.delete(client);
      sockets.delete(upstream);
      record(conn, 'close');
      client.destroy();
      upstream.destroy();
    };
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(listenPath, resolve));
  return {
    get events() {
      return events;
    },
    reset() {
      events = [];
      t0 = performance.now();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The events as aligned text lines: "+12.3 ms  #2 request POST /v1.50/containers/create …". */
export function formatTimeline(events: readonly TimelineEvent[]): string {
  return events.map((e) => `${e.at.toFixed(1).padStart(8)} ms  #${e.conn} ${e.kind.padEnd(8)} ${e.text}`).join('\n');
}
