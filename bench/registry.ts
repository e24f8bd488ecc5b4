// Side-by-side benchmark: berth's registry server against the CNCF distribution registry
// (Debian docker-registry), both as separate processes on loopback, driven by the same plain
// HTTP load (no client library in the way). Prints a table.
//   node build/bench/registry.js [--mb 64] [--small 2000]
import { spawn, ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '64' }, small: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '8' } } });
const MB = Number(values.mb);
const SMALL = Number(values.small);
const CONC = Number(values.concurrency);
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function request(port: number, method: string, p: string, body?: Buffer, headers: Record<string, string | number> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, agent, headers: body ? { 'Content-Length': body.length, ...headers } : headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitUp(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await request(port, 'GET', '/v2/');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`server on ${port} did not start`);
}

async function pushBlob(port: number, repo: string, blob: Buffer): Promise<void> {
  const start = await request(port, 'POST', `/v2/${repo}/blobs/uploads/`);
  const loc = new URL(String(start.headers.location), `http://127.0.0.1:${port}`);
  loc.searchParams.set('digest', sha(blob));
  const put = await request(port, 'PUT', `${loc.pathname}${loc.search}`, blob, { 'Content-Type': 'application/octet-stream' });
  if (put.status !== 201) throw new Error(`push failed: ${put.status}`);
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function pool(n: number, conc: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: conc }, async () => {
    while (next < n) await fn(next++);
  }));
}

interface Row { name: string; pushMBs: number; pullMBs: number; pull4MBs: number; headRps: number; manifestRps: number }

async function measure(name: string, port: number): Promise<Row> {
  const big = randomBytes(MB * 1024 * 1024);
  const pushMs = await timed(() => pushBlob(port, 'bench/big', big));
  const digest = sha(big);
  await request(port, 'GET', `/v2/bench/big/blobs/${digest}`); // warm the page cache
  const pullMs = await timed(async () => {
    const r = await request(port, 'GET', `/v2/bench/big/blobs/${digest}`);
    if (r.bytes !== big.length) throw new Error('short read');
  });
  const pull4Ms = await timed(() => pool(4, 4, async () => void (await request(port, 'GET', `/v2/bench/big/blobs/${digest}`))));
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  await pushBlob(port, 'bench/big', config);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: big.length }] }));
  const put = await request(port, 'PUT', '/v2/bench/big/manifests/latest', manifest, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
  if (put.status !== 201) throw new Error(`manifest put ${put.status}`);
  const headMs = await timed(() => pool(SMALL, CONC, async () => void (await request(port, 'HEAD', `/v2/bench/big/blobs/${digest}`))));
  const manMs = await timed(() => pool(SMALL, CONC, async () => void (await request(port, 'GET', '/v2/bench/big/manifests/latest', undefined, { Accept: 'application/vnd.oci.image.manifest.v1+json' }))));
  return { name, pushMBs: MB / (pushMs / 1000), pullMBs: MB / (pullMs / 1000), pull4MBs: (4 * MB) / (pull4Ms / 1000), headRps: SMALL / (headMs / 1000), manifestRps: SMALL / (manMs / 1000) };
}

async function withProcess(cmd: string, args: string[], port: number, fn: () => Promise<Row>): Promise<Row> {
  const child: ChildProcess = spawn(cmd, args, { stdio: 'ignore' });
  try {
    await waitUp(port);
    return await fn();
  } finally {
    child.kill('SIGTERM');
  }
}

const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-reg-bench-'));
try {
  const rows: Row[] = [];
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bPort = await freePort();
  rows.push(await withProcess(process.execPath, [path.join(here, '../src/registry/server/bin.js'), 'serve', '--addr', `127.0.0.1:${bPort}`, '--root', path.join(dir, 'berth'), '-q'], bPort, () => measure('berth registry', bPort)));
  const dPort = await freePort();
  const cfg = path.join(dir, 'distribution.yml');
  await fsp.writeFile(cfg, `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'dist')}\nhttp:\n  addr: 127.0.0.1:${dPort}\n`);
  const haveDist = await fsp.access('/usr/bin/docker-registry').then(() => true, () => false);
  if (haveDist) rows.push(await withProcess('/usr/bin/docker-registry', ['serve', cfg], dPort, () => measure('distribution 2.8', dPort)));
  else console.error('docker-registry not installed: only berth measured');
  const f = (n: number): string => n.toFixed(0).padStart(12);
  console.log(`blob ${MB} MiB, ${SMALL} small requests at concurrency ${CONC}`);
  console.log(`${'server'.padEnd(18)}${'push MB/s'.padStart(12)}${'pull MB/s'.padStart(12)}${'4×pull MB/s'.padStart(12)}${'HEAD blob/s'.padStart(12)}${'GET man/s'.padStart(12)}`);
  for (const r of rows) console.log(`${r.name.padEnd(18)}${f(r.pushMBs)}${f(r.pullMBs)}${f(r.pull4MBs)}${f(r.headRps)}${f(r.manifestRps)}`);
} finally {
  agent.destroy();
  await fsp.rm(dir, { recursive: true, force: true });
}
