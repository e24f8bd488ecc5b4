// berthd: parse config, open the engine (recovery, clean-up), listen on every -H, shut down cleanly.
// Containers are not stopped on shutdown: they run under conmon and are picked up at next start.
import { promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import https from 'node:https';
import type http from 'node:http';
import { parseDaemonArgs } from './config.js';
import { log } from '../util/log.js';
import { exitOnUncaughtErrors } from './crash.js';
import { fdsForHost, takeListenFds } from './listen-fds.js';
import { Engine } from '../engine/engine.js';
import { createApiServer } from '../api/server.js';
import { allRoutes } from '../api/routes.js';

async function listenUnix(server: http.Server, sockPath: string): Promise<void> {
  await fsp.mkdir(path.dirname(sockPath), { recursive: true });
  await fsp.rm(sockPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(sockPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await fsp.chmod(sockPath, 0o660);
}

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = parseDaemonArgs(process.argv.slice(2));
  } catch (e: any) {
    process.stderr.write(`berthd: ${e.message}\n`);
    process.exit(125);
  }
  log.setLevel(cfg.logLevel as any);
  const engine = await Engine.open(cfg);
  const servers: http.Server[] = [];
  const unixPaths = cfg.hosts.filter((h) => h.startsWith('unix://')).map((h) => h.slice(7));
  if (cfg.dockerSocket) unixPaths.push(cfg.dockerSocket);
  for (const p of unixPaths) {
    const s = createApiServer(engine, allRoutes);
    await listenUnix(s, p);
    servers.push(s);
    log.info(`API listen on ${p}`);
  }
  const fdHosts = cfg.hosts.filter((h) => h.startsWith('fd://'));
  const passedFds = takeListenFds(process.env, process.pid);
  for (const fd of [...new Set(fdHosts.flatMap((h) => fdsForHost(h, passedFds)))]) {
    const s = createApiServer(engine, allRoutes);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen({ fd }, () => {
        s.off('error', reject);
        resolve();
      });
    });
    servers.push(s);
    log.info(`API listen on fd://${fd} (socket activation)`);
  }
  for (const h of cfg.hosts.filter((x) => x.startsWith('tcp://'))) {
    const u = new URL(h);
    let s: http.Server;
    if (cfg.tlsCert && cfg.tlsKey) {
      // TCP only with TLS and client certificates, as the design asks.
      const tls = https.createServer({
        cert: readFileSync(cfg.tlsCert),
        key: readFileSync(cfg.tlsKey),
        ca: cfg.tlsCaCert ? readFileSync(cfg.tlsCaCert) : undefined,
        requestCert: true,
        rejectUnauthorized: true,
      });
      const inner = createApiServer(engine, allRoutes);
      tls.on('request', (req, res) => inner.emit('request', req, res));
      tls.on('upgrade', (req, sock, head) => inner.emit('upgrade', req, sock, head));
      s = tls as unknown as http.Server;
    } else {
      log.warn(`listening on ${h} without TLS: anyone who reaches it controls the host`);
      s = createApiServer(engine, allRoutes);
    }
    await new Promise<void>((res, rej) => {
      s.once('error', rej);
      s.listen(Number(u.port || 2375), u.hostname || '127.0.0.1', () => res());
    });
    servers.push(s);
    log.info(`API listen on ${h}`);
  }
  log.info(`berthd started (data root ${cfg.dataRoot}, exec root ${cfg.execRoot})`);

  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`received ${sig}, shutting down; containers keep running`);
    for (const s of servers) {
      s.close();
      s.closeAllConnections?.();
    }
    await engine.close();
    for (const p of unixPaths) await fsp.rm(p, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

exitOnUncaughtErrors(process, log.error, (code) => process.exit(code));
void main().catch((e) => {
  log.error(`berthd failed to start: ${e?.stack ?? e}`);
  process.exit(1);
});
