// Published ports: turning HostConfig.PortBindings / PublishAllPorts + ExposedPorts into concrete
// host bindings, and owning which host ports berth has handed out. A host port is refused when
// another container holds it (Docker: "Bind for 0.0.0.0:8080 failed: port is already allocated")
// or when a host process is bound to it (Docker's userland proxy would fail to listen).
import net from 'node:net';
import dgram from 'node:dgram';
import { promises as fsp } from 'node:fs';
import { InvalidArgumentError, SystemError } from '../errors.js';

export type Proto = 'tcp' | 'udp' | 'sctp';

export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}
export type PortBindings = Record<string, PortBinding[] | null>;

/** One requested publication; hostPort 0 means "pick one from the ephemeral range". */
export interface PortRequest {
  proto: Proto;
  containerPort: number;
  hostIp: string;
  hostPortStart: number;
  hostPortEnd: number;
  /** The IPv6 twin of the request at this index (no host address given): it gets the same host port. */
  twinOf?: number;
}

/** A publication with its host port decided. */
export interface PortMapping {
  proto: Proto;
  containerPort: number;
  hostIp: string;
  hostPort: number;
}

export function parsePortKey(key: string): { proto: Proto; start: number; end: number } {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(key.trim());
  if (!m) throw new InvalidArgumentError(`invalid port specification: "${key}"`);
  const start = Number(m[1]);
  const end = m[2] ? Number(m[2]) : start;
  if (start < 1 || end > 65535 || end < start) throw new InvalidArgumentError(`invalid port specification: "${key}"`);
  return { proto: (m[3]?.toLowerCase() ?? 'tcp') as Proto, start, end };
}

function parseHostPort(s: string | undefined): { start: number; end: number } {
  if (!s) return { start: 0, end: 0 };
  const m = /^(\d+)(?:-(\d+))?$/.exec(s.trim());
  if (!m) throw new InvalidArgumentError(`invalid hostPort: ${s}`);
  const start = Number(m[1]);
  const end = m[2] ? Number(m[2]) : start;
  if (start > 65535 || end > 65535 || end < start) throw new InvalidArgumentError(`invalid hostPort: ${s}`);
  return { start, end };
}

/**
 * Expands bindings (and -P) into one request per container port and host address. Where no host
 * address is given, the port is published on [::] too, on the same host port, as dockerd does:
 * NATed to a container's IPv6 address (`ipv6`), or relayed by berthd to its IPv4 address, as
 * docker-proxy does, which berth does for TCP only. IPv6 host addresses are taken likewise.
 */
export function portRequests(bindings: PortBindings | undefined, publishAll: boolean, exposed: Record<string, unknown> | undefined, ipv6 = false): PortRequest[] {
  const out: PortRequest[] = [];
  const reachable6 = (proto: Proto) => ipv6 || proto === 'tcp';
  const push = (r: PortRequest, anyHost: boolean) => {
    out.push(r);
    if (anyHost && reachable6(r.proto)) out.push({ ...r, hostIp: '::', twinOf: out.length - 1 });
  };
  const bound = new Set<string>();
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const { proto, start, end } = parsePortKey(key);
    for (const b of list ?? [{}]) {
      const hostIp = b.HostIp ?? '';
      if (hostIp.includes(':') && !reachable6(proto)) continue;
      const hp = parseHostPort(b.HostPort);
      const count = end - start + 1;
      if (hp.start !== 0 && hp.end - hp.start + 1 !== count && hp.end !== hp.start && count > 1) {
        throw new InvalidArgumentError(`invalid ranges specified for container and host Ports: ${key} and ${b.HostPort}`);
      }
      for (let i = 0; i < count; i++) {
        const single = hp.start !== 0 && count > 1 && hp.end !== hp.start;
        push(
          {
            proto,
            containerPort: start + i,
            hostIp: hostIp || '0.0.0.0',
            hostPortStart: single ? hp.start + i : hp.start,
            hostPortEnd: single ? hp.start + i : hp.end,
          },
          !hostIp,
        );
        bound.add(`${start + i}/${proto}`);
      }
    }
  }
  if (publishAll) {
    for (const key of Object.keys(exposed ?? {})) {
      const { proto, start, end } = parsePortKey(key);
      for (let p = start; p <= end; p++) {
        if (bound.has(`${p}/${proto}`)) continue;
        push({ proto, containerPort: p, hostIp: '0.0.0.0', hostPortStart: 0, hostPortEnd: 0 }, true);
      }
    }
  }
  return out;
}

/** Is a host port free for a new listener on ip? (Docker's proxy would bind it.) */
export function canBind(proto: Proto, ip: string, port: number): Promise<true | string> {
  const v6 = ip.includes(':');
  return new Promise((resolve) => {
    if (proto === 'udp') {
      const s = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
      s.once('error', (e: NodeJS.ErrnoException) => {
        s.close();
        resolve(e.code ?? String(e));
      });
      s.bind(port, ip, () => s.close(() => resolve(true)));
      return;
    }
    if (proto === 'sctp') return resolve(true);
    const srv = net.createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
    srv.listen({ host: ip, port, exclusive: true, ipv6Only: v6 }, () => srv.close(() => resolve(true)));
  });
}

function bindErrorText(code: string): string {
  if (code === 'EADDRINUSE') return 'bind: address already in use';
  if (code === 'EADDRNOTAVAIL') return 'bind: cannot assign requested address';
  if (code === 'EACCES') return 'bind: permission denied';
  return `bind: ${code}`;
}

