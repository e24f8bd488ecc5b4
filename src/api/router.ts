// A small router for the Docker Engine API: method + path pattern (`/containers/:id/start`),
// versioned paths (`/v1.44/...`) accepted and stripped, errors mapped to Docker's JSON form.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Engine } from '../engine/engine.js';
import { InvalidArgumentError } from '../engine/errors.js';
import { compareApiVersions } from '../util/api-version.js';
import { API_VERSION, MIN_API_VERSION } from '../version.js';

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  /** Set when the request came as an HTTP upgrade (attach, exec start): the raw socket and any bytes read past the headers. */
  upgrade?: { socket: Duplex; head: Buffer };
  params: Record<string, string>;
  query: URLSearchParams;
  /** API version from the path (`/v1.41/...`), or the daemon's own when unversioned. */
  apiVersion: string;
  engine: Engine;
}

export type Handler = (ctx: Ctx) => Promise<void> | void;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

export class Router {
  private routes: Route[] = [];
  /**
   * The routes that can match a path starting with this segment, in the order they were added:
   * those whose first part is this literal or a parameter (~150 routes, scanned on every request
   * otherwise). Built on first use; a first segment no route names gets `paramFirst`.
   */
  private byFirst: Map<string, Route[]> | undefined;
  private paramFirst: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), handler });
    this.byFirst = undefined;
    return this;
  }

  private candidates(first: string | undefined): Route[] {
    if (!this.byFirst) {
      const isParam = (r: Route) => r.parts.length > 0 && r.parts[0].startsWith(':');
      const literals = new Set(this.routes.filter((r) => r.parts.length > 0 && !isParam(r)).map((r) => r.parts[0]));
      this.byFirst = new Map([...literals].map((l) => [l, this.routes.filter((r) => r.parts[0] === l || isParam(r))]));
      this.paramFirst = this.routes.filter((r) => r.parts.length === 0 || isParam(r));
    }
    return (first !== undefined && this.byFirst.get(first)) || this.paramFirst;
  }
  get(p: string, h: Handler) {
    return this.add('GET', p, h);
  }
  head(p: string, h: Handler) {
    return this.add('HEAD', p, h);
  }
  post(p: string, h: Handler) {
    return this.add('POST', p, h);
  }
  put(p: string, h: Handler) {
    return this.add('PUT', p, h);
  }
  delete(p: string, h: Handler) {
    return this.add('DELETE', p, h);
  }

  /**
   * Finds the handler for a path. A `:name*` part swallows the rest of the path (image names have
   * slashes: `/images/docker.io/library/busybox:latest/json`); the longest literal match wins.
   */
  match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } | 'method' | undefined {
    const segs = pathname.split('/').filter(Boolean).map(safeDecode);
    let pathMatched = false;
    for (const r of this.candidates(segs[0])) {
      const params = matchParts(r.parts, segs);
      if (!params) continue;
      if (r.method !== method && !(method === 'HEAD' && r.method === 'GET')) {
        pathMatched = true;
        continue;
      }
      return { handler: r.handler, params };
    }
    return pathMatched ? 'method' : undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function matchParts(parts: string[], segs: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  let i = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if (part.startsWith(':') && part.endsWith('*')) {
      // Greedy: takes as many segments as leave enough for the literal parts after it.
      const rest = parts.length - p - 1;
      const take = segs.length - i - rest;
      if (take < 1) return undefined;
      params[part.slice(1, -1)] = segs.slice(i, i + take).join('/');
      i += take;
    } else if (part.startsWith(':')) {
      if (i >= segs.length) return undefined;
      params[part.slice(1)] = segs[i++];
    } else {
      if (segs[i] !== part) return undefined;
      i++;
    }
  }
  return i === segs.length ? params : undefined;
}

/** Splits `/v1.44/containers/json` into version and the unversioned path (dockerd's `/v{version:[0-9.]+}`). */
export function splitVersion(pathname: string): { version?: string; path: string } {
  const m = /^\/v([0-9.]+)(\/.*)?$/.exec(pathname);
  if (!m) return { path: pathname };
  return { version: m[1], path: m[2] ?? '/' };
}

/**
 * dockerd's version middleware: a request for an API version outside [MIN_API_VERSION,
 * API_VERSION] is refused (400) before its handler runs, in dockerd's words.
 */
export function checkApiVersion(version: string): void {
  if (compareApiVersions(version, MIN_API_VERSION) < 0) {
    throw new InvalidArgumentError(`client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  }
  if (compareApiVersions(version, API_VERSION) > 0) {
    throw new InvalidArgumentError(`client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
  }
}
