// The convergence plan of a service: keep, recreate, scale up and down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerSummary } from '../../../src/api-types/containers.js';
import { planService } from '../../../src/compose/plan.js';

const c = (n: number, hash = 'h1', state = 'running'): ContainerSummary => ({
  Id: `id${n}${hash}`,
  Names: [`/p-web-${n}`],
  Image: 'busybox',
  Created: n,
  State: state,
  Labels: { 'com.docker.compose.container-number': String(n), 'com.docker.compose.config-hash': hash },
});

test('nothing changed: every container kept, nothing created', () => {
  const p = planService({ hash: 'h1', scale: 2 }, [c(1), c(2)]);
  assert.deepEqual(p.keep.map((x) => x.Id), ['id1h1', 'id2h1']);
  assert.deepEqual([p.recreate, p.remove, p.create], [[], [], []]);
});

test('a changed hash recreates; force recreates all; never keeps all', () => {
  assert.deepEqual(planService({ hash: 'h2', scale: 1 }, [c(1)]).recreate.map((x) => x.Id), ['id1h1']);
  assert.equal(planService({ hash: 'h1', scale: 1 }, [c(1)], 'force').recreate.length, 1);
  assert.equal(planService({ hash: 'h2', scale: 1 }, [c(1)], 'never').keep.length, 1);
});

test('scale down removes the highest numbers first, obsolete ones before up-to-date ones', () => {
  const p = planService({ hash: 'h1', scale: 2 }, [c(1), c(3), c(2), c(4)]);
  assert.deepEqual(p.remove.map((x) => x.Id), ['id4h1', 'id3h1']);
  assert.deepEqual(p.keep.map((x) => x.Id), ['id1h1', 'id2h1']);
  const q = planService({ hash: 'h1', scale: 1 }, [c(1, 'old'), c(2)]);
  assert.deepEqual(q.remove.map((x) => x.Id), ['id1old']);
  assert.deepEqual(q.keep.map((x) => x.Id), ['id2h1']);
});

test('scale up takes the numbers after the highest in use', () => {
  assert.deepEqual(planService({ hash: 'h1', scale: 3 }, [c(2)]).create, [3, 4]);
  assert.deepEqual(planService({ hash: 'h1', scale: 2 }, []).create, [1, 2]);
});

test('a running container missing a network or a named volume is recreated; image change too', () => {
  const x = { ...c(1), NetworkSettings: { Networks: { p_default: { NetworkID: 'n1' } } }, Mounts: [] };
  assert.equal(planService({ hash: 'h1', scale: 1, networks: { default: 'n1' } }, [x]).keep.length, 1);
  assert.equal(planService({ hash: 'h1', scale: 1, networks: { default: 'n2' } }, [x]).recreate.length, 1);
  assert.equal(planService({ hash: 'h1', scale: 1, volumes: ['p_data'] }, [x]).recreate.length, 1);
  assert.equal(planService({ hash: 'h1', scale: 1, imageDigest: 'sha256:1' }, [x]).recreate.length, 1);
});
