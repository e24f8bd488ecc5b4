// One engine's disk use (GET /system/df) for the host page, kept current by push: read when the
// first page opens it, and again after the events that change what is on disk (containers
// created, removed, started or stopped; images, volumes and build cache), at most once per
// MIN_INTERVAL_MS however long a burst lasts (a df walks every layer and volume). One relay per
// engine, shared by its pages; it stops following the engine when the last page goes.
import type { EventMessage } from '../../../api-types/system.js';
import { diskUsage } from '../../../client/disk-usage.js';
import type { StreamMessages } from '../../protocol.js';
import { perEngine, type EngineEvents } from './engine-events.js';
import { errorText, type Opened, type Sink } from './relay.js';

const MIN_INTERVAL_MS = 1000;

/** Container actions that change nothing on disk (a container's layer is sized on df, not on them). */
const QUIET_CONTAINER_ACTIONS = /^(exec_|attach|detach|resize|top|health_status|kill|export|archive-path)/;

export function concernsDisk(e: EventMessage): boolean {
  if (e.Type === 'container') return !QUIET_CONTAINER_ACTIONS.test(e.Action);
  return e.Type === 'image' || e.Type === 'volume' || e.Type === 'builder';
}

type Msg = StreamMessages['disk'];

class DiskRelay {
  private readonly sinks = new Set<Sink<'disk'>>();
  private subscription?: { close: () => void; ready: Promise<void> };
  private last?: Msg;
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private lastRun = 0;

  constructor(private readonly events: EngineEvents) {}

  open(sink: Sink<'disk'>): Opened {
    this.sinks.add(sink);
    if (!this.subscription) {
      this.subscription = this.events.listen({
        resync: () => this.compute(),
        event: (e) => {
          if (concernsDisk(e)) this.schedule();
        },
        status: (up, error) => {
          if (!up) this.emit({ op: 'down', error });
        },
      });
    } else if (this.last) sink.emit(this.last);
    void this.subscription.ready.then(() => {
      if (this.sinks.has(sink) && !this.events.up) sink.emit({ op: 'down', error: this.events.error });
    });
    return {
      close: () => {
        this.sinks.delete(sink);
        if (this.sinks.size) return;
        this.subscription?.close();
        this.subscription = undefined;
        clearTimeout(this.timer);
        this.timer = undefined;
        this.last = undefined;
      },
    };
  }

  private emit(m: Msg): void {
    for (const s of this.sinks) s.emit(m);
  }

  private schedule(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.lastRun + MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.compute();
    }, wait);
  }

  /** Reads /system/df and sends it; never throws (it runs as the stream's resync, whose failure would break the stream for every listener). */
  private async compute(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.lastRun = Date.now();
    try {
      const df = await this.events.host.client.system.df();
      // A page may have left meanwhile: a df for nobody is not kept (a new page gets a fresh one).
      if (this.subscription) {
        this.last = { op: 'df', t: Date.now(), df, summary: diskUsage(df) };
        this.emit(this.last);
      }
    } catch (e) {
      this.emit({ op: 'down', error: errorText(e) });
    } finally {
      this.running = false;
    }
    if (this.again && this.subscription) {
      this.again = false;
      this.schedule();
    }
  }
}

const diskRelay = perEngine((events) => new DiskRelay(events));

/** The engine's one disk relay, made on first use. */
export function openDisk(events: EngineEvents, sink: Sink<'disk'>): Opened {
  return diskRelay(events).open(sink);
}
