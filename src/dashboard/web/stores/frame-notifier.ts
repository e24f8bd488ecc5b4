// Tells a store's views that it changed, at most once an animation frame however many changes
// came in it (200 rows of events in one tick cost one render).
export class FrameNotifier {
  version = 0;
  private readonly listeners = new Set<() => void>();
  private queued = false;

  changed(): void {
    this.version++;
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      for (const fn of this.listeners) fn();
    });
  }

  listen(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
