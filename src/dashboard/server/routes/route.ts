// One engine-scoped API route of the dashboard: /api/hosts/{host}/<path>. server.ts has checked
// the session and the Host header before a route runs, and for every method but GET also the
// Origin and the CSRF header, so a route only does its one job. A page's reads and actions are
// one module under routes/ exporting its Route list, added to HOST_ROUTES in routes/index.ts.
import type http from 'node:http';
import type { EngineHost } from '../hosts.js';
import type { ActionResult } from '../actions.js';

/** Sent with every answer of the dashboard server, streamed ones too. */
export const SECURITY_HEADERS: Record<string, string> = {
  // xterm.js and uPlot set styles from script: inline styles are allowed, inline scripts are not.
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** Starts a streamed answer (NDJSON progress, say) with the dashboard's headers. */
export function startStream(res: http.ServerResponse, contentType = 'application/x-ndjson'): void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': contentType });
}

export interface RouteContext {
  host: EngineHost;
  /** The path pattern's groups, URL-decoded. */
  params: string[];
  query: URLSearchParams;
  req: http.IncomingMessage;
  /** For streaming answers (a pull's progress as NDJSON): the route writes and ends it itself. */
  res: http.ServerResponse;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  /** Matched against the path after /api/hosts/{host}/, e.g. /^containers\/([^/]+)\/json$/. */
  path: RegExp;
  /** The JSON answer (see actions.ts `answer`), or undefined when the route wrote `res` itself. */
  handle(ctx: RouteContext): Promise<ActionResult | undefined>;
}

/** Reads a JSON request body (actions with more than a query can say), at most `limit` bytes. */
export async function readJsonBody<T>(req: http.IncomingMessage, limit = 1 << 20): Promise<T> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(c);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as T;
}
