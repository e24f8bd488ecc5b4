// How each engine-scoped subscription kind is opened: one entry per kind of protocol.ts's
// Subscription (but `containers`, which spans every engine and is opened by the hub). A new live
// stream is a relay module here, its kind in protocol.ts, and one entry in OPENERS.
import type { StreamMessages, Subscription } from '../../protocol.js';
import type { EngineHost } from '../hosts.js';
import { openDisk } from './disk.js';
import { openEvents } from './events.js';
import type { ExecSessions } from './exec.js';
import { openImages } from './images.js';
import { openLogs } from './logs.js';
import type { Opened, Sink } from './relay.js';
import { openNetworks, openVolumes } from './resources.js';
import type { EngineEvents } from './engine-events.js';
import type { StatsRelay } from './stats.js';

const DEFAULT_LOG_TAIL = 500;

export type HostSubscription = Exclude<Subscription, { kind: 'containers' }>;
type Kind = HostSubscription['kind'];

/** What an opener gets: the engine, the shared relays that keep one engine stream for many pages. */
export interface OpenContext {
  host: EngineHost;
  /** The engine's one shared event stream (its `recent` events too). */
  events: EngineEvents;
  stats: StatsRelay;
  /** The shells of every page, so a page can take its own up again on a new socket. */
  execs: ExecSessions;
}

type Opener<K extends Kind> = (ctx: OpenContext, sub: Extract<HostSubscription, { kind: K }>, sink: Sink<K & keyof StreamMessages>) => Opened;

export const OPENERS: { [K in Kind]: Opener<K> } = {
  stats: (ctx, sub, sink) => ctx.stats.open(sub.host, sub.container, sink),
  logs: (ctx, sub, sink) => openLogs(ctx.host, sub.container, Math.max(0, Math.min(sub.tail ?? DEFAULT_LOG_TAIL, 100000)), sink),
  exec: (ctx, sub, sink) =>
    ctx.execs.open(ctx.host, sub.container, { cmd: sub.cmd, rows: clampSize(sub.rows), cols: clampSize(sub.cols), resume: typeof sub.resume === 'string' ? sub.resume : undefined, received: Number(sub.received) || 0 }, sink),
  volumes: (ctx, _sub, sink) => openVolumes(ctx.events, sink),
  networks: (ctx, _sub, sink) => openNetworks(ctx.events, sink),
  events: (ctx, _sub, sink) => openEvents(ctx.events, sink),
  disk: (ctx, _sub, sink) => openDisk(ctx.events, sink),
  images: (ctx, _sub, sink) => openImages(ctx.events, sink),
};

/** A terminal dimension from the page: a whole number in 1…1000 (24 when it is not a number). */
export function clampSize(n: unknown): number {
  const v = Math.floor(Number(n));
  return Number.isFinite(v) ? Math.max(1, Math.min(v, 1000)) : 24;
}
