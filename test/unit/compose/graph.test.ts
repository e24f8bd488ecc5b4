// The dependency graph: order, parallel start of independent services, cycles, failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCycles, dependenciesOf, startOrder, walk, withDependencies } from '../../../src/compose/graph.js';

const dep = (...names: string[]) => ({ depends_on: Object.fromEntries(names.map((n) => [n, { condition: 'service_started', required: true }])) });

test('implicit dependencies: links, service: modes, volumes_from', () => {
  assert.deepEqual(dependenciesOf({ links: ['db:database'], network_mode: 'service:vpn', ipc: 'host', volumes_from: ['data:ro', 'container:x'] }).sort(), ['data', 'db', 'vpn']);
});

test('cycles are reported as compose-go words them', () => {
  assert.throws(() => checkCycles({ a: dep('b'), b: dep('c'), c: dep('a') }), /^Error: dependency cycle detected: a -> b -> c -> a$/);
  assert.doesNotThrow(() => checkCycles({ a: dep('b'), b: {}, c: dep('b') }));
});

test('start order puts dependencies first; withDependencies adds them transitively', () => {
  const services = { web: dep('api'), api: dep('db', 'cache'), db: {}, cache: {}, other: {} };
  const order = startOrder(services);
  assert.ok(order.indexOf('db') < order.indexOf('api') && order.indexOf('cache') < order.indexOf('api') && order.indexOf('api') < order.indexOf('web'));
  assert.deepEqual(withDependencies(services, ['web']).sort(), ['api', 'cache', 'db', 'web']);
});

test('walk runs independent services at the same time and waits for dependencies', async () => {
  const services = { web: dep('db', 'cache'), db: {}, cache: {} };
  const log: string[] = [];
  const gates = new Map<string, () => void>();
  const running = new Set<string>();
  let maxParallel = 0;
  const done = walk(services, async (n) => {
    log.push(`start ${n}`);
    running.add(n);
    maxParallel = Math.max(maxParallel, running.size);
    if (n !== 'web') await new Promise<void>((r) => gates.set(n, r));
    running.delete(n);
    log.push(`end ${n}`);
  });
  while (gates.size < 2) await new Promise((r) => setImmediate(r));
  assert.equal(maxParallel, 2);
  assert.ok(!log.includes('start web'));
  gates.get('db')!();
  gates.get('cache')!();
  await done;
  assert.equal(log.at(-1), 'end web');
});

test('walk in reverse visits dependants first; a failure stops what depends on it', async () => {
  const services = { web: dep('db'), db: {} };
  const seen: string[] = [];
  await walk(services, async (n) => void seen.push(n), { reverse: true });
  assert.deepEqual(seen, ['web', 'db']);
  const visited: string[] = [];
  await assert.rejects(
    walk(services, async (n) => {
      visited.push(n);
      if (n === 'db') throw new Error('boom');
    }),
    /boom/,
  );
  assert.deepEqual(visited, ['db']);
});
