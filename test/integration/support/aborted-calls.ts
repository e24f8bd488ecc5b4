// Engine API calls that the client abandons: raw HTTP over berthd's unix socket, the connection
// destroyed as soon as the response headers (or the first body bytes) are in. What a killed
// `docker logs -f`, `docker attach` or `docker exec` leaves the daemon with. Used by the leak test
// and by bench/leaks.ts (10,000 of them).
import net from 'node:net';
import { apiRequest } from '../harness.js';

export type AbortedKind = 'logs' | 'attach' | 'attach-stdin' | 'exec';

export interface AbortedCallsOptions {
  sock: string;
  container: string;
  /** How many calls of each kind, run in any order. */
  counts: Partial<Record<AbortedKind, number>>;
  /** Calls in flight at once. */
  parallel: number;
  /** Wait for the first body bytes before aborting (else the headers are enough). */
  firstBytes?: boolean;
}

/** Sends one request and destroys the connection after the headers (or first body bytes); resolves then. */
export function abortAfterResponseStarts(sock: string, request: string, firstBytes: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(sock);
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new Error(`no response within 20 s to ${request.split('\r\n')[0]}`));
    }, 20_000);
    conn.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    conn.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(got.toString('latin1'))?.[1];
      if (status !== '200' && status !== '101') {
        clearTimeout(timer);
        conn.destroy();
        reject(new Error(`unexpected answer to ${request.split('\r\n')[0]}: ${got.toString('latin1').slice(0, 300)}`));
        return;
      }
      if (firstBytes && got.length === end + 4) return;
      clearTimeout(timer);
      conn.destroy();
      resolve();
    });
    conn.write(request);
  });
}

function get(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: berth\r\n\r\n`;
}

function post(path: string, body: unknown, upgrade: boolean): string {
  const data = JSON.stringify(body);
  const up = upgrade ? 'Connection: Upgrade\r\nUpgrade: tcp\r\n' : '';
  return `POST ${path} HTTP/1.1\r\nHost: berth\r\nContent-Type: application/json\r\n${up}Content-Length: ${Buffer.byteLength(data)}\r\n\r\n${data}`;
}

async function oneCall(o: AbortedCallsOptions, kind: AbortedKind, i: number): Promise<void> {
  const c = encodeURIComponent(o.container);
  const firstBytes = !!o.firstBytes;
  switch (kind) {
    case 'logs':
      // Alternate: the whole log then follow, or follow from the end (nothing to send yet).
      return abortAfterResponseStarts(o.sock, get(`/containers/${c}/logs?follow=1&stdout=1&stderr=1${i % 2 ? '&tail=0' : ''}`), firstBytes && i % 2 === 0);
    case 'attach':
      return abortAfterResponseStarts(o.sock, post(`/containers/${c}/attach?stream=1&stdout=1&stderr=1${i % 2 ? '&logs=1' : ''}`, {}, i % 4 < 2), firstBytes && i % 2 === 1);
    case 'attach-stdin':
      return abortAfterResponseStarts(o.sock, post(`/containers/${c}/attach?stream=1&stdin=1&stdout=1&stderr=1`, {}, true), false);
    case 'exec': {
      const r = await apiRequest(o.sock, 'POST', `/containers/${c}/exec`, { Cmd: ['echo', `exec ${i}`], AttachStdout: true, AttachStderr: true });
      if (r.status !== 201) throw new Error(`exec create: ${r.status} ${r.text}`);
      return abortAfterResponseStarts(o.sock, post(`/exec/${r.json.Id}/start`, { Detach: false, Tty: false }, i % 2 === 0), false);
    }
  }
}

/** Runs the calls, `parallel` at a time; rejects with the first failure. */
export async function runAbortedCalls(o: AbortedCallsOptions): Promise<void> {
  const work: AbortedKind[] = [];
  const kinds = Object.keys(o.counts) as AbortedKind[];
  const left = new Map(kinds.map((k) => [k, o.counts[k] ?? 0]));
  // Interleaved, so every kind runs alongside the others.
  while ([...left.values()].some((n) => n > 0)) {
    for (const k of kinds) {
      const n = left.get(k)!;
      if (n > 0) {
        work.push(k);
        left.set(k, n - 1);
      }
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const i = next++;
      await oneCall(o, work[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.parallel, work.length) }, worker));
}

export interface DaemonResources {
  process: { memory: NodeJS.MemoryUsage; fds: number; activeResources: Record<string, number> };
  engine: Record<string, number>;
}

/** berthd's own report of what it holds, after a full garbage collection. */
export async function daemonResources(sock: string): Promise<DaemonResources> {
  const r = await apiRequest(sock, 'GET', '/berth/debug/resources?gc=1');
  if (r.status !== 200) throw new Error(`debug resources: ${r.status} ${r.text}`);
  return r.json as DaemonResources;
}
