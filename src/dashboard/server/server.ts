// berth dashboard's HTTP(S) server: the built page, the login, the page's WebSocket (hub.ts) and
// its actions (actions.ts). Nothing of an engine is served without a session: the page itself
// is static and shows only "not signed in" until /api/session answers.
//
//   GET  /?token=T                       login: sets the session cookie, 303 to the clean URL
//   GET  /api/session                    {csrf, hosts} for a session, else 401
//   GET  /ws                             the page's WebSocket (same origin, session)
//   *    /api/hosts/H/…                  an engine's reads and actions: the table in routes/index.ts
//                                        (every method but GET needs the CSRF header and same origin)
//   *    /api/registries[/…]             the registry page: routes/registry.ts (same checks)
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Endpoint } from '../../client/host.js';
import { WebSocketPeer, webSocketKey } from '../../util/websocket.js';
import { CSRF_HEADER } from '../protocol.js';
import { Access, randomToken } from './access.js';
import { findAssetDir, loadAssets, type Asset } from './assets.js';
import { engineHosts } from './hosts.js';
import { findIn, findRoute } from './routes/index.js';
import { REGISTRY_ROUTES } from './routes/registry.js';
import { RegistryBrowser } from './registry.js';
import { SECURITY_HEADERS } from './routes/route.js';
import { PageConnection, Relays } from './hub.js';
import { baseUrl, planListen } from './listen.js';
import { SessionFile, sessionFilePath } from './session-file.js';

/** Page messages are subscriptions and keystrokes (a paste at most). */
const MAX_PAGE_MESSAGE = 1 << 20;


export interface DashboardOptions {
  addr?: string;
  tlsCert?: string;
  tlsKey?: string;
  endpoints: Endpoint[];
  /** The login token; random when not given. */
  token?: string;
  /** Where the built page is (default: found beside the program, see assets.ts). */
  assetDir?: string;
  /** Where the sessions are kept across restarts (session-file.ts); none when not given. */
  stateDir?: string;
  /** Registries to browse (host[:port]); the page can log in to more. */
  registries?: string[];
  /** The docker config with registry credentials (default: $DOCKER_CONFIG/config.json or ~/.docker/config.json). */
  dockerConfig?: string;
}

export interface Dashboard {
  /** The address to open, without the token. */
  url: string;
  /** The address with the login token: what the user is told to open. */
  loginUrl: string;
  close(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status, SECURITY_HEADERS).end();
    return;
  }
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const plan = planListen(opts.addr, { cert: opts.tlsCert, key: opts.tlsKey });
  const assets: Map<string, Asset> = loadAssets(opts.assetDir ?? findAssetDir());
  const relays = new Relays(engineHosts(opts.endpoints));
  const registries = new RegistryBrowser(opts.registries ?? [], opts.dockerConfig);
  const token = opts.token ?? randomToken();
  const server = plan.tls ? https.createServer({ cert: readFileSync(plan.tls.cert), key: readFileSync(plan.tls.key) }) : http.createServer();
  // The access rules need the port, known once listening; requests are handled from the next turn on.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(plan.port, plan.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  // Kept only when listening on a fixed port: only then can an open page come back to the next run.
  const sessionsAt = opts.stateDir ? sessionFilePath(opts.stateDir, plan.host, plan.port) : undefined;
  const access = new Access(token, { host: plan.host, port, secure: !!plan.tls }, Date.now, sessionsAt ? new SessionFile(sessionsAt) : undefined);

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    if (!access.hostAllowed(req.headers)) return sendJson(res, 421, { message: 'unexpected Host header' });
    const login = url.searchParams.get('token');
    if (req.method === 'GET' && login !== null) {
      if (!access.tokenMatches(login)) return sendJson(res, 401, { message: 'invalid token' });
      const { setCookie } = access.login();
      url.searchParams.delete('token');
      res.writeHead(303, { ...SECURITY_HEADERS, 'Set-Cookie': setCookie, Location: url.pathname + url.search });
      return void res.end();
    }
    const asset = req.method === 'GET' || req.method === 'HEAD' ? assets.get(url.pathname) : undefined;
    if (asset) {
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': asset.type, 'Content-Length': asset.body.length });
      return void res.end(req.method === 'HEAD' ? undefined : asset.body);
    }
    if (!url.pathname.startsWith('/api/')) return sendJson(res, 404, { message: 'not found' });
    const session = access.session(req.headers);
    if (!session) return sendJson(res, 401, { message: 'not signed in: open the URL berth dashboard printed' });
    if (url.pathname === '/api/session' && req.method === 'GET') return sendJson(res, 200, { csrf: session.csrf, hosts: relays.hostInfos });
    const r = /^\/api\/registries(?:\/(.*))?$/.exec(url.pathname);
    if (r) {
      const { route: found, params, allowed } = findIn(REGISTRY_ROUTES, req.method ?? 'GET', r[1] ?? '');
      if (!found) return allowed.length ? sendJson(res, 405, { message: 'method not allowed' }) : sendJson(res, 404, { message: 'not found' });
      if (found.method !== 'GET' && !access.actionAllowed(req.headers, CSRF_HEADER)) return sendJson(res, 403, { message: 'cross-site request refused' });
      const result = await found.handle({ browser: registries, session, params, query: url.searchParams, req });
      return sendJson(res, result.status, result.body);
    }
    const h = /^\/api\/hosts\/([^/]+)\/(.+)$/.exec(url.pathname);
    const host = h ? relays.hosts.get(decodeURIComponent(h[1])) : undefined;
    if (!h || !host) return sendJson(res, 404, { message: 'not found' });
    const { route: found, params, allowed } = findRoute(req.method ?? 'GET', h[2]);
    if (!found) return allowed.length ? sendJson(res, 405, { message: 'method not allowed' }) : sendJson(res, 404, { message: 'not found' });
    if (found.method !== 'GET' && !access.actionAllowed(req.headers, CSRF_HEADER)) return sendJson(res, 403, { message: 'cross-site request refused' });
    const result = await found.handle({ host, params, query: url.searchParams, req, res });
    if (result) sendJson(res, result.status, result.body);
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    route(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: e instanceof Error ? e.message : String(e) });
      else res.destroy();
    });
  });

  /** The pages' WebSockets: upgraded, so server.close() does not see them. */
  const pages = new Set<Duplex>();
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const key = webSocketKey(req.headers);
    if (new URL(req.url ?? '/', 'http://dashboard').pathname !== '/ws' || !key) return refuseUpgrade(socket, 400, 'Bad Request');
    if (!access.sameOrigin(req.headers)) return refuseUpgrade(socket, 403, 'Forbidden');
    const session = access.session(req.headers);
    if (!session) return refuseUpgrade(socket, 401, 'Unauthorized');
    pages.add(socket);
    socket.once('close', () => pages.delete(socket));
    new PageConnection(new WebSocketPeer(socket, key, head, { maxMessage: MAX_PAGE_MESSAGE }), relays, () => access.touch(session));
  });

  const url = `${baseUrl(plan, port)}/`;
  return {
    url,
    loginUrl: `${url}?token=${token}`,
    close: async () => {
      relays.close();
      registries.close();
      for (const socket of pages) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await access.flush();
    },
  };
}
