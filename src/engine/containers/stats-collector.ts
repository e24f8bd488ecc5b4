// One sampler for every stats reader (dockerd's statsCollector): while anyone watches a container,
// it is sampled once a tick, whatever the number of readers, and the host's CPU time is read once
// a tick for all of them. No timer runs while nobody watches.
import { FileReader, readSystemCpu } from './cgroup-stats.js';
import type { StatsFrame, SystemCpu } from './stats.js';

/** The read time of a frame with no figures (a container that is not running). */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Told each tick: a frame, or undefined once the container is gone (then unsubscribed). */
export type StatsListener = (frame: StatsFrame | undefined) => void;

export class StatsCollector {
  private readonly watchers = new Map<string, Set<StatsListener>>();
  /** Each watched container's cgroup files, kept open between ticks. */
  private readonly readers = new Map<string, FileReader>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sample: (id: string, system: SystemCpu, files: FileReader) => StatsFrame | undefined,
    readonly intervalMs: number,
  ) {}

  /** Watches container `id` (a full id); returns the unsubscribe. */
  subscribe(id: string, listener: StatsListener): () => void {
    let set = this.watchers.get(id);
    if (!set) this.watchers.set(id, (set = new Set()));
    set.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.intervalMs);
      this.timer.unref();
    }
    return () => this.unsubscribe(id, listener);
  }

  /** How many containers are being sampled (debug report, tests). */
  get watched(): number {
    return this.watchers.size;
  }

  close(): void {
    this.watchers.clear();
    for (const r of this.readers.values()) r.close();
    this.readers.clear();
    this.stopIfIdle();
  }

  private unsubscribe(id: string, listener: StatsListener): void {
    const set = this.watchers.get(id);
    if (!set) return;
    set.delete(listener);
    if (!set.size) this.drop(id);
    this.stopIfIdle();
  }

  private drop(id: string): void {
    this.watchers.delete(id);
    this.readers.get(id)?.close();
    this.readers.delete(id);
  }

  private stopIfIdle(): void {
    if (this.watchers.size || !this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const system = readSystemCpu();
    for (const [id, set] of [...this.watchers]) {
      let files = this.readers.get(id);
      if (!files) this.readers.set(id, (files = new FileReader()));
      let frame: StatsFrame | undefined;
      try {
        frame = this.sample(id, system, files);
      } catch {
        frame = undefined;
      }
      // Not running (an empty frame) or gone: let go of its files; a restart opens the new ones.
      if (!frame || frame.read === ZERO_TIME) {
        files.close();
        this.readers.delete(id);
      }
      for (const listener of [...set]) listener(frame);
      if (!frame) this.drop(id);
    }
    this.stopIfIdle();
  }
}
