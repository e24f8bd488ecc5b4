// Published TCP ports on [::1]. IPv6 has no route_localnet, so a connection from ::1 cannot be
// DNATed to a container; dockerd's docker-proxy accepts those connections and relays them. berthd
// does the same in-process: one listener on [::1]:<host port> per IPv6 publication on [::] or
// [::1], relaying to [container address]:<container port>. The listeners follow the records
// (firewall-sync.ts hands over the whole wanted set) and close with berthd.
import net from 'node:net';
import { log } from '../../util/log.js';

export interface LoopbackTarget {
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

const keyOf = (t: LoopbackTarget) => `${t.hostPort}>[${t.containerIp}]:${t.containerPort}`;

export class LoopbackProxy {
  private readonly servers = new Map<string, net.Server>();
  private queue: Promise<void> = Promise.resolve();

  /** Opens listeners for new targets and closes those of targets no longer wanted; calls run in order. */
  sync(targets: LoopbackTarget[]): Promise<void> {
    this.queue = this.queue.then(() => this.apply(targets));
    return this.queue;
  }

  private async apply(targets: LoopbackTarget[]): Promise<void> {
    const wanted = new Map(targets.map((t) => [keyOf(t), t]));
    for (const [key, srv] of this.servers) {
      if (wanted.has(key)) continue;
      this.servers.delete(key);
      await new Promise<void>((r) => srv.close(() => r()));
    }
    for (const [key, t] of wanted) {
      if (this.servers.has(key)) continue;
      const srv = net.createServer({ allowHalfOpen: true }, (client) => relay(client, t));
      this.servers.set(key, srv);
      await new Promise<void>((resolve) => {
        srv.once('error', (e) => {
          // Somebody else holds [::1]:port: the publication still works on every other address.
          log.warn(`publishing [::1]:${t.hostPort}: ${e.message}`);
          this.servers.delete(key);
          resolve();
        });
        srv.listen({ host: '::1', port: t.hostPort, ipv6Only: true, exclusive: true }, () => resolve());
      });
    }
  }

  async close(): Promise<void> {
    await this.sync([]);
  }
}

function relay(client: net.Socket, t: LoopbackTarget): void {
  const upstream = net.connect({ host: t.containerIp, port: t.containerPort, allowHalfOpen: true });
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', end);
  upstream.on('error', end);
  client.pipe(upstream);
  upstream.pipe(client);
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
}
