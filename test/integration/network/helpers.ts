// Shared set-up for the network integration tests: a NetworkManager on temporary roots with its
// own default-bridge name and iptables chain prefix (so a live berthd on the machine is never
// touched), plus tiny helpers to run things inside a netns. Everything is removed in cleanup().
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import http from 'node:http';
import * as dnsPacket from 'dns-packet';
import { registerNetworkRoutes } from '../../../src/api/networks.js';
import { createApiServer } from '../../../src/api/server.js';
import type { Engine } from '../../../src/engine/engine.js';
import { EventBus } from '../../../src/engine/events.js';
import { Firewall } from '../../../src/engine/network/firewall.js';
import { NetworkManager, type ContainerRef } from '../../../src/engine/network/manager.js';
import { run } from '../../../src/engine/network/run.js';

export interface Harness {
  resolvConfPath: string;
  mgr: NetworkManager;
  firewall: Firewall;
  dataRoot: string;
  execRoot: string;
  bridgeName: string;
  /** This harness's iptables chain prefix. */
  prefix: string;
  containers: Map<string, ContainerRef>;
  children: ChildProcess[];
  cleanup(): Promise<void>;
}

export async function makeHarness(): Promise<Harness> {
  const dataRoot = await mkdtemp(path.join(os.tmpdir(), 'berth-net-data-'));
  const execRoot = await mkdtemp(path.join(os.tmpdir(), 'berth-net-exec-'));
  const tag = Math.random().toString(36).slice(2, 7);
  const bridgeName = `bt${tag}0`;
  const prefix = `BT${tag.toUpperCase()}`;
  const firewall = new Firewall(prefix);
  const containers = new Map<string, ContainerRef>();
  const children: ChildProcess[] = [];
  // Unknown names are forwarded upstream: point that at a fake resolver on loopback, so tests
  // never send DNS traffic off the machine.
  const resolvConfPath = path.join(dataRoot, 'resolv.conf');
  await writeFile(resolvConfPath, `nameserver ${FAKE_UPSTREAM}\nsearch example.test\n`);
  const upstream = await fakeUpstream();
  const opts = {
    dataRoot,
    execRoot,
    resolvConfPath,
    events: new EventBus(),
    defaultBridgeName: bridgeName,
    firewall,
    lookupContainer: (idOrName: string) => containers.get(idOrName) ?? [...containers.values()].find((c) => c.name === idOrName),
  };
  const mgr = new NetworkManager(opts);
  await mgr.init();
  const h: Harness = {
    resolvConfPath,
    mgr,
    firewall,
    dataRoot,
    execRoot,
    bridgeName,
    prefix,
    containers,
    children,
    async cleanup() {
      for (const c of children) c.kill('SIGKILL');
      upstream?.close();
      const m = h.mgr;
      for (const id of containers.keys()) await m.detachContainer(id).catch(() => {});
      await m.sweep(() => false).catch(() => {});
      for (const n of m.list()) if (!['bridge', 'host', 'none'].includes(n.Name)) await m.remove(n.Id).catch(() => {});
      await m.close();
      await run('ip', ['link', 'del', bridgeName]);
      await firewall.removeAll().catch(() => {});
      await rm(dataRoot, { recursive: true, force: true });
      if (!existsSync(path.join(execRoot, 'netns')) || (await run('rmdir', [path.join(execRoot, 'netns')])).code === 0) {
        await rm(execRoot, { recursive: true, force: true });
      }
    },
  };
  return h;
}

const FAKE_UPSTREAM = '127.0.0.53';

/** A resolver on 127.0.0.53:53 that knows upstream.test (192.0.2.200) and nothing else. */
async function fakeUpstream(): Promise<dgram.Socket | undefined> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const name = q.questions?.[0]?.name ?? '';
    const known = name === 'upstream.test' && q.questions?.[0]?.type === 'A';
    const reply = dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags: known ? 0 : 3,
      questions: q.questions,
      answers: known ? [{ type: 'A', name, ttl: 60, class: 'IN', data: '192.0.2.200' }] : [],
    });
    sock.send(reply, rinfo.port, rinfo.address);
  });
  return new Promise((resolve) => {
    sock.once('error', () => resolve(undefined));
    sock.bind(53, FAKE_UPSTREAM, () => resolve(sock));
  });
}

