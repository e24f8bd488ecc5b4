// berth's embedded DNS server. As Docker, it answers at 127.0.0.11 inside each container's own
// network namespace and nowhere on the host: per container, a UDP and a TCP socket opened in its
// netns (netns-sockets.ts, with NAT rules there from 127.0.0.11:53, dns-nat.ts), served from
// berthd's event loop. The listener a query arrives on tells which container asks — never its
// source address — so names resolve across exactly the networks that container shares with the
// target (name, aliases, short ID → IPs on those networks). Anything else is forwarded, from the
// host's namespace, to the upstream resolvers (the host's or the container's --dns), except from
// internal networks, which have no way out.
import dgram from 'node:dgram';
import net from 'node:net';
import * as dnsPacket from 'dns-packet';
import { bestEffort, orUndefined } from '../../util/best-effort.js';
import { closeUnadopted } from './netns-sockets.js';

/** Who asks: the container a listener serves (its ID). */
export interface DnsLookup {
  /** Names this container can see; `ipv4` and `ipv6` hold the addresses on shared networks. */
  lookup(client: string, name: string): { ipv4: string[]; ipv6: string[] } | undefined;
  /** PTR: the name of a container address the client can see. */
  reverse(client: string, ip: string): string | undefined;
  /** Resolvers to forward to; empty means answer SERVFAIL instead of forwarding. */
  upstreams(client: string): string[];
}

/** Sockets to serve on: descriptors already bound (in a container's netns), or an address to bind here. */
export type DnsListenOn = { udpFd: number; tcpFd: number } | { host: string; port: number };

const RCODE_SERVFAIL = 2;
const FORWARD_TIMEOUT_MS = 4000;
const TTL = 600;

interface Listener {
  udp: dgram.Socket;
  tcp: net.Server;
}

export class EmbeddedDns {
  private listeners = new Map<string, Listener>();

  constructor(private readonly resolver: DnsLookup) {}

  /** The clients served. */
  listening(): string[] {
    return [...this.listeners.keys()];
  }

  serves(client: string): boolean {
    return this.listeners.has(client);
  }

