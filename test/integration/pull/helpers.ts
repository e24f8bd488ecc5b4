// Shared pieces of the pull/push integration tests: image stores in temp dirs, images with a few
// layers, a berth registry on loopback, and a proxy in front of it that counts blob fetches and
// can cut a transfer in the middle (a registry dying mid-layer).
import { promises as fsp, existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ImageStore } from '../../../src/engine/images/store.js';
import { EventBus } from '../../../src/engine/events.js';
import { loadImages } from '../../../src/engine/images/load.js';
import { busyboxImageArchive } from '../../../src/base-images/busybox.js';
import { tarFromEntries } from '../../../src/archive/tar-directory.js';
import type { ImageRecord } from '../../../src/engine/images/store.js';
import type { JsonMessage } from '../../../src/engine/images/distribution-progress.js';

export const canRun = existsSync('/bin/busybox') && process.getuid?.() === 0 ? false : 'needs root and /bin/busybox (busybox-static)';

export const settings = { insecureRegistries: [] as string[], registryMirrors: [] as string[] };

export async function tempDir(prefix = 'berth-pull-'): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}

export interface TestStore {
  store: ImageStore;
  events: EventBus;
  root: string;
  close(): Promise<void>;
}

export async function newStore(): Promise<TestStore> {
  const root = await tempDir('berth-pull-store-');
  const events = new EventBus();
  const store = new ImageStore({ dataRoot: root, events, containersUsingImage: () => [] });
  await store.init();
  return { store, events, root, close: () => fsp.rm(root, { recursive: true, force: true }) };
}

/** busybox:latest loaded from the host's static busybox. */
export async function loadBusybox(store: ImageStore): Promise<ImageRecord> {
  await loadImages(store, busyboxImageArchive());
  return store.get('busybox:latest');
}

/** An image on top of busybox with one extra layer per size (random, incompressible bytes). */
export async function layeredImage(store: ImageStore, tag: string, sizes: number[]): Promise<ImageRecord> {
  let img = await loadBusybox(store);
  for (let i = 0; i < sizes.length; i++) {
    const layer: Readable = tarFromEntries([{ entry: { path: `data${i}.bin`, type: 'file', mode: 0o644, mtime: 1 }, body: randomBytes(sizes[i]!) }]);
    img = await store.createFromLayer({ parent: img.id, layer, config: { Cmd: ['sh'] }, history: { created_by: `layer ${i}` } });
  }
  await store.tag(img.id, tag);
  return store.get(img.id);
}

export function recorder(): { messages: JsonMessage[]; sink: (m: JsonMessage) => void; statuses(id?: string): string[] } {
  const messages: JsonMessage[] = [];
  return {
    messages,
    sink: (m) => messages.push(m),
    statuses: (id) => messages.filter((m) => id === undefined || m.id === id).map((m) => m.status ?? ''),
  };
}

/**
 * A TCP-level proxy to a registry. Counts GETs of blobs by digest; `cutBlob(digest, afterBytes)`
 * makes every response for that blob die after that many body bytes and, once cut, the proxy
 * refuses everything until `heal()`.
 */
export class RegistryProxy {
  readonly blobGets = new Map<string, number>();
  private cut?: { digest: string; after: number };
  private dead = false;
  private server!: http.Server;
  private readonly sockets = new Set<net.Socket>();
  host = '';

  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.host = `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  cutBlob(digest: string, after: number): void {
    this.cut = { digest, after };
  }

  heal(): void {
    this.cut = undefined;
    this.dead = false;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.dead) {
      req.socket.destroy();
      return;
    }
    const m = /\/blobs\/(sha256:[a-f0-9]{64})$/.exec(req.url ?? '');
    if (m && req.method === 'GET') this.blobGets.set(m[1]!, (this.blobGets.get(m[1]!) ?? 0) + 1);
    const up = http.request({ host: this.upstream.split(':')[0], port: Number(this.upstream.split(':')[1]), method: req.method, path: req.url, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      const cut = m && req.method === 'GET' && this.cut?.digest === m[1] ? this.cut : undefined;
      if (!cut) {
        ur.pipe(res);
        return;
      }
      let sent = 0;
      ur.on('data', (c: Buffer) => {
        if (sent + c.length >= cut.after) {
          res.write(c.subarray(0, Math.max(0, cut.after - sent)));
          this.dead = true;
          ur.destroy();
          res.socket?.destroy();
          return;
        }
        sent += c.length;
        res.write(c);
      });
      ur.on('end', () => res.end());
    });
    up.on('error', () => res.socket?.destroy());
    req.pipe(up);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
