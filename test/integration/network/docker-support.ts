// Helpers for the docker-CLI network tests: a busybox web server container, HTTP GETs from the
// host to 127.0.0.1, and a snapshot of everything one test daemon's networking leaves on the
// host (veths on its bridges, iptables rules of its chain prefix, sandbox records, netns files,
// published-port records), so a test can assert "nothing left behind".
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Daemon } from '../harness.js';
import { runCommand } from '../support/proc.js';
import { ok } from '../support/assert.js';

/** Starts a detached busybox httpd on port 80 serving index.html = `body`. Returns the container ID. */
export async function startWeb(d: Daemon, name: string, args: string[] = [], body = `hello from ${name}`, image = 'busybox'): Promise<string> {
  const script = `mkdir -p /www && echo '${body}' > /www/index.html && exec httpd -f -p 80 -h /www`;
  return ok(await d.docker(['run', '-d', '--name', name, ...args, image, 'sh', '-c', script]), `start web ${name}`);
}

/** One GET from this (host) process; resolves with status and body, or rejects on a network error. */
export function httpGet(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${host}:${port} timed out`)));
    req.on('error', reject);
  });
}

/** GET retried for a short while: the server in a just-started container may not listen yet. */
export async function httpGetEventually(port: number, host = '127.0.0.1', ms = 5000): Promise<{ status: number; body: string }> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await httpGet(port, host, 2000);
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A TCP port nobody on 127.0.0.1 / 0.0.0.0 listens on right now. */
export function freeHostPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '0.0.0.0', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** The value after `flag` in the daemon's command line (harness-chosen --bridge, --iptables-prefix). */
export function daemonFlag(d: Daemon, flag: string): string {
  const args = d.process?.spawnargs ?? [];
  const i = args.indexOf(flag);
  assert.ok(i >= 0 && args[i + 1], `berthd was not started with ${flag}`);
  return args[i + 1];
}

/** Lines of `iptables-save` (or `ip6tables-save`; both tables) that mention this daemon's chain prefix. */
export async function iptablesRulesOf(prefix: string, iptables: 'iptables' | 'ip6tables' = 'iptables'): Promise<string[]> {
  const out: string[] = [];
  for (const table of ['filter', 'nat']) {
    const r = await runCommand(`${iptables}-save`, ['-t', table], { timeoutMs: 10_000 });
    for (const line of r.stdout.split('\n')) if (line.startsWith('-A') && line.includes(`${prefix}-`)) out.push(`${table} ${line}`);
  }
  return out;
}

/** Chains of this daemon's prefix `ip6tables-save` lists (both tables). */
export async function ip6tablesChainsOf(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for (const table of ['filter', 'nat']) {
    const r = await runCommand('ip6tables-save', ['-t', table], { timeoutMs: 10_000 });
    for (const line of r.stdout.split('\n')) if (line.startsWith(`:${prefix}-`)) out.push(`${table} ${line.split(' ')[0]}`);
  }
  return out;
}

/** Interfaces enslaved to a bridge (one per attached container). */
export async function bridgePorts(bridge: string): Promise<string[]> {
  const r = await runCommand('ip', ['-o', 'link', 'show', 'master', bridge], { timeoutMs: 5000 });
  if (r.code !== 0) return [];
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(':')[1]?.trim().split('@')[0] ?? l);
}

async function listDir(dir: string): Promise<string[]> {
  return (await fsp.readdir(dir).catch(() => [] as string[])).sort();
}

export interface NetState {
  veths: string[];
  rules: string[];
  sandboxes: string[];
  netns: string[];
}

/** Bridge ports that are down: veths of gone containers, unplugged and waiting for the kernel. */
async function downPorts(veths: string[]): Promise<string[]> {
  const down: string[] = [];
  for (const v of veths) {
    const state = await fsp.readFile(`/sys/class/net/${v}/operstate`, 'utf8').catch(() => 'gone');
    if (state.trim() === 'down') down.push(v);
  }
  return down;
}

/**
 * What the daemon's networking holds on the host, across all its bridges, once settled: a gone
 * container's veth pair is destroyed by the kernel together with its network namespace, a few
 * tens of milliseconds after berthd unplugged it (set it down) and let go of the namespace. A
 * down veth that stays longer than 5 s is a leak and fails here.
 */
export async function netState(d: Daemon): Promise<NetState> {
  const until = Date.now() + 5000;
  for (;;) {
    const st = await netStateNow(d);
    const down = await downPorts(st.veths);
    if (!down.length) return st;
    assert.ok(Date.now() < until, `unplugged veths still on the bridge after 5 s (leaked): ${down.join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function netStateNow(d: Daemon): Promise<NetState> {
  const prefix = daemonFlag(d, '--iptables-prefix');
  const bridges = new Set<string>();
  for (const f of await listDir(path.join(d.dataRoot, 'network', 'networks'))) {
    const rec = JSON.parse(await fsp.readFile(path.join(d.dataRoot, 'network', 'networks', f), 'utf8')) as { Driver: string; device?: string };
    if (rec.Driver === 'bridge' && rec.device) bridges.add(rec.device);
  }
  const veths: string[] = [];
  for (const b of bridges) veths.push(...(await bridgePorts(b)));
  const claimed = await claimedNetns(d);
  return {
    veths: veths.sort(),
    rules: (await iptablesRulesOf(prefix)).sort(),
    sandboxes: await listDir(path.join(d.dataRoot, 'network', 'sandboxes')),
    // Ready namespaces of berthd's pool come and go between snapshots and belong to nobody; a
    // pooled one a container took is named by its sandbox record and counts.
    netns: (await listDir(path.join(d.execRoot, 'netns'))).filter((n) => !n.startsWith('pool-') || claimed.has(n)),
  };
}

/** Basenames of the netns files the daemon's sandbox records name. */
async function claimedNetns(d: Daemon): Promise<Set<string>> {
  const dir = path.join(d.dataRoot, 'network', 'sandboxes');
  const out = new Set<string>();
  for (const f of await listDir(dir)) {
    const rec = JSON.parse(await fsp.readFile(path.join(dir, f), 'utf8').catch(() => '{}')) as { netnsPath?: string };
    if (rec.netnsPath) out.add(path.basename(rec.netnsPath));
  }
  return out;
}

/** berthd's pool of ready network namespaces: files named pool-* that no sandbox record claims. */
export async function unclaimedPoolNetns(d: Daemon): Promise<string[]> {
  const claimed = await claimedNetns(d);
  return (await listDir(path.join(d.execRoot, 'netns'))).filter((n) => n.startsWith('pool-') && !claimed.has(n));
}

/** The default bridge's gateway: how a container reaches ports published on the host. */
export async function defaultGateway(d: Daemon): Promise<string> {
  return ok(await d.docker(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Gateway}}', 'bridge']));
}

/** Runs `sh -c script` in a throwaway busybox container and returns the result. */
export function sh(d: Daemon, args: string[], script: string, timeoutMs = 30_000) {
  return d.docker(['run', '--rm', ...args, 'busybox', 'sh', '-c', script], { timeoutMs });
}

/** Host devices (bridges, dummy parents) the daemon's network records name. */
async function networkDevices(d: Daemon): Promise<string[]> {
  const dir = path.join(d.dataRoot, 'network', 'networks');
  const out: string[] = [];
  for (const f of await listDir(dir)) {
    try {
      const rec = JSON.parse(await fsp.readFile(path.join(dir, f), 'utf8')) as { Driver: string; device?: string; dummyParent?: boolean; predefined?: boolean };
      if (rec.device && ((rec.Driver === 'bridge' && !rec.predefined) || rec.dummyParent)) out.push(rec.device);
    } catch {
      /* a record being written: nothing to clean for it */
    }
  }
  return out;
}

/**
 * d.cleanup() plus the daemon's user-defined networks: the harness removes only the default
 * bridge, and a bridge left holding a test subnet would break the next daemon's routing.
 */
export async function cleanupWithNetworks(d: Daemon | undefined): Promise<void> {
  if (!d) return;
  const devices = await networkDevices(d);
  if (d.process) {
    const ids = (await d.docker(['ps', '-aq'], { timeoutMs: 10_000 }).catch(() => undefined))?.stdout.split('\n').filter(Boolean) ?? [];
    if (ids.length) await d.docker(['rm', '-f', ...ids], { timeoutMs: 60_000 }).catch(() => undefined);
    await d.docker(['network', 'prune', '-f'], { timeoutMs: 30_000 }).catch(() => undefined);
  }
  await d.cleanup();
  for (const dev of devices) await runCommand('ip', ['link', 'del', dev], { timeoutMs: 5000 }).catch(() => undefined);
}

