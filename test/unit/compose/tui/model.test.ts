// The live view's reducer: state from inspect snapshots, events, stats, logs and up's progress;
// drift against the file's config hash; "waiting on X" from depends_on; selection and log filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerInspect, ContainerStats } from '../../../../src/api-types/containers.js';
import type { EventMessage } from '../../../../src/api-types/system.js';
import {
  HISTORY,
  drifted,
  initialState,
  reduce,
  selectedReplica,
  snapshotOf,
  visibleLogs,
  waitingOn,
  type Action,
  type ServiceInfo,
  type Snapshot,
  type ViewState,
} from '../../../../src/compose/tui/model.js';

const services: ServiceInfo[] = [
  { name: 'db', hash: 'hdb', dependsOn: [] },
  { name: 'web', hash: 'hweb', dependsOn: [{ service: 'db', condition: 'service_healthy' }] },
  { name: 'migrate', hash: 'hm', dependsOn: [] },
];

const snap = (service: string, number: number, extra: Partial<Snapshot> = {}): Snapshot => ({
  id: `${service}${number}`,
  container: `p-${service}-${number}`,
  service,
  number,
  state: 'running',
  restartCount: 0,
  ports: '',
  configHash: `h${service}`,
  ...extra,
});

const run = (state: ViewState, ...actions: Action[]): ViewState => actions.reduce(reduce, state);
const event = (id: string, Action: string, Attributes: Record<string, string> = {}): Action => ({
  kind: 'event',
  event: { Type: 'container', Action, Actor: { ID: id, Attributes }, time: 0 } as EventMessage,
});
const start = (mode: 'up' | 'top' = 'up') => initialState('p', mode, services);

test('snapshots make replicas ordered by the file, then number; a new snapshot replaces', () => {
  let s = run(start(), { kind: 'snapshot', snapshot: snap('web', 2) }, { kind: 'snapshot', snapshot: snap('web', 1) }, { kind: 'snapshot', snapshot: snap('db', 1) });
  assert.deepEqual(s.replicas.map((r) => r.id), ['db1', 'web1', 'web2']);
  s = reduce(s, { kind: 'snapshot', snapshot: snap('web', 1, { state: 'exited', exitCode: 3 }) });
  assert.equal(s.replicas.length, 3);
  assert.deepEqual([s.replicas[1].state, s.replicas[1].exitCode], ['exited', 3]);
});

test('events: die with its exit code, start, health, restart counted, destroy removes', () => {
  let s = run(start(), { kind: 'snapshot', snapshot: snap('db', 1, { restartCount: 2 }) });
  s = run(s, event('db1', 'die', { exitCode: '137' }));
  assert.deepEqual([s.replicas[0].state, s.replicas[0].exitCode], ['exited', 137]);
  s = run(s, event('db1', 'start'), event('db1', 'health_status: healthy'), event('db1', 'restart'), event('db1', 'restart'));
  assert.deepEqual([s.replicas[0].state, s.replicas[0].exitCode, s.replicas[0].health], ['running', undefined, 'healthy']);
  assert.equal(s.replicas[0].policyRestarts + s.replicas[0].manualRestarts, 4);
  // A new inspect resets the policy count (a manual restart does) but keeps the restarts seen.
  s = reduce(s, { kind: 'snapshot', snapshot: snap('db', 1) });
  assert.equal(s.replicas[0].manualRestarts, 2);
  s = run(s, event('db1', 'destroy'));
  assert.equal(s.replicas.length, 0);
  assert.equal(run(s, event('other', 'start')), s, 'events of unknown containers change nothing');
});

const stats = (total: number, pre: number, mem: number): ContainerStats => ({
  cpu_stats: { cpu_usage: { total_usage: total }, system_cpu_usage: 2000, online_cpus: 2 },
  precpu_stats: { cpu_usage: { total_usage: pre }, system_cpu_usage: 1000 },
  memory_stats: { usage: mem, stats: { inactive_file: 100 } },
});

test('stats: CPU % and memory (without the page cache) kept as a bounded history', () => {
  let s = run(start(), { kind: 'snapshot', snapshot: snap('db', 1) }, { kind: 'stats', id: 'db1', stats: stats(600, 100, 1100) });
  assert.deepEqual(s.replicas[0].cpu, [100]); // 500/1000 of the system over 2 CPUs
  assert.deepEqual(s.replicas[0].mem, [1000]);
  for (let i = 0; i < HISTORY + 5; i++) s = reduce(s, { kind: 'stats', id: 'db1', stats: stats(600, 100, 1100 + i) });
  assert.equal(s.replicas[0].mem.length, HISTORY);
  assert.equal(s.replicas[0].mem[HISTORY - 1], 1000 + HISTORY + 4);
  const empty = reduce(s, { kind: 'stats', id: 'db1', stats: {} });
  assert.equal(empty, s, 'an empty sample (a stopped container) is dropped');
});