  /** Starts answering `client` on the given sockets; a second call for one client closes the new descriptors. */
  async listen(client: string, on: DnsListenOn): Promise<void> {
    if (this.listeners.has(client)) {
      if ('udpFd' in on) closeUnadopted(on.udpFd, on.tcpFd);
      return;
    }
    const udp = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    udp.on('message', (msg, rinfo) => {
      // Never let one query take berthd down: a reply after unlisten() closed the socket, or a
      // packet dns-packet cannot encode, is dropped.
      void bestEffort(async () => {
        const reply = await this.answer(msg, client, 'udp');
        if (reply) udp.send(reply, rinfo.port, rinfo.address, () => {});
      }, `answering a DNS query of ${client}`);
    });
    udp.on('error', () => {});
    const tcp = net.createServer((sock) => this.serveTcp(sock, client));
    tcp.on('error', () => {});
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        const bound = () => {
          udp.off('error', reject);
          resolve();
        };
        if ('udpFd' in on) udp.bind({ fd: on.udpFd }, bound);
        else udp.bind(on.port, on.host, bound);
      });
    } catch (e) {
      if ('udpFd' in on) closeUnadopted(on.tcpFd);
      throw e;
    }
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        const done = () => {
          tcp.off('error', reject);
          resolve();
        };
        if ('tcpFd' in on) tcp.listen({ fd: on.tcpFd }, done);
        else tcp.listen({ host: on.host, port: on.port }, done);
      });
    } catch (e) {
      // The TCP descriptor is Node's now (it closes it with its failed handle): closing it here
      // could close a descriptor that has since been reused.
      udp.close();
      throw e;
    }
    this.listeners.set(client, { udp, tcp });
  }

  async unlisten(client: string): Promise<void> {
    const l = this.listeners.get(client);
    if (!l) return;
    this.listeners.delete(client);
    await new Promise<void>((r) => l.udp.close(() => r()));
    await new Promise<void>((r) => l.tcp.close(() => r()));
  }

  async close(): Promise<void> {
    for (const client of [...this.listeners.keys()]) await this.unlisten(client);
  }

  private serveTcp(sock: net.Socket, client: string): void {
    let buf = Buffer.alloc(0);
    sock.on('error', () => sock.destroy());
    sock.setTimeout(10_000, () => sock.destroy());
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        this.answer(msg, client, 'tcp').then((reply) => {
          if (!reply || sock.destroyed) return;
          const head = Buffer.alloc(2);
          head.writeUInt16BE(reply.length);
          sock.write(Buffer.concat([head, reply]));
        }, () => sock.destroy());
      }
    });
  }

  /** Builds the reply to one query; undefined drops it (malformed). */
  async answer(msg: Buffer, client: string, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    let q: dnsPacket.DecodedPacket;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return undefined;
    }
    if (q.type !== 'query' || !q.questions?.length) return undefined;
    const question = q.questions[0];
    const name = question.name.toLowerCase().replace(/\.$/, '');
    const local = this.answerLocally(client, name, question);
    if (local) return local(q);
    const upstreams = this.resolver.upstreams(client);
    for (const server of upstreams) {
      const reply = await orUndefined(transport === 'tcp' ? forwardTcp(msg, server) : forwardUdp(msg, server), `forwarding a DNS query to ${server}`);
      if (reply) return reply;
    }
    return reply(q, RCODE_SERVFAIL, []);
  }

  private answerLocally(client: string, name: string, question: dnsPacket.Question): ((q: dnsPacket.DecodedPacket) => Buffer) | undefined {
    if (question.type === 'PTR') {
      const ip = ptrToIPv4(name);
      const host = ip ? this.resolver.reverse(client, ip) : undefined;
      if (!host) return undefined;
      return (q) => reply(q, 0, [{ type: 'PTR', name: question.name, ttl: TTL, class: 'IN', data: host }]);
    }
    const found = this.resolver.lookup(client, name);
    if (!found) return undefined;
    // A known container name: A and AAAA records for its addresses; other types get an empty
    // NOERROR, so resolvers do not go asking upstream and wait.
    const any = (question.type as string) === 'ANY';
    const answers: dnsPacket.Answer[] = [
      ...(question.type === 'A' || any ? found.ipv4.map((ip) => ({ type: 'A' as const, name: question.name, ttl: TTL, class: 'IN' as const, data: ip })) : []),
      ...(question.type === 'AAAA' || any ? found.ipv6.map((ip) => ({ type: 'AAAA' as const, name: question.name, ttl: TTL, class: 'IN' as const, data: ip })) : []),
    ];
    return (q) => reply(q, 0, answers);
  }
}

function reply(q: dnsPacket.DecodedPacket, rcode: number, answers: dnsPacket.Answer[]): Buffer {
  const rd = q.flag_rd ? dnsPacket.RECURSION_DESIRED : 0;
  return dnsPacket.encode({
    type: 'response',
    id: q.id,
    flags: rd | dnsPacket.RECURSION_AVAILABLE | (rcode & 15),
    questions: q.questions,
    answers,
  });
}

function ptrToIPv4(name: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(name);
  return m ? `${m[4]}.${m[3]}.${m[2]}.${m[1]}` : undefined;
}

function forwardUdp(msg: Buffer, server: string): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(server.includes(':') ? 'udp6' : 'udp4');
    let finished = false;
    // Error, reply and timeout can each arrive; the socket is closed once (a second close throws).
    const done = (b?: Buffer) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.close();
      resolve(b);
    };
    const timer = setTimeout(() => done(), FORWARD_TIMEOUT_MS);
    sock.on('error', () => done());
    sock.on('message', (m) => {
      if (m.length >= 2 && m.readUInt16BE(0) === msg.readUInt16BE(0)) done(m);
    });
    // Connected, so an ICMP "port unreachable" surfaces as an error now instead of a timeout.
    // A failed connect (no route to the server) is handed to this callback, not emitted: sending
    // on the unconnected socket would throw.
    sock.connect(53, server, (err?: Error) => {
      if (err || finished) done();
      else sock.send(msg, (e) => e && done());
    });
  });
}

function forwardTcp(msg: Buffer, server: string): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: server, port: 53 });
    let buf = Buffer.alloc(0);
    const done = (b?: Buffer) => {
      sock.destroy();
      resolve(b);
    };
    sock.setTimeout(FORWARD_TIMEOUT_MS, () => done());
    sock.on('error', () => done());
    sock.on('connect', () => {
      const head = Buffer.alloc(2);
      head.writeUInt16BE(msg.length);
      sock.write(Buffer.concat([head, msg]));
    });
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
  });
}

