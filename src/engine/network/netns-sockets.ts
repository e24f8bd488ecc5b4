// Listening sockets opened inside a container's network namespace, for berthd to serve from its
// own event loop. A socket belongs for life to the namespace it was created in, so berthd's main
// thread steps into the container's netns with setns(), creates and binds a UDP and a TCP socket
// through libc, and steps back: all synchronously, so no JavaScript runs (and opens no socket of
// its own) while the thread is away — the same move as netnsInProcess in netns.ts. Node then
// adopts the descriptors (dgram bind({fd}), net listen({fd})).
import { closeSync, openSync } from 'node:fs';
import { libc, type Libc } from '../../util/libc.js';
import { parseIPv4 } from './ipv4.js';

const CLONE_NEWNET = 0x40000000;
const AF_INET = 2;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const SOCKADDR_IN_SIZE = 16;
const LISTEN_BACKLOG = 128;

export interface NetnsListenerFds {
  udpFd: number;
  tcpFd: number;
  udpPort: number;
  tcpPort: number;
}

/**
 * A UDP and a TCP socket bound to ip inside the netns at `netnsPath` (TCP listening). Asks for
 * `want` ports first (the ones a previous berthd had, whose NAT rules still point there) and
 * takes random ones when those are taken or not given. Throws when it cannot be done here.
 */
export function openListenersInNetns(netnsPath: string, ip: string, want?: { udp: number; tcp: number }): NetnsListenerFds {
  const c = libc();
  if (!c) throw new Error('opening sockets in a container network namespace needs koffi, which could not load');
  const home = openSync('/proc/thread-self/ns/net', 'r');
  let target: number | undefined;
  const opened: number[] = [];
  try {
    target = openSync(netnsPath, 'r');
    if (c.setns(target, CLONE_NEWNET) !== 0) throw new Error(`setns into ${netnsPath}: errno ${c.errno()}`);
    let fds: NetnsListenerFds | undefined;
    let failure: unknown;
    try {
      const open = (type: number, port: number | undefined): { fd: number; port: number } => {
        const s = bound(c, type, ip, port ?? 0) ?? (port ? bound(c, type, ip, 0) : undefined);
        if (!s) throw new Error(`binding ${ip} in ${netnsPath}: errno ${c.errno()}`);
        opened.push(s.fd);
        return s;
      };
      const udp = open(SOCK_DGRAM, want?.udp);
      const tcp = open(SOCK_STREAM, want?.tcp);
      fds = { udpFd: udp.fd, tcpFd: tcp.fd, udpPort: udp.port, tcpPort: tcp.port };
    } catch (e) {
      failure = e;
    }
    // Nothing may keep this thread in the container's namespace: berthd's own sockets would open there.
    if (c.setns(home, CLONE_NEWNET) !== 0) throw new Error('setns: cannot return to berthd network namespace');
    if (!fds) throw failure;
    return fds;
  } catch (e) {
    for (const fd of opened) c.close(fd);
    throw e;
  } finally {
    closeSync(home);
    if (target !== undefined) closeSync(target);
  }
}

/** One socket bound to ip:port (TCP also listening), or undefined with errno set. */
function bound(c: Libc, type: number, ip: string, port: number): { fd: number; port: number } | undefined {
  const fd = c.socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return undefined;
  const addr = Buffer.alloc(SOCKADDR_IN_SIZE);
  addr.writeUInt16LE(AF_INET, 0);
  addr.writeUInt16BE(port, 2);
  addr.writeUInt32BE((parseIPv4(ip) ?? 0) >>> 0, 4);
  // TCP: a restarted berthd takes its port back although connections of the old one linger in TIME_WAIT.
  if (type === SOCK_STREAM) c.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, Buffer.from([1, 0, 0, 0]), 4);
  if (c.bind(fd, addr, SOCKADDR_IN_SIZE) !== 0 || (type === SOCK_STREAM && c.listen(fd, LISTEN_BACKLOG) !== 0)) {
    c.close(fd);
    return undefined;
  }
  const out = Buffer.alloc(SOCKADDR_IN_SIZE);
  c.getsockname(fd, out, [SOCKADDR_IN_SIZE]);
  return { fd, port: out.readUInt16BE(2) };
}

/** Closes descriptors Node never adopted (a failure before serving them); already closed is fine. */
export function closeUnadopted(...fds: number[]): void {
  for (const fd of fds) {
    try {
      closeSync(fd);
    } catch {
      // Already closed: nothing left to release.
    }
  }
}
