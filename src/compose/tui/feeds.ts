// What feeds the live view, all pushed by the engine (no polling): GET /events filtered by the
// project's labels, an inspect of a container whenever an event names it, one
// GET /containers/{id}/stats?stream=1 per running container, and the containers' output through
// the Attacher (followed again each time a container starts). Each becomes a model Action.
import type { EngineClient } from '../../client/client.js';
import { isNotFound } from '../../client/errors.js';
import { KeyedLock } from '../../util/keyed-lock.js';
import type { ContainerRef, FollowFrom } from '../attach.js';
import { projectFilters } from '../naming.js';
import { projectContainers } from '../observe.js';
import { snapshotOf, type Action } from './model.js';

export interface FeedOptions {
  client: EngineClient;
  project: string;
  dispatch: (a: Action) => void;
  /** Follows a container's output (the view's Attacher); absent: no logs. */
  follow?: (c: ContainerRef, from: FollowFrom) => void;
  /** The services shown (all when absent). */
  services?: readonly string[];
  /** Whose output to follow (all services when absent). */
  followed?: (service: string) => boolean;
  /** For containers already running when the view opens: their last lines (top), or only what comes (up). */
  tail?: number;
}

/** The events after which a container is inspected again. */
const REFRESH = new Set(['create', 'start', 'die', 'restart', 'pause', 'unpause', 'rename', 'update', 'oom', 'kill']);

export class Feeds {
  private readonly abort = new AbortController();
  private readonly stats = new Map<string, AbortController>();
  private readonly lock = new KeyedLock();
  private events?: Promise<void>;

  constructor(private readonly opts: FeedOptions) {}

  /** Subscribes to the events, then reads the containers there are; resolves once they are shown. */
  async open(): Promise<void> {
    const { client, project } = this.opts;
    // From this moment: events between the subscription and the listing are replayed, not lost.
    const since = (Date.now() / 1000).toFixed(3);
    const stream = client.system.events({ since, filters: { ...projectFilters(project), type: ['container'] }, signal: this.abort.signal });
    const first = stream.next(); // sends the request
    this.events = (async () => {
      try {
        for (let r = await first; !r.done; r = await stream.next()) {
          const e = r.value;
          const id = e.Actor?.ID ?? e.id ?? '';
          const action = e.Action ?? e.status ?? '';
          this.opts.dispatch({ kind: 'event', event: e });
          if (action === 'destroy') this.forget(id);
          else if (REFRESH.has(action) || action.startsWith('health_status')) void this.refresh(id, action === 'start');
        }
        if (!this.abort.signal.aborted) this.opts.dispatch({ kind: 'status', text: 'the engine ended the event stream' });
      } catch (e) {
        if (!this.abort.signal.aborted) this.opts.dispatch({ kind: 'status', text: `events: ${(e as Error).message}` });
      }
    })();
    const existing = await projectContainers(client, project);
    await Promise.all(existing.map((c) => this.refresh(c.Id, false, true)));
  }

  /** Inspects a container again and shows what it says; starts or stops its stats and output. */
  refresh(id: string, started: boolean, initial = false): Promise<void> {
    return this.lock.run(id, async () => {
      if (this.abort.signal.aborted) return;
      let c;
      try {
        c = await this.opts.client.containers.inspect(id);
      } catch (e) {
        if (isNotFound(e)) return this.forget(id);
        this.opts.dispatch({ kind: 'status', text: `inspect ${id.slice(0, 12)}: ${(e as Error).message}` });
        return;
      }
      const snapshot = snapshotOf(c);
      if (this.opts.services?.length && !this.opts.services.includes(snapshot.service)) return;
      this.opts.dispatch({ kind: 'snapshot', snapshot });
      if (snapshot.state === 'running' || snapshot.state === 'paused' || snapshot.state === 'restarting') this.watchStats(id);
      else this.stopStats(id);
      const { follow, followed } = this.opts;
      if (!follow || (followed && !followed(snapshot.service))) return;
      const ref: ContainerRef = { Id: c.Id, Names: [c.Name ?? id], Labels: c.Config.Labels ?? {} };
      const startedAt = (Date.parse(c.State.StartedAt ?? '') / 1000).toFixed(3);
      // A start (even one that has exited again since): its output from its start on.
      if (started) follow(ref, { since: startedAt });
      else if (initial && snapshot.state === 'running') follow(ref, this.opts.tail ? { tail: this.opts.tail } : false);
    });
  }

  private watchStats(id: string): void {
    if (this.stats.has(id)) return;
    const ctl = new AbortController();
    this.stats.set(id, ctl);
    const signal = AbortSignal.any([ctl.signal, this.abort.signal]);
    void (async () => {
      try {
        for await (const stats of this.opts.client.containers.statsStream(id, { signal })) this.opts.dispatch({ kind: 'stats', id, stats });
      } catch (e) {
        // The container went, or we stopped asking: either way its line simply stops moving.
        if (!signal.aborted && !isNotFound(e)) this.opts.dispatch({ kind: 'status', text: `stats ${id.slice(0, 12)}: ${(e as Error).message}` });
      } finally {
        if (this.stats.get(id) === ctl) this.stats.delete(id);
      }
    })();
  }

  private stopStats(id: string): void {
    this.stats.get(id)?.abort();
    this.stats.delete(id);
  }

  private forget(id: string): void {
    this.stopStats(id);
    this.opts.dispatch({ kind: 'removed', id });
  }

  /** Stops every stream. */
  async close(): Promise<void> {
    this.abort.abort();
    for (const ctl of this.stats.values()) ctl.abort();
    this.stats.clear();
    await this.events;
  }
}