export async function ephemeralRange(): Promise<[number, number]> {
  try {
    const [lo, hi] = (await fsp.readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/).map(Number);
    if (lo > 0 && hi >= lo) return [lo, hi];
  } catch {
    /* fall through to Docker's default range */
  }
  return [49153, 65535];
}

/** Host ports berth has handed out, keyed by proto and port; owners are container IDs. */
export class PortAllocator {
  private held = new Map<string, { hostIp: string; owner: string }[]>();

  /**
   * Whether berthd itself listens on this IPv6 host port (its userland proxy, for a container that
   * just let the port go): not a host process in the way.
   */
  ownListener: (hostPort: number) => boolean = () => false;

  private async free(proto: Proto, ip: string, port: number): Promise<true | string> {
    const ok = await canBind(proto, ip, port);
    return ok !== true && ok === 'EADDRINUSE' && proto === 'tcp' && ip.includes(':') && this.ownListener(port) ? true : ok;
  }

  private key(proto: Proto, port: number): string {
    return `${proto}/${port}`;
  }

  /** Held for the same address, or for the wildcard of the same family ('0.0.0.0' or '::'). */
  private conflicts(proto: Proto, hostIp: string, port: number): boolean {
    const v6 = hostIp.includes(':');
    const any = v6 ? '::' : '0.0.0.0';
    return (this.held.get(this.key(proto, port)) ?? []).some((h) => h.hostIp.includes(':') === v6 && (h.hostIp === hostIp || h.hostIp === any || hostIp === any));
  }

  /** Records an allocation found on disk at startup (no checks). */
  restore(owner: string, m: PortMapping): void {
    const k = this.key(m.proto, m.hostPort);
    this.held.set(k, [...(this.held.get(k) ?? []), { hostIp: m.hostIp, owner }]);
  }

  releaseOwner(owner: string): void {
    for (const [k, list] of this.held) {
      const rest = list.filter((h) => h.owner !== owner);
      if (rest.length) this.held.set(k, rest);
      else this.held.delete(k);
    }
  }

  /**
   * Decides host ports for all requests of one container, all or nothing. Synchronous bookkeeping
   * happens before any await so concurrent callers can never be handed the same port.
   */
  async allocate(owner: string, reqs: PortRequest[]): Promise<PortMapping[]> {
    const out: PortMapping[] = [];
    try {
      for (const r of reqs) {
        const twin = r.twinOf !== undefined ? out[r.twinOf] : undefined;
        const req = twin ? { ...r, hostPortStart: twin.hostPort, hostPortEnd: twin.hostPort } : r;
        const m = req.hostPortStart === 0 ? await this.allocateRandom(owner, req) : await this.allocateInRange(owner, req);
        out.push(m);
      }
      return out;
    } catch (e) {
      this.releaseOwner(owner);
      throw e;
    }
  }

  private async allocateInRange(owner: string, r: PortRequest): Promise<PortMapping> {
    let lastErr = '';
    for (let port = r.hostPortStart; port <= r.hostPortEnd; port++) {
      if (this.conflicts(r.proto, r.hostIp, port)) {
        lastErr = `Bind for ${hostPort(r.hostIp, port)} failed: port is already allocated`;
        continue;
      }
      const m: PortMapping = { proto: r.proto, containerPort: r.containerPort, hostIp: r.hostIp, hostPort: port };
      this.restore(owner, m);
      const ok = await this.free(r.proto, r.hostIp, port);
      if (ok === true) return m;
      this.releaseMapping(owner, m);
      lastErr = `Error starting userland proxy: listen ${r.proto}${r.hostIp.includes(':') ? 6 : 4} ${hostPort(r.hostIp, port)}: ${bindErrorText(ok)}`;
    }
    throw new SystemError(lastErr);
  }

  private async allocateRandom(owner: string, r: PortRequest): Promise<PortMapping> {
    const [lo, hi] = await ephemeralRange();
    const span = hi - lo + 1;
    const first = lo + Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const port = lo + ((first - lo + i) % span);
      if (this.conflicts(r.proto, r.hostIp, port)) continue;
      const m: PortMapping = { proto: r.proto, containerPort: r.containerPort, hostIp: r.hostIp, hostPort: port };
      this.restore(owner, m);
      if ((await this.free(r.proto, r.hostIp, port)) === true) return m;
      this.releaseMapping(owner, m);
    }
    throw new SystemError(`Bind for ${hostPort(r.hostIp, 0)} failed: no free port in the ephemeral range`);
  }

  private releaseMapping(owner: string, m: PortMapping): void {
    const k = this.key(m.proto, m.hostPort);
    const rest = (this.held.get(k) ?? []).filter((h) => !(h.owner === owner && h.hostIp === m.hostIp));
    if (rest.length) this.held.set(k, rest);
    else this.held.delete(k);
  }
}

/** `ip:port`, the address in brackets when it is IPv6 (as Go's net.JoinHostPort). */
function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The inspect shape: every exposed or published port, `null` when not published. */
export function portsView(mappings: PortMapping[], exposed: Record<string, unknown> | undefined): Record<string, { HostIp: string; HostPort: string }[] | null> {
  const out: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const key of Object.keys(exposed ?? {})) {
    const { proto, start, end } = parsePortKey(key);
    for (let p = start; p <= end; p++) out[`${p}/${proto}`] = null;
  }
  for (const m of mappings) {
    const k = `${m.containerPort}/${m.proto}`;
    out[k] = [...(out[k] ?? []), { HostIp: m.hostIp, HostPort: String(m.hostPort) }];
  }
  return out;
}
