// The API server: Node's http on unix sockets (and TCP), one Router for every object, upgrades
// (attach, exec) routed through the same table. Handlers throw EngineErrors; this maps them.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { isEngineError } from '../engine/errors.js';
import type { Engine } from '../engine/engine.js';
import { sendError } from './http.js';
import { Router, checkApiVersion, splitVersion, type Ctx } from './router.js';
import { API_VERSION } from '../version.js';
import { log } from '../util/log.js';

async function takeUpgradeBody(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<{ body: Buffer; rest: Buffer }> {
  const len = Number(req.headers['content-length'] ?? 0) || 0;
  let buf = head;
  while (buf.length < len) {
    const chunk: Buffer | null = socket.read();
    if (chunk) {
      buf = Buffer.concat([buf, chunk]);
      continue;
    }
    const more = await new Promise<boolean>((resolve) => {
      const onReadable = () => done(true);
      const onEnd = () => done(false);
      const done = (v: boolean) => {
        socket.off('readable', onReadable);
        socket.off('end', onEnd);
        socket.off('close', onEnd);
        resolve(v);
      };
      socket.on('readable', onReadable);
      socket.on('end', onEnd);
      socket.on('close', onEnd);
    });
    if (!more) break;
  }
  return { body: buf.subarray(0, len), rest: buf.subarray(len) };
}

export type RouteRegistrar = (router: Router) => void;

export function createApiServer(engine: Engine, registrars: RouteRegistrar[]): http.Server {
  const router = new Router();
  for (const register of registrars) register(router);

  const dispatch = async (req: http.IncomingMessage, res: http.ServerResponse, upgrade?: Ctx['upgrade']) => {
    const url = new URL(req.url ?? '/', 'http://berth');
    const { version, path } = splitVersion(url.pathname);
    const found = router.match(req.method ?? 'GET', path);
    if (!found || found === 'method') {
      // dockerd answers unknown paths with 404 "page not found" in JSON.
      sendError(res, found === 'method' ? 405 : 404, 'page not found');
      return;
    }
    const ctx: Ctx = {
      req,
      res,
      upgrade,
      params: found.params,
      query: url.searchParams,
      apiVersion: version ?? API_VERSION,
      engine,
    };
    try {
      checkApiVersion(ctx.apiVersion);
      await found.handler(ctx);
    } catch (e: any) {
      if (isEngineError(e)) {
        sendError(res, e.status, e.message);
      } else {
        log.error(`${req.method} ${url.pathname}: ${e?.stack ?? e}`);
        sendError(res, 500, String(e?.message ?? e));
      }
      if (upgrade && !res.headersSent) upgrade.socket.end();
    }
  };

  const server = http.createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, (req, res) => {
    res.setHeader('Api-Version', API_VERSION);
    res.setHeader('Docker-Experimental', 'false');
    res.setHeader('Ostype', 'linux');
    res.setHeader('Server', `Docker/28.2.2 (linux) berth`);
    void dispatch(req, res);
  });
  server.headersTimeout = 0;
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // A ServerResponse bound to the raw socket lets handlers answer errors before switching.
    const res = new http.ServerResponse(req);
    res.assignSocket(socket as any);
    res.shouldKeepAlive = false;
    res.setHeader('Api-Version', API_VERSION);
    socket.on('error', () => {});
    // On an upgrade Node hands over the raw socket: the request body (exec start's JSON) is the
    // first Content-Length bytes after the headers, the stream starts after it.
    void takeUpgradeBody(req, socket, head).then(({ body, rest }) => {
      (req as any).berthBody = body;
      void dispatch(req, res, { socket, head: rest });
    });
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n{"message":"bad request"}\n');
  });
  return server;
}
