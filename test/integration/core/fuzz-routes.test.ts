// Property-based fuzzing of every route berthd serves (the table is read from src/api/routes.ts,
// so a new route is fuzzed without touching this file). fast-check generates the path params
// (unknown names, hostile strings, huge ones), query strings (Docker's keys with wrong-typed,
// malformed or huge values) and bodies (malformed JSON, wrong types, huge values, binary junk).
// For every request berthd must: stay up and answer /_ping; answer every error in Docker's shape
// (`{"message": "..."}` JSON); never answer 5xx (all this input is the client's mistake, and a
// 500 means berthd did not check it). Afterwards nothing it did not have before is left, once what
// successful create calls made is removed.
//
// Bounded: BERTH_FUZZ_RUNS requests (default 400) and at most ~50 s; the seed is printed and
// BERTH_FUZZ_SEED replays a run. Requests never leave loopback: inputs that would make berthd
// reach the network (pull, import from a URL, remote build contexts, registry login) are left out.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fc from 'fast-check';
import { Router, type Handler } from '../../../src/api/router.js';
import { allRoutes } from '../../../src/api/routes.js';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';

interface RouteSpec {
  method: string;
  pattern: string;
}

/** Every method + path pattern the API registers, read off the real registrars. */
function routeTable(): RouteSpec[] {
  const table: RouteSpec[] = [];
  const router = new Router();
  const add = router.add.bind(router);
  router.add = (method: string, pattern: string, handler: Handler) => {
    table.push({ method, pattern });
    return add(method, pattern, handler);
  };
  for (const register of allRoutes) register(router);
  return table;
}

const RUNS = Number(process.env.BERTH_FUZZ_RUNS ?? 400);
const SEED = Number(process.env.BERTH_FUZZ_SEED ?? Date.now() % 2 ** 31);
/** Streaming answers (events, logs -f, stats, wait on a live container) are read this long, then dropped. */
const BODY_MS = 1500;

/** Query keys Docker's endpoints take; values are generated for any of them on any route. */
const QUERY_KEYS = [
  'all', 'filters', 'force', 'v', 't', 'signal', 'name', 'tag', 'repo', 'platform', 'since', 'until',
  'timestamps', 'tail', 'follow', 'stdout', 'stderr', 'stdin', 'stream', 'logs', 'detach', 'condition',
  'size', 'limit', 'dangling', 'link', 'noprune', 'ps_args', 'path', 'h', 'w', 'noOverwriteDirNonDir',
  'copyUIDGID', 'container', 'comment', 'author', 'pause', 'changes', 'quiet', 'dockerfile', 'buildargs',
  'labels', 'nocache', 'rm', 'forcerm', 'memory', 'cpushares', 'target', 'id', 'names', 'message',
  'one-shot', 'detachKeys', 'keep-storage', 'type', 'verbose', 'scope', 'networkmode', 'shmsize',
];
/** Keys that would send berthd to the network (a pull, an import from a URL, a remote build context). */
const NETWORK_KEYS = new Set(['fromImage', 'fromSrc', 'remote']);

const oddStrings = [
  '', ' ', '..', '.', '/', '%', '%00', '\u0000', '\n', '🐳', '-1', '0', '1e309', 'NaN', '99999999999999999999',
  'true', 'false', '{', '{}', '[]', 'null', '{"a":', '{"label":["a=b"]}', '{"dangling":{"x":1}}', '{"until":["1h30m"]}',
  '{"label":"notalist"}', '{"id":[null]}', 'SIGNOPE', 'KILL', 'a'.repeat(5000), 'x:y:z@sha256:zz', 'UPPER/Case',
];

const queryValue = fc.oneof(
  fc.constantFrom(...oddStrings),
  fc.string({ maxLength: 30 }),
  fc.integer().map(String),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
);

const queryArb = fc.dictionary(fc.constantFrom(...QUERY_KEYS), queryValue, { maxKeys: 4 });

const bodyKeys = ['Image', 'Cmd', 'Entrypoint', 'Env', 'Labels', 'Name', 'Driver', 'DriverOpts', 'HostConfig', 'NetworkingConfig', 'Container', 'EndpointConfig', 'Force', 'IPAM', 'Options', 'Tty', 'AttachStdin', 'Detach', 'User', 'WorkingDir', 'ExposedPorts', 'Healthcheck', 'StopTimeout', 'Memory', 'CpuShares', 'RestartPolicy', 'Privileged'];

type Body = { kind: 'none' } | { kind: 'text'; text: string; type?: string } | { kind: 'bytes'; bytes: Uint8Array; type?: string };

