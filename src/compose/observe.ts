// What the engine holds for a project: its containers (by labels), and waiting for container
// states (healthy, exited, running) on the engine's event stream rather than by polling.
import type { ContainerInspect, ContainerSummary } from '../api-types/containers.js';
import type { EngineClient } from '../client/client.js';
import { isNotFound } from '../client/errors.js';
import { settled } from '../util/best-effort.js';
import { compareStrings } from '../util/compare.js';
import { containerNumber, isOneOff, projectFilters, serviceOf } from './naming.js';

export interface ListOptions {
  /** Also stopped containers (default true: compose looks at all of them). */
  all?: boolean;
  oneOff?: 'include' | 'exclude' | 'only';
  /** Only these services. */
  services?: readonly string[];
}

/** The project's containers, sorted by service then number. */
export async function projectContainers(client: EngineClient, project: string, opts: ListOptions = {}): Promise<ContainerSummary[]> {
  const list = await client.containers.list({ all: opts.all ?? true, filters: projectFilters(project, { oneOff: opts.oneOff ?? 'exclude' }) });
  const wanted = opts.services?.length ? new Set(opts.services) : undefined;
  return list
    .filter((c) => !wanted || wanted.has(serviceOf(c)))
    .sort((a, b) => compareStrings(serviceOf(a), serviceOf(b)) || (containerNumber(a) ?? 0) - (containerNumber(b) ?? 0) || (isOneOff(a) ? 1 : 0) - (isOneOff(b) ? 1 : 0));
}

/** Containers grouped by service label. */
export function byService(containers: readonly ContainerSummary[]): Map<string, ContainerSummary[]> {
  const out = new Map<string, ContainerSummary[]>();
  for (const c of containers) {
    const s = serviceOf(c);
    const list = out.get(s) ?? [];
    list.push(c);
    out.set(s, list);
  }
  return out;
}

/** What a check says about a container's inspect: keep waiting, done, or failed with a message. */
export type CheckResult = { done: true } | { done: false } | { error: string };
export type Check = (c: ContainerInspect) => CheckResult;

/**
 * Waits until `check` is done for every container in `ids`, re-inspecting a container whenever
 * the engine reports an event for it (start, die, health_status, destroy…). Events are read from
 * just before the first inspect, so none slips between the two. Rejects on the first error.
 */
export async function waitFor(client: EngineClient, ids: readonly string[], check: Check, opts: { signal?: AbortSignal } = {}): Promise<void> {
  if (ids.length === 0) return;
  const pending = new Set(ids);
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  opts.signal?.addEventListener('abort', onAbort);
  const since = ((Date.now() - 1000) / 1000).toFixed(3);
  const evaluate = async (id: string): Promise<void> => {
    let c: ContainerInspect;
    try {
      c = await client.containers.inspect(id);
    } catch (e) {
      if (isNotFound(e)) throw new Error(`container ${id.slice(0, 12)} was removed`, { cause: e });
      throw e;
    }
    const r = check(c);
    if ('error' in r) throw new Error(r.error);
    if (r.done) pending.delete(id);
  };
  try {
    const events = client.system.events({ since, filters: { type: ['container'], container: [...ids] }, signal: abort.signal });
    const first = events.next(); // opens the stream
    for (const id of ids) await evaluate(id);
    if (pending.size === 0) {
      void settled(first);
      return;
    }
    let next = first;
    for (;;) {
      const r = await next;
      if (r.done) throw new Error('the event stream ended');
      const id = r.value.Actor?.ID ?? r.value.id ?? '';
      if (pending.has(id)) await evaluate(id);
      if (pending.size === 0) return;
      next = events.next();
    }
  } catch (e) {
    if (opts.signal?.aborted) throw new Error('aborted', { cause: e });
    throw e;
  } finally {
    abort.abort();
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

const name = (c: ContainerInspect): string => (c.Name ?? '').replace(/^\//, '');

/** Healthy (or, with `fallbackRunning` and no healthcheck, running): compose's isServiceHealthy. */
export function healthy(fallbackRunning: boolean): Check {
  return (c) => {
    if (c.State.Status === 'exited') return { error: `container ${name(c)} exited (${c.State.ExitCode ?? 0})` };
    const hasCheck = !!c.Config.Healthcheck?.Test?.length && c.Config.Healthcheck.Test[0] !== 'NONE';
    if (!hasCheck && fallbackRunning) return c.State.Status === 'running' ? { done: true } : { done: false };
    const h = c.State.Health?.Status;
    if (!h) return { error: `container ${name(c)} has no healthcheck configured` };
    if (h === 'healthy') return { done: true };
    if (h === 'unhealthy') return { error: `container ${name(c)} is unhealthy` };
    if (h === 'starting') return { done: false };
    return { error: `container ${name(c)} had unexpected health status "${h}"` };
  };
}

/** Exited (any code; the caller reads the code): compose's isServiceCompleted. */
export const exited: Check = (c) => (c.State.Status === 'exited' || c.State.Status === 'dead' ? { done: true } : { done: false });

/** Running (for --wait on services without a healthcheck). */
export const running: Check = (c) => (c.State.Status === 'running' ? { done: true } : c.State.Status === 'exited' ? { error: `container ${name(c)} exited (${c.State.ExitCode ?? 0})` } : { done: false });
