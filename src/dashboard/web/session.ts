// The signed-in session as the page knows it: the CSRF token for actions, the engines, and the
// WebSocket. `post` is how every action leaves the page (the server refuses a POST without the
// token, from another origin, or without the session cookie).
import { CSRF_HEADER, type HostInfo } from '../protocol.js';
import { Connection } from './connection.js';

export interface Session {
  csrf: string;
  hosts: HostInfo[];
  conn: Connection;
}

let current: Session | undefined;

export function session(): Session {
  if (!current) throw new Error('not signed in');
  return current;
}

/** Reads the session; undefined when the browser has none (then nothing of an engine is shown). */
export async function signIn(): Promise<Session | undefined> {
  const res = await fetch('/api/session', { credentials: 'same-origin' });
  if (res.status === 401) return undefined;
  if (!res.ok) throw new Error(`dashboard server answered ${res.status}`);
  const body = (await res.json()) as { csrf: string; hosts: HostInfo[] };
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  current = { ...body, conn: new Connection(wsUrl) };
  return current;
}

/** An action: POST with the CSRF header; throws the server's message on failure. */
export async function post(path: string): Promise<void> {
  await send('POST', path);
}

/** An action whose answer the page shows (a prune's reclaimed space): POST with the CSRF header, the JSON back. */
export async function postJson<T>(path: string): Promise<T> {
  return (await send<T>('POST', path)) as T;
}

/** An action with another method or a JSON body (the registry page's log-in and delete); the JSON answer, if any. */
export async function send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T | undefined> {
  const headers: Record<string, string> = { [CSRF_HEADER]: session().csrf };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, credentials: 'same-origin', headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(await errorOf(res));
  return res.status === 204 ? undefined : ((await res.json()) as T);
}

/**
 * An action whose answer streams (a pull's, a compose action's progress): POST with the CSRF header, each NDJSON line
 * of the answer to `onLine` as it comes; throws the server's message when it refuses.
 */
export async function postStream<T>(path: string, onLine: (line: T) => void): Promise<void> {
  const res = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { [CSRF_HEADER]: session().csrf } });
  if (!res.ok || !res.body) throw new Error(await errorOf(res));
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const lines = (rest + value).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(JSON.parse(line) as T);
  }
  if (rest.trim()) onLine(JSON.parse(rest) as T);
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(await errorOf(res));
  return (await res.json()) as T;
}

async function errorOf(res: Response): Promise<string> {
  try {
    return ((await res.json()) as { message?: string }).message ?? `status ${res.status}`;
  } catch {
    return `status ${res.status}`;
  }
}

export function hostLabel(id: string): string {
  return session().hosts.find((h) => h.id === id)?.label ?? id;
}