/** Makes a "container": a netns and its registration with the fake container engine. */
export async function fakeContainer(h: Harness, name: string): Promise<{ id: string; netns: string }> {
  const id = (Math.random().toString(16).slice(2) + '0'.repeat(64)).slice(0, 52) + Date.now().toString(16).padStart(12, '0');
  const netns = await h.mgr.createNetns(id);
  h.containers.set(id, { id, name, netnsPath: netns, running: true });
  return { id, netns };
}

export function inNetns(netns: string, cmd: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run('nsenter', [`--net=${netns}`, ...cmd], { timeoutMs: 20_000 });
}

/** A TCP server inside the netns that answers "hello from <tag>" to every connection. */
export async function tcpServerIn(h: Harness, netns: string, port: number, tag: string): Promise<void> {
  const code = `require('net').createServer(s=>s.end('hello from ${tag}')).listen(${port},()=>console.log('up'))`;
  const child = spawn('nsenter', [`--net=${netns}`, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  h.children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
}

export function tcpGet(host: string, port: number): Promise<string> {
  return import('node:net').then(
    ({ connect }) =>
      new Promise<string>((resolve, reject) => {
        const s = connect({ host, port });
        let data = '';
        s.setTimeout(5000, () => s.destroy(new Error('timeout')));
        s.on('data', (d) => (data += d));
        s.on('end', () => resolve(data));
        s.on('error', reject);
      }),
  );
}

/** Bridge devices of this harness's networks (default bridge and user-defined ones). */
async function harnessBridges(h: Harness): Promise<Set<string>> {
  const dir = path.join(h.dataRoot, 'network', 'networks');
  const out = new Set<string>([h.bridgeName]);
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    const rec = JSON.parse(await readFile(path.join(dir, f), 'utf8').catch(() => '{}')) as { Driver?: string; device?: string };
    if (rec.Driver === 'bridge' && rec.device) out.add(rec.device);
  }
  return out;
}

/**
 * Veths on this harness's bridges (other tests on the machine have their own), waiting up to 5 s
 * for unplugged ones to go: detach sets a gone container's host veth down, and the kernel destroys
 * the pair with its netns moments later.
 */
export async function countVeths(h: Harness): Promise<number> {
  const until = Date.now() + 5000;
  for (;;) {
    const bridges = await harnessBridges(h);
    const r = await run('ip', ['-o', 'link', 'show', 'type', 'veth']);
    const lines = r.stdout.split('\n').filter((l) => bridges.has(/ master (\S+) /.exec(l)?.[1] ?? ''));
    // Administratively down (no UP flag) and still a bridge port: unplugged, not yet destroyed.
    const dying = lines.filter((l) => / state DOWN /.test(l) && !/[<,]UP[,>]/.test(l));
    if (!dying.length || Date.now() > until) return lines.length;
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** iptables rules (both tables) of this harness's chain prefix, jumps into its chains included. */
export async function iptablesLines(h: Harness): Promise<number> {
  const r = await run('iptables-save', []);
  return r.stdout.split('\n').filter((l) => l.startsWith('-A') && l.includes(`${h.prefix}-`)).length;
}

/** A harness with the /networks routes served on a unix socket in its exec root; both go after the test. */
export async function makeApiHarness(t: { after(fn: () => Promise<void>): void }): Promise<{ h: Harness; sock: string }> {
  const h = await makeHarness();
  const server = createApiServer({ networks: h.mgr } as unknown as Engine, [registerNetworkRoutes]);
  const sock = path.join(h.execRoot, 'api.sock');
  await new Promise<void>((r) => server.listen(sock, () => r()));
  t.after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await h.cleanup();
  });
  return { h, sock };
}

/** One HTTP request over the socket; the answer's status and parsed JSON body. */
export function apiCall(socketPath: string, method: string, p: string, body?: unknown): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ socketPath, method, path: p, headers: data ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(data);
  });
}
