// The "waiting on X" rule shared by the compose live view and the dashboard (src/compose/waiting.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dependenciesOf, waitingOn, type ReplicaState } from '../../../src/compose/waiting.js';

test('dependenciesOf: each service\'s depends_on, condition defaulting to service_started', () => {
  const deps = dependenciesOf({ services: { web: {}, worker: { depends_on: { web: { condition: 'service_healthy' }, init: {} } } } } as never);
  assert.deepEqual(deps, { web: [], worker: [{ service: 'web', condition: 'service_healthy' }, { service: 'init', condition: 'service_started' }] });
});

test('waitingOn: each condition, judged from the dependency\'s replicas', () => {
  const worker: ReplicaState = { service: 'worker', state: 'created' };
  const deps = [
    { service: 'web', condition: 'service_healthy' },
    { service: 'init', condition: 'service_completed_successfully' },
    { service: 'cache', condition: 'service_started' },
  ];
  const starting: ReplicaState[] = [
    { service: 'web', state: 'running', health: 'starting' },
    { service: 'init', state: 'running' },
    { service: 'cache', state: 'created' },
  ];
  assert.deepEqual(waitingOn(worker, deps, starting), ['web (healthy)', 'init (completed)', 'cache']);
  const ready: ReplicaState[] = [
    { service: 'web', state: 'running', health: 'healthy' },
    { service: 'init', state: 'exited', exitCode: 0 },
    { service: 'cache', state: 'running' },
  ];
  assert.deepEqual(waitingOn(worker, deps, ready), []);
  assert.deepEqual(waitingOn(worker, deps, [...ready.slice(0, 1), { service: 'init', state: 'exited', exitCode: 1 }, ready[2]]), ['init (completed)']);
  assert.deepEqual(waitingOn({ ...worker, state: 'running' }, deps, starting), [], 'a started container waits on nothing');
  assert.deepEqual(waitingOn(worker, [{ service: 'web', condition: 'service_healthy' }], [{ service: 'web', state: 'running' }]), [], 'no healthcheck: running is enough');
});
