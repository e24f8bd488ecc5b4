// One sampler for every stats reader (dockerd's statsCollector): while anyone watches a container,
// it is sampled once a tick, whatever the number of readers, and the host's CPU time is read once
// a tick for all of them. No timer runs while nobody watches.
import { readSystemCpu } from './cgroup-stats.js';
import type { StatsFrame, SystemCpu } from './stats.js';

/** Told each tick: a frame, or undefined once the container is gone (then unsubscribed). */
export type StatsListener = (frame: StatsFrame | undefined) => void;

export class StatsCollector {
  private readonly watchers = new Map<string, Set<StatsListener>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sample: (id: string, system: SystemCpu) => StatsFrame | undefined,
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
    this.stopIfIdle();
  }

  private unsubscribe(id: string, listener: StatsListener): void {
    const set = this.watchers.get(id);
    if (!set) return;
    set.delete(listener);
    if (!set.size) this.watchers.delete(id);
    this.stopIfIdle();
  }

  private stopIfIdle(): void {
    if (this.watchers.size || !this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const system = readSystemCpu();
    for (const [id, set] of [...this.watchers]) {
      let frame: StatsFrame | undefined;
      try {
        frame = this.sample(id, system);
      } catch {
        frame = undefined;
      }
      for (const listener of [...set]) listener(frame);
      if (!frame) this.watchers.delete(id);
    }
    this.stopIfIdle();
  }
}
