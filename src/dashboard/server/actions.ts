// What the page may change, as POSTs (server.ts checks session, origin and CSRF token first) and
// the reads it fetches once (inspect). Each maps to one call of the typed client; the engine's
// error comes back with its status and message. A new page's actions go here, one entry each.
import { ApiError } from '../../client/errors.js';
import type { ContainerAction } from '../protocol.js';
import { CONTAINER_ACTIONS } from '../protocol.js';
import type { EngineHost } from './hosts.js';

export interface ActionResult {
  status: number;
  body?: unknown;
}

const containerActions: Record<ContainerAction, (h: EngineHost, id: string, q: URLSearchParams) => Promise<void>> = {
  start: (h, id) => h.client.containers.start(id),
  stop: (h, id) => h.client.containers.stop(id),
  restart: (h, id) => h.client.containers.restart(id),
  kill: (h, id) => h.client.containers.kill(id),
  pause: (h, id) => h.client.containers.pause(id),
  unpause: (h, id) => h.client.containers.unpause(id),
  remove: (h, id, q) => h.client.containers.remove(id, { force: q.get('force') === '1' }),
};

export function isContainerAction(a: string): a is ContainerAction {
  return (CONTAINER_ACTIONS as readonly string[]).includes(a);
}

/** Runs `call`, turning the engine's errors into a status and `{message}`. */
export async function answer(call: () => Promise<unknown>): Promise<ActionResult> {
  try {
    const body = await call();
    return body === undefined ? { status: 204 } : { status: 200, body };
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, body: { message: e.message } };
    return { status: 502, body: { message: e instanceof Error ? e.message : String(e) } };
  }
}

export function containerAction(host: EngineHost, id: string, action: ContainerAction, query: URLSearchParams): Promise<ActionResult> {
  return answer(() => containerActions[action](host, id, query));
}

export function inspectContainer(host: EngineHost, id: string): Promise<ActionResult> {
  return answer(() => host.client.containers.inspect(id));
}
