// What docker-proxy does for dockerd, in-process: TCP publications NAT cannot serve. IPv6 has no
// route_localnet, so a connection from ::1 cannot be DNATed to a container: [::1]:<host port>
// is relayed to a dual-stack container's IPv6 address. And NAT cannot turn IPv6 into IPv4: a port
// published on [::] (or an IPv6 host address) by an IPv4-only container is relayed to its IPv4
// address. The listeners follow the records (firewall-sync.ts hands over the whole wanted set)
// and close with berthd.
import net from 'node:net';
import { log } from '../../util/log.js';

export interface ProxyTarget {
  /** The host address to listen on ('::1', '::' or another IPv6 address). */
  listenIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

const keyOf = (t: ProxyTarget) => `[${t.listenIp}]:${t.hostPort}>${t.containerIp}:${t.containerPort}`;

export class UserlandProxy {
  private readonly servers = new Map<string, net.Server>();
  private queue: Promise<void> = Promise.resolve();

  /** One of these listeners has this host port (about to close, maybe: the port is berth's anyway). */
  holds(hostPort: number): boolean {
    for (const key of this.servers.keys()) if (key.includes(`]:${hostPort}>`)) return true;
    return false;
  }

  /** Opens listeners for new targets and closes those of targets no longer wanted; calls run in order. */
  sync(targets: ProxyTarget[]): Promise<void> {
    this.queue = this.queue.then(() => this.apply(targets));
    return this.queue;
  }

  private async apply(targets: ProxyTarget[]): Promise<void> {
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
          // Somebody else holds the address and port: the publication still works where NAT serves it.
          log.warn(`publishing [${t.listenIp}]:${t.hostPort}: ${e.message}`);
          this.servers.delete(key);
          resolve();
        });
        srv.listen({ host: t.listenIp, port: t.hostPort, ipv6Only: true, exclusive: true }, () => resolve());
      });
    }
  }

  async close(): Promise<void> {
    await this.sync([]);
  }
}

function relay(client: net.Socket, t: ProxyTarget): void {
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
