// The registry page's requests, /api/registries/…: not engine-scoped, so a table of their own
// (server.ts applies the same session, origin and CSRF checks as to the engines' routes).
//
//   GET    /api/registries                                   the registries this session may browse
//   POST   /api/registries/login              {registry, username, password}: checked, kept in memory
//   POST   /api/registries/{reg}/logout
//   GET    /api/registries/{reg}/repositories?n=&last=       a page of the catalog with tag counts
//   GET    /api/registries/{reg}/repositories/{repo}/tags    tags with digest, size, platforms, created
//   GET    /api/registries/{reg}/repositories/{repo}/manifests/{ref}   layers and config, or platforms
//   DELETE /api/registries/{reg}/repositories/{repo}/manifests/{digest}
// {repo} is one path segment: its slashes are sent as %2F.
import type http from 'node:http';
import type { Session } from '../access.js';
import type { ActionResult } from '../actions.js';
import { BadRequest, deleteManifest, manifest, registryAnswer, repositories, tags, type RegistryBrowser } from '../registry.js';
import type { RegistryClient } from '../../../registry/client/index.js';
import { readJsonBody } from './route.js';

export interface RegistryRouteContext {
  browser: RegistryBrowser;
  session: Session;
  params: string[];
  query: URLSearchParams;
  req: http.IncomingMessage;
}

export interface RegistryRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Matched against the path after /api/registries (without the slash), e.g. /^([^/]+)\/repositories$/. */
  path: RegExp;
  handle(ctx: RegistryRouteContext): Promise<ActionResult>;
}

/** The route's registry, when this session may browse it. */
function withClient(fn: (client: RegistryClient, registry: string, ctx: RegistryRouteContext) => Promise<unknown>): (ctx: RegistryRouteContext) => Promise<ActionResult> {
  return async (ctx) => {
    const registry = ctx.params[0];
    const client = ctx.browser.client(ctx.session.hash, registry);
    if (!client) return { status: 404, body: { message: `registry ${registry} is not one the dashboard browses: start it with --registry ${registry} or log in to it` } };
    return registryAnswer(() => fn(client, registry, ctx));
  };
}

export const REGISTRY_ROUTES: RegistryRoute[] = [
  { method: 'GET', path: /^$/, handle: async ({ browser, session }) => ({ status: 200, body: await browser.list(session.hash) }) },
  {
    method: 'POST',
    path: /^login$/,
    handle: ({ browser, session, req }) =>
      registryAnswer(async () => {
        const body = await readJsonBody<{ registry?: unknown; username?: unknown; password?: unknown }>(req, 64 * 1024).catch(() => {
          throw new BadRequest('the body must be JSON');
        });
        if (typeof body.registry !== 'string' || typeof body.username !== 'string' || typeof body.password !== 'string') throw new BadRequest('registry, username and password are required');
        await browser.login(session.hash, body.registry, body.username, body.password);
      }),
  },
  {
    method: 'POST',
    path: /^([^/]+)\/logout$/,
    handle: async ({ browser, session, params }) => {
      browser.logout(session.hash, params[0]);
      return { status: 204 };
    },
  },
  { method: 'GET', path: /^([^/]+)\/repositories$/, handle: withClient((c, reg, { query }) => repositories(c, reg, query)) },
  { method: 'GET', path: /^([^/]+)\/repositories\/([^/]+)\/tags$/, handle: withClient((c, reg, { params }) => tags(c, reg, params[1])) },
  { method: 'GET', path: /^([^/]+)\/repositories\/([^/]+)\/manifests\/([^/]+)$/, handle: withClient((c, reg, { params }) => manifest(c, reg, params[1], params[2])) },
  { method: 'DELETE', path: /^([^/]+)\/repositories\/([^/]+)\/manifests\/([^/]+)$/, handle: withClient((c, reg, { params }) => deleteManifest(c, reg, params[1], params[2])) },
];
