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
import { planTcpListener, type TcpListenPlan } from './tcp-security.js';
import { socketGid } from './socket-group.js';
import { setupUsernsRemap } from './userns-remap.js';
import { Engine } from '../engine/engine.js';
import { createApiServer } from '../api/server.js';
import { allRoutes } from '../api/routes.js';

async function listenUnix(server: http.Server, sockPath: string, gid: number | undefined): Promise<void> {
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
  if (gid !== undefined) await fsp.chown(sockPath, 0, gid);
}

/** An HTTPS server for a tcp:// host that hands its requests to the API server. */
function tlsServer(plan: Extract<TcpListenPlan, { mode: 'tls' | 'mtls' }>, api: http.Server): http.Server {
  const tls = https.createServer({
    // The docker CLI half-closes a hijacked attach/exec connection when its stdin ends (a TCP FIN
    // under TLS); output must keep flowing after it, as on the unix socket.
    allowHalfOpen: true,
    cert: readFileSync(plan.cert),
    key: readFileSync(plan.key),
    // With `ca` given Node trusts exactly these certificates, never the public roots.
    ...(plan.mode === 'mtls' ? { ca: readFileSync(plan.ca), requestCert: true, rejectUnauthorized: true } : {}),
  });
  tls.on('request', (req, res) => api.emit('request', req, res));
  tls.on('upgrade', (req, sock, head) => api.emit('upgrade', req, sock, head));
  return tls as unknown as http.Server;
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
  // Listener rules are checked before the engine opens, so a refused configuration changes nothing.
  let tcpPlans: Array<{ host: string; plan: TcpListenPlan }>;
  let gid: number | undefined;
  try {
    const settings = cfg;
    tcpPlans = cfg.hosts.filter((h) => h.startsWith('tcp://')).map((host) => ({ host, plan: planTcpListener(host, settings) }));
    for (const { plan } of tcpPlans) if (plan.mode !== 'plain') for (const f of plan.mode === 'mtls' ? [plan.ca, plan.cert, plan.key] : [plan.cert, plan.key]) readFileSync(f);
    gid = socketGid(cfg.group);
  } catch (e: any) {
    process.stderr.write(`berthd: failed to load listeners: ${e.message}\n`);
    process.exit(1);
  }
  if (cfg.usernsRemapSpec) {
    try {
      cfg.usernsRemap = setupUsernsRemap(cfg.usernsRemapSpec, cfg.dataRoot, (m) => log.warn(m));
    } catch (e: any) {
      process.stderr.write(`berthd: userns-remap: ${e.message}\n`);
      process.exit(1);
    }
    if (cfg.usernsRemap) {
      cfg.dataRoot = cfg.usernsRemap.dataRoot;
      log.info(`User namespaces: ID ranges will be mapped to subuid/subgid ranges of: ${cfg.usernsRemap.user}`);
    }
  }
  const engine = await Engine.open(cfg);
  const servers: http.Server[] = [];
  const unixPaths = cfg.hosts.filter((h) => h.startsWith('unix://')).map((h) => h.slice(7));
  if (cfg.dockerSocket) unixPaths.push(cfg.dockerSocket);
  for (const p of unixPaths) {
    const s = createApiServer(engine, allRoutes);
    await listenUnix(s, p, gid);
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
  for (const { host: h, plan } of tcpPlans) {
    const u = new URL(h);
    for (const w of plan.warnings) log.warn(w);
    const s = plan.mode === 'plain' ? createApiServer(engine, allRoutes) : tlsServer(plan, createApiServer(engine, allRoutes));
    await new Promise<void>((res, rej) => {
      s.once('error', rej);
      // dockerd's default ports: 2375 in plain text, 2376 with TLS; [::1] is listened on as ::1.
      s.listen(Number(u.port || (plan.mode === 'plain' ? 2375 : 2376)), u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', () => res());
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
