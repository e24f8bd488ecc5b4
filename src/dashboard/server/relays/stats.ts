// Stats of the containers pages watch: one GET /containers/{id}/stats?stream=1 per container and
// engine, shared by every page that watches it and closed when the last one stops. Each sample is
// reduced to the numbers the page draws (client/stats-usage.ts); the last minutes are kept so a
// page that opens later draws a graph at once.
import type { StreamMessages } from '../../protocol.js';
import { statsUsage } from '../../../client/stats-usage.js';
import type { EngineHost } from '../hosts.js';
import { errorText, type Sink } from './relay.js';

type Sample = StreamMessages['stats'];
const HISTORY = 120;

class StatsStream {
  readonly history: Sample[] = [];
  readonly sinks = new Set<Sink<'stats'>>();
  readonly abort = new AbortController();

  constructor(host: EngineHost, container: string, onDone: () => void) {
    void (async () => {
      let failure: string | undefined;
      try {
        for await (const s of host.client.containers.statsStream(container, { signal: this.abort.signal })) {
          const sample: Sample = { op: 'sample', t: s.read ? Date.parse(s.read) : Date.now(), usage: statsUsage(s) };
          this.history.push(sample);
          if (this.history.length > HISTORY) this.history.shift();
          for (const sink of this.sinks) sink.emit(sample);
        }
      } catch (e) {
        if (!this.abort.signal.aborted) failure = errorText(e);
      }
      onDone();
      for (const sink of this.sinks) {
        if (failure) sink.fail(failure);
        else sink.end();
      }
    })();
  }
}

export class StatsRelay {
  private readonly streams = new Map<string, StatsStream>();

  constructor(private readonly hosts: Map<string, EngineHost>) {}

  open(hostId: string, container: string, sink: Sink<'stats'>): { close(): void } {
    const host = this.hosts.get(hostId);
    if (!host) {
      sink.fail(`no such host: ${hostId}`);
      return { close() {} };
    }
    const key = `${hostId}/${container}`;
    let stream = this.streams.get(key);
    if (!stream) {
      const created: StatsStream = new StatsStream(host, container, () => {
        if (this.streams.get(key) === created) this.streams.delete(key);
      });
      stream = created;
      this.streams.set(key, stream);
    }
    for (const sample of stream.history) sink.emit(sample);
    stream.sinks.add(sink);
    const s = stream;
    return {
      close: () => {
        s.sinks.delete(sink);
        if (s.sinks.size === 0) {
          s.abort.abort();
          if (this.streams.get(key) === s) this.streams.delete(key);
        }
      },
    };
  }
}
