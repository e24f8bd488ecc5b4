// The config hash: Go's json.Marshal layout of compose-go's ServiceConfig, as compose hashes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { goString, networkHash, serviceHash, serviceHashInput, volumeHash } from '../../../src/compose/hash.js';
import type { ServiceConfig } from '../../../src/compose/model.js';

const svc = (extra: Partial<ServiceConfig> = {}): ServiceConfig => ({ command: null, entrypoint: null, ...extra });

test('fields in compose-go order, command/entrypoint always, deploy resources/placement always', () => {
  const input = serviceHashInput(svc({ image: 'bar', scale: 2, deploy: { replicas: 2, resources: {}, placement: {} } }));
  assert.equal(input, '{"command":null,"deploy":{"resources":{},"placement":{}},"entrypoint":null,"image":"bar"}');
});

test('scale, replicas, build, pull_policy, depends_on, profiles and env_file do not change the hash', () => {
  const base = serviceHash(svc({ image: 'busybox' }));
  assert.equal(
    serviceHash(
      svc({
        image: 'busybox',
        scale: 3,
        build: { context: '/x' },
        pull_policy: 'always',
        profiles: ['a'],
        depends_on: { db: { condition: 'service_started', required: true } },
        env_file: [{ path: '/p/.env' }],
      }),
    ),
    base,
  );
  assert.notEqual(serviceHash(svc({ image: 'busybox', command: ['true'] })), base);
  assert.equal(base, createHash('sha256').update('{"command":null,"entrypoint":null,"image":"busybox"}').digest('hex'));
});

test('maps sorted by key, lists kept in order, x- extensions left out, nested structs ordered', () => {
  const input = serviceHashInput(
    svc({
      image: 'x',
      environment: { B: '2', A: null },
      labels: { z: '1', a: '2' },
      ports: [{ protocol: 'tcp', target: 80, published: '8080', mode: 'ingress' }],
      volumes: [{ target: '/d', type: 'volume', source: 'data' }],
      networks: { front: null, back: { aliases: ['b'] } },
      healthcheck: { interval: '1s', test: ['CMD', 'true'] },
      'x-custom': 1,
    } as Partial<ServiceConfig>),
  );
  assert.equal(
    input,
    '{"command":null,"entrypoint":null,"environment":{"A":null,"B":"2"},"healthcheck":{"test":["CMD","true"],"interval":"1s"},"image":"x","labels":{"a":"2","z":"1"},' +
      '"networks":{"back":{"aliases":["b"]},"front":null},"ports":[{"mode":"ingress","target":80,"published":"8080","protocol":"tcp"}],' +
      '"volumes":[{"type":"volume","source":"data","target":"/d"}]}',
  );
});

test('strings escaped as Go does; ulimits and env files marshal as compose-go does', () => {
  assert.equal(goString('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
  const input = serviceHashInput(svc({ ulimits: { nproc: 65535, nofile: { soft: 1, hard: 2 } }, command: ['sh', '-c', 'a && b'] }));
  assert.equal(input, '{"command":["sh","-c","a \\u0026\\u0026 b"],"entrypoint":null,"ulimits":{"nofile":{"soft":1,"hard":2},"nproc":65535}}');
});

test('network and volume hashes: ipam always present, volume driver defaults to local', () => {
  assert.equal(networkHash({ name: 'p_default', ipam: {} }), createHash('sha256').update('{"name":"p_default","ipam":{}}').digest('hex'));
  assert.equal(volumeHash({ name: 'p_data' }), createHash('sha256').update('{"name":"p_data","driver":"local"}').digest('hex'));
});