test('drift: a container whose config-hash label differs from the file is marked', () => {
  const s = run(start(), { kind: 'snapshot', snapshot: snap('db', 1) }, { kind: 'snapshot', snapshot: snap('web', 1, { configHash: 'old' }) });
  assert.equal(drifted(s, s.replicas[0]), false);
  assert.equal(drifted(s, s.replicas[1]), true);
  const noFile = run(initialState('p', 'top', []), { kind: 'snapshot', snapshot: snap('web', 1, { configHash: 'old' }) });
  assert.equal(drifted(noFile, noFile.replicas[0]), false, 'without a file nothing is drift');
});

test('waiting on: a created replica names the dependencies whose condition does not hold yet', () => {
  let s = run(start(), { kind: 'snapshot', snapshot: snap('db', 1, { health: 'starting' }) }, { kind: 'snapshot', snapshot: snap('web', 1, { state: 'created' }) });
  const web = () => s.replicas.find((r) => r.service === 'web')!;
  assert.deepEqual(waitingOn(s, web()), ['db (healthy)']);
  s = run(s, event('db1', 'health_status: healthy'));
  assert.deepEqual(waitingOn(s, web()), []);
  s = run(s, event('db1', 'health_status: unhealthy'), { kind: 'progress', event: { id: 'Container p-web-1', status: 'working', text: 'Waiting' } });
  assert.deepEqual(waitingOn(s, web()), ['db (healthy)']);
  assert.equal(s.phases['p-web-1'], 'Waiting');
  assert.deepEqual(waitingOn({ ...s, mode: 'top' }, web()), [], 'only up waits');
});

test('progress of other objects goes to the status line', () => {
  const s = reduce(start(), { kind: 'progress', event: { id: 'Image busybox', status: 'working', text: 'Pulling' } });
  assert.equal(s.status, 'Image busybox  Pulling');
});

test('selection: by position until moved, then on its replica; clamped; the filter cycles through the services', () => {
  const early = run(start(), { kind: 'snapshot', snapshot: snap('web', 1) }, { kind: 'snapshot', snapshot: snap('db', 1) });
  assert.equal(selectedReplica(early)?.id, 'db1', 'before any move the first row is selected');
  let s = run(start(), { kind: 'snapshot', snapshot: snap('web', 1) }, { kind: 'select', delta: 5 });
  assert.equal(selectedReplica(s)?.id, 'web1');
  s = reduce(s, { kind: 'snapshot', snapshot: snap('db', 1) });
  assert.equal(selectedReplica(s)?.id, 'web1', 'a replica sorted in before keeps the selection on web-1');
  s = run(s, { kind: 'select', delta: -9 });
  assert.equal(selectedReplica(s)?.id, 'db1');
  s = run(s, event('db1', 'destroy'), event('web1', 'destroy'));
  assert.equal(s.selected, 0);
  const filters: (string | undefined)[] = [];
  for (let i = 0; i < 4; i++) filters.push((s = reduce(s, { kind: 'cycleFilter' })).filter);
  assert.deepEqual(filters, ['db', 'web', 'migrate', undefined]);
});

test('logs: bounded, filtered by service, berth lines always shown', () => {
  let s = start();
  s = run(
    s,
    { kind: 'log', line: { name: 'web-1', service: 'web', text: 'GET /', stream: 'stdout' } },
    { kind: 'log', line: { name: 'db-1', service: 'db', text: 'ready', stream: 'stdout' } },
    { kind: 'log', line: { name: '', service: '', text: 'WARN x', stream: 'status' } },
    { kind: 'filter', service: 'web' },
  );
  assert.deepEqual(visibleLogs(s).map((l) => l.text), ['GET /', 'WARN x']);
  for (let i = 0; i < 600; i++) s = reduce(s, { kind: 'log', line: { name: 'web-1', service: 'web', text: `l${i}`, stream: 'stdout' } });
  assert.equal(s.logs.length, 500);
  assert.equal(s.logs[499].text, 'l599');
});

test('snapshotOf reads inspect: name, labels, state, health, restarts, ports', () => {
  const c = {
    Id: 'abc',
    Name: '/p-web-2',
    State: { Status: 'running', ExitCode: 0, Health: { Status: 'healthy' } },
    RestartCount: 3,
    Config: { Labels: { 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '2', 'com.docker.compose.config-hash': 'h' } },
    NetworkSettings: { Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }], '443/tcp': null } },
  } as unknown as ContainerInspect;
  assert.deepEqual(snapshotOf(c), {
    id: 'abc',
    container: 'p-web-2',
    service: 'web',
    number: 2,
    state: 'running',
    exitCode: 0,
    health: 'healthy',
    restartCount: 3,
    ports: '443/tcp, 0.0.0.0:8080->80/tcp',
    configHash: 'h',
  });
});