const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  fc.constant<Body>({ kind: 'none' }),
  fc.constantFrom('{', '{"Image":', '[', 'null', '[]', '"x"', '123', 'true', '{}', '{"Image":"busybox"}', '{"Image":"busybox","Cmd":["true"]}', '\u0000\u0001', '{"Name":"fuzz\\u0000"}', '[' .repeat(20_000), '{"a":' + '['.repeat(5000)).map<Body>((text) => ({ kind: 'text', text, type: 'application/json' })),
  fc.jsonValue({ maxDepth: 3 }).map<Body>((v) => ({ kind: 'text', text: JSON.stringify(v) ?? 'null', type: 'application/json' })),
  fc.dictionary(fc.constantFrom(...bodyKeys), fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom(...oddStrings)), { maxKeys: 5 }).map<Body>((o) => ({ kind: 'text', text: JSON.stringify(o), type: 'application/json' })),
  fc.constant<Body>({ kind: 'text', text: JSON.stringify({ Image: 'a'.repeat(1 << 20), Labels: { ['k'.repeat(1000)]: 'v'.repeat(100_000) } }), type: 'application/json' }),
  fc.uint8Array({ maxLength: 2048 }).map<Body>((bytes) => ({ kind: 'bytes', bytes, type: 'application/x-tar' })),
);

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** One request; the status and up to BODY_MS of the body (streams are cut there). */
function request(sock: string, method: string, path: string, body: Body): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    let payload: Buffer | undefined;
    if (body.kind === 'text') payload = Buffer.from(body.text);
    if (body.kind === 'bytes') payload = Buffer.from(body.bytes);
    if (payload) headers['Content-Length'] = String(payload.length);
    if (body.kind !== 'none' && body.type) headers['Content-Type'] = body.type;
    const req = http.request({ socketPath: sock, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        clearTimeout(cut);
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
      };
      const cut = setTimeout(done, BODY_MS);
      res.on('data', (c: Buffer) => {
        if (size < 8 << 20) chunks.push(c);
        size += c.length;
      });
      res.on('end', done);
      res.on('error', done);
    });
    // No status within 20 s: berthd hangs on this input.
    req.setTimeout(20_000, () => req.destroy(new Error(`${method} ${path}: no answer in 20 s`)));
    req.on('error', (e: NodeJS.ErrnoException) => {
      // berthd may answer (404, 400) without reading a large body and close: the rest of our
      // write then fails. dockerd does the same past 256 KiB. Status 0: no answer to check.
      if ((e.code === 'EPIPE' || e.code === 'ECONNRESET') && (payload?.length ?? 0) > 256 * 1024) resolve({ status: 0, contentType: '', body: '' });
      else reject(e);
    });
    req.end(payload);
  });
}

/**
 * 5xx answers that are dockerd's own for the same call, kept for compatibility (see compat's
 * tests): 503 for swarm-only calls off a swarm, 501 for managed plugins berth does not run, and
 * plugin enable's unchecked `timeout` (moby's enablePlugin returns strconv.Atoi's error as a 500).
 */
function dockerdsOwn5xx(route: RouteSpec, a: Answer): boolean {
  if (a.status === 503 && /swarm/.test(a.body)) return true;
  if (a.status === 501 && route.pattern.startsWith('/plugins')) return true;
  return a.status === 500 && route.pattern === '/plugins/:name*/enable' && /strconv\.Atoi/.test(a.body);
}

interface Inventory {
  containers: string[];
  images: string[];
  volumes: string[];
  networks: string[];
}

