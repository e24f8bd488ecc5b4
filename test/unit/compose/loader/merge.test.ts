// Merge rules of the Compose Specification (compose-go's override package) and short syntaxes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyResets, enforceUnicity, mergeYaml } from '../../../../src/compose/loader/merge.js';
import { parsePortSpecs } from '../../../../src/compose/loader/ports.js';
import { parseVolumeSpec } from '../../../../src/compose/loader/volume-spec.js';

const merge = (a: unknown, b: unknown) => enforceUnicity(mergeYaml(a, b));

test('scalars are replaced, mappings merged, command replaced as a whole', () => {
  const out = merge({ services: { web: { image: 'a', command: ['x', 'y'], deploy: { replicas: 1, mode: 'replicated' } } } }, { services: { web: { image: 'b', command: 'z', deploy: { replicas: 2 } } } });
  assert.deepEqual(out, { services: { web: { image: 'b', command: 'z', deploy: { replicas: 2, mode: 'replicated' } } } });
});

test('environment and labels merge by key whatever their syntax', () => {
  const out = merge({ services: { web: { environment: { A: '1', B: '2' }, labels: ['x=1'] } } }, { services: { web: { environment: ['B=3', 'C'], labels: { y: '2' } } } }) as {
    services: { web: { environment: string[]; labels: string[] } };
  };
  assert.deepEqual(out.services.web.environment, ['A=1', 'B=3', 'C']);
  assert.deepEqual(out.services.web.labels, ['x=1', 'y=2']);
});

test('ports, volumes and secrets keep one entry per key; the later entry takes the earlier place', () => {
  const out = merge(
    { services: { web: { ports: ['8080:80', '9000:90'], volumes: ['va:/data', './x:/x'], secrets: ['s1', { source: 's2', target: 'two' }] } } },
    { services: { web: { ports: ['8080:80', '7000:70'], volumes: ['vb:/data'], secrets: [{ source: 's1', target: '/run/secrets/s1', mode: 0o400 }] } } },
  ) as { services: { web: Record<string, unknown[]> } };
  assert.deepEqual(out.services.web.ports, ['8080:80', '9000:90', '7000:70']);
  assert.deepEqual(out.services.web.volumes, ['vb:/data', './x:/x']);
  assert.deepEqual(out.services.web.secrets, [{ source: 's1', target: '/run/secrets/s1', mode: 0o400 }, { source: 's2', target: 'two' }]);
});

test('depends_on and networks merge as mappings from either syntax; logging is replaced when the driver changes', () => {
  const out = merge(
    { services: { web: { depends_on: ['db'], networks: ['front'], logging: { driver: 'json-file', options: { a: '1' } } } } },
    { services: { web: { depends_on: { cache: { condition: 'service_healthy' } }, networks: { back: { aliases: ['w'] } }, logging: { driver: 'local' } } } },
  ) as { services: { web: Record<string, unknown> } };
  assert.deepEqual(out.services.web.depends_on, { db: { condition: 'service_started', required: true }, cache: { condition: 'service_healthy' } });
  assert.deepEqual(out.services.web.networks, { front: null, back: { aliases: ['w'] } });
  assert.deepEqual(out.services.web.logging, { driver: 'local' });
});

test('!reset / !override paths drop what earlier files said', () => {
  const base = { services: { web: { ports: ['80:80'], environment: ['A=1'], image: 'x' } } };
  applyResets(base, [['services', 'web', 'ports'], ['services', 'web', 'environment']]);
  assert.deepEqual(base, { services: { web: { image: 'x' } } });
});

test('port short syntax to long, one entry per port', () => {
  assert.deepEqual(parsePortSpecs('80'), [{ mode: 'ingress', target: 80, protocol: 'tcp' }]);
  assert.deepEqual(parsePortSpecs('8080:80/udp'), [{ mode: 'ingress', target: 80, published: '8080', protocol: 'udp' }]);
  assert.deepEqual(parsePortSpecs('127.0.0.1:8080-8081:80-81'), [
    { mode: 'ingress', host_ip: '127.0.0.1', target: 80, published: '8080', protocol: 'tcp' },
    { mode: 'ingress', host_ip: '127.0.0.1', target: 81, published: '8081', protocol: 'tcp' },
  ]);
  assert.deepEqual(parsePortSpecs('8000-8010:80'), [{ mode: 'ingress', target: 80, published: '8000-8010', protocol: 'tcp' }]);
  assert.deepEqual(parsePortSpecs('[::1]:53:53/udp'), [{ mode: 'ingress', host_ip: '::1', target: 53, published: '53', protocol: 'udp' }]);
  assert.deepEqual(parsePortSpecs('127.0.0.1::5000'), [{ mode: 'ingress', host_ip: '127.0.0.1', target: 5000, protocol: 'tcp' }]);
  assert.throws(() => parsePortSpecs('8080:80-81'), { message: 'invalid ranges specified for container and host Ports: 80-81 and 8080' });
  assert.throws(() => parsePortSpecs('80/xtp'), { message: 'invalid proto: xtp' });
});

test('volume short syntax to long', () => {
  assert.deepEqual(parseVolumeSpec('./data:/data:ro'), { type: 'bind', source: './data', target: '/data', read_only: true, bind: { create_host_path: true } });
  assert.deepEqual(parseVolumeSpec('~/x:/x:rw,z'), { type: 'bind', source: '~/x', target: '/x', bind: { selinux: 'z', create_host_path: true } });
  assert.deepEqual(parseVolumeSpec('db:/var/lib/db:nocopy'), { type: 'volume', source: 'db', target: '/var/lib/db', volume: { nocopy: true } });
  assert.deepEqual(parseVolumeSpec('/anon'), { type: 'volume', target: '/anon', volume: {} });
  assert.deepEqual(parseVolumeSpec('/host:/ctr:rshared'), { type: 'bind', source: '/host', target: '/ctr', bind: { propagation: 'rshared', create_host_path: true } });
  assert.deepEqual(parseVolumeSpec('${SRC:-./a}:/a'), { type: 'volume', source: '${SRC:-./a}', target: '/a', volume: {} });
  assert.throws(() => parseVolumeSpec('aa:bb:cc:dd'), { message: 'invalid spec: aa:bb:cc:dd: too many colons' });
  assert.throws(() => parseVolumeSpec('aa::bb'), { message: 'invalid spec: aa::bb: empty section between colons' });
  // A one-letter source is a Windows drive, as compose-go reads it.
  assert.deepEqual(parseVolumeSpec('c:/data'), { type: 'volume', target: 'c:/data', volume: {} });
});
