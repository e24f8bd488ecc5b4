// Waiting on the daemon's event stream: subscribe first, then act, then await the event.
import http from 'node:http';

export interface EngineEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  time: number;
}

export interface EventWatch {
  /** Resolves with the first event the filters let through (bounded by the timeout). */
  next: Promise<EngineEvent>;
  close(): void;
}

/**
 * Subscribes to GET /events with dockerd's filters (e.g. `{ container: ['att'], event: ['detach'] }`).
 * Returns once the daemon has answered; events from the call on are replayed (`since`), so an
 * action taken after it cannot be missed.
 */
export async function watchEvent(sock: string, filters: Record<string, string[]>, timeoutMs = 20_000): Promise<EventWatch> {
  let req!: http.ClientRequest;
  let timer: NodeJS.Timeout | undefined;
  const close = () => {
    clearTimeout(timer);
    req.destroy();
  };
  let resolveNext!: (e: EngineEvent) => void;
  let rejectNext!: (e: Error) => void;
  const next = new Promise<EngineEvent>((res, rej) => {
    resolveNext = res;
    rejectNext = rej;
  });
  next.catch(() => undefined);
  const since = (Date.now() / 1000).toFixed(3);
  await new Promise<void>((ready, failed) => {
    req = http.get({ socketPath: sock, path: `/events?since=${since}&filters=${encodeURIComponent(JSON.stringify(filters))}` }, (res) => {
      if (res.statusCode !== 200) {
        failed(new Error(`GET /events: ${res.statusCode}`));
        return;
      }
      ready();
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        const i = buf.indexOf('\n');
        if (i < 0) return;
        close();
        resolveNext(JSON.parse(buf.slice(0, i)) as EngineEvent);
      });
      res.on('error', () => undefined);
    });
    req.on('error', (e) => {
      failed(e);
      rejectNext(e);
    });
    timer = setTimeout(() => {
      req.destroy();
      rejectNext(new Error(`no event matching ${JSON.stringify(filters)} within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  return { next, close };
}