describe('fuzzing every route', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let baseline: Inventory;
  /** Full IDs and names the generated names must not hit (so a DELETE cannot remove a fixture). */
  let known: string[] = [];

  const inventory = async (): Promise<Inventory> => {
    const list = async (p: string, pick: (o: any) => string) => {
      const r = await d.api('GET', p);
      assert.equal(r.status, 200, `${p}: ${r.text}`);
      return ((p === '/volumes' ? r.json.Volumes : r.json) as any[]).map(pick).sort();
    };
    return {
      containers: await list('/containers/json?all=1', (c) => c.Id),
      images: await list('/images/json?all=1', (i) => i.Id),
      volumes: await list('/volumes', (v) => v.Name),
      networks: await list('/networks', (n) => n.Id),
    };
  };

  before(async () => {
    d = await startDaemon({ name: 'fuzz', defaultNetwork: 'none' });
    // A running container keeps busybox in use, so image prune (a legitimate call) leaves the
    // baseline alone; container prune spares it because it runs.
    ok(await d.docker(['run', '-d', '--network', 'none', 'busybox', 'sleep', '3600']));
    baseline = await inventory();
    known = [...baseline.containers, ...baseline.images.map((i) => i.replace(/^sha256:/, '')), ...baseline.networks, 'busybox', 'bridge', 'host', 'none', 'latest'];
    const names = JSON.parse((await d.api('GET', '/containers/json?all=1')).text).flatMap((c: { Names: string[] }) => c.Names.map((n) => n.slice(1)));
    known.push(...names);
  });
  after(() => d?.cleanup());

  /** A name that could refer to a fixture (an ID prefix, a name, busybox in any spelling) is left out. */
  const harmless = (s: string) => {
    const bare = s.toLowerCase().replace(/^sha256:/, '');
    return !known.some((k) => k.toLowerCase() === bare || (bare.length > 0 && /^[0-9a-f]+$/.test(bare) && k.startsWith(bare)) || bare.includes('busybox'));
  };

  const nameArb = fc
    .oneof(
      fc.constantFrom('nosuch', 'fuzz-none', '..', '.', '%2e%2e', '%00', 'a'.repeat(5000), '🐳', 'sha256:' + 'f'.repeat(64), 'x:y:z', 'UPPER', 'nosuch:tag', ' ', 'a/b/c', 'localhost:5000/x'),
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.stringMatching(/^[0-9a-f]{4,64}$/),
    )
    .filter(harmless);

  it(`${RUNS} generated requests: no crash, no 5xx, errors in Docker's shape, no state left`, { timeout: 5 * 60_000 }, async (t) => {
    // Image search asks Docker Hub and distribution inspect asks the named registry: left out, no
    // traffic beyond loopback.
    const routes = routeTable().filter((r) => r.pattern !== '/images/search' && r.pattern !== '/distribution/:name*/json');
    assert.ok(routes.length > 50, `only ${routes.length} routes found`);
    t.diagnostic(`fast-check seed ${SEED} (BERTH_FUZZ_SEED=${SEED} replays it), ${routes.length} routes, ${RUNS} runs`);
    console.log(`# fuzz seed ${SEED}`);
    const made = { containers: new Set<string>(), volumes: new Set<string>(), networks: new Set<string>(), images: new Set<string>() };
    const hit = new Set<string>();
    const failures: string[] = [];

    const requestArb = fc.record({
      route: fc.constantFrom(...routes),
      names: fc.array(nameArb, { minLength: 2, maxLength: 2 }),
      query: queryArb,
      body: bodyArb,
      versioned: fc.constantFrom('', '/v1.41', '/v1.50', '/v1.12', '/v9.99', '/vX'),
    });

    await fc.assert(
      fc.asyncProperty(requestArb, async ({ route, names, query, body, versioned }) => {
        let n = 0;
        const path = route.pattern
          .split('/')
          .map((part) => (part.startsWith(':') ? encodeURIComponent(names[n++ % names.length]) : part))
          .join('/');
        const q = new URLSearchParams(Object.entries(query).filter(([k]) => !NETWORK_KEYS.has(k)));
        const url = `${versioned}${path}${q.size ? `?${q}` : ''}`;
        // Registry login and push are exercised with malformed bodies only: a well-formed one
        // would contact a registry.
        if ((route.pattern === '/auth' || route.pattern.endsWith('/push')) && body.kind === 'text' && /^\s*\{.*\}\s*$/s.test(body.text)) return;
        hit.add(`${route.method} ${route.pattern}`);
        const a = await request(d.sock, route.method, url, body);
        const what = `${route.method} ${url.slice(0, 300)} body ${body.kind === 'text' ? body.text.slice(0, 200) : body.kind}: ${a.status} ${a.body.slice(0, 300)}`;
        // Wrong answers are collected (all of a run's are reported at once); a crash stops the run.
        if (a.status >= 500 && !dockerdsOwn5xx(route, a)) failures.push(`5xx for bad input: ${what}`);
        if (a.status >= 400 && route.method !== 'HEAD' && a.status !== 304) {
          let message: unknown;
          try {
            message = (JSON.parse(a.body) as { message?: unknown }).message;
          } catch {
            /* reported below */
          }
          if (!/^application\/json/.test(a.contentType) || typeof message !== 'string') failures.push(`error not in Docker's shape: ${what}`);
        }
        if (a.status >= 200 && a.status < 300) {
          // Successful creates are legitimate; remember what they made, to remove it at the end.
          const j = (() => {
            try {
              return JSON.parse(a.body);
            } catch {
              return undefined;
            }
          })();
          if (route.pattern === '/containers/create' && j?.Id) made.containers.add(j.Id);
          if (route.pattern === '/volumes/create' && j?.Name) made.volumes.add(j.Name);
          if (route.pattern === '/networks/create' && j?.Id) made.networks.add(j.Id);
          if (route.pattern === '/commit' && j?.Id) made.images.add(j.Id);
        }
        assert.equal(d.process?.exitCode ?? null, null, `berthd exited after ${what}`);
        const ping = await d.api('GET', '/_ping', undefined, { timeoutMs: 10_000 });
        assert.equal(ping.status, 200, `no /_ping after ${what}`);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true, includeErrorInReport: true, interruptAfterTimeLimit: 50_000, markInterruptAsFailure: false },
    );
    const missed = routes.map((r) => `${r.method} ${r.pattern}`).filter((r) => !hit.has(r));
    t.diagnostic(`${hit.size} of ${routes.length} routes hit${missed.length ? ` (not: ${missed.join(', ')})` : ''}`);
    assert.deepEqual(failures.slice(0, 30), [], `${failures.length} wrong answers (seed ${SEED})`);

    // What the successful creates made goes; what is left must be the baseline.
    for (const id of made.containers) await d.api('DELETE', `/containers/${id}?force=1&v=1`);
    for (const id of made.networks) await d.api('DELETE', `/networks/${id}`);
    for (const name of made.volumes) await d.api('DELETE', `/volumes/${encodeURIComponent(name)}?force=1`);
    for (const id of made.images) await d.api('DELETE', `/images/${id}?force=1`);
    assert.deepEqual(await inventory(), baseline);
  });
});
