// What compose prints: plain progress lines, log prefixes, names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogPrinter } from '../../../src/compose/log-printer.js';
import { lineSink } from '../../../src/compose/progress.js';
import { canonicalName, containerName, oneOffContainerName, projectFilters, serviceImage, shortName } from '../../../src/compose/naming.js';
import { parsePublish } from '../../../src/cli/commands/compose/run.js';

test('progress lines as compose plain output prints them, with marks on a terminal', () => {
  let out = '';
  lineSink((t) => (out += t))({ id: 'Container p-web-1', status: 'done', text: 'Started' });
  lineSink((t) => (out += t), true)({ id: 'Container p-web-1', status: 'done', text: 'Started' });
  assert.equal(out, ' Container p-web-1  Started\n ✔ Container p-web-1  Started\n');
});

test('log prefixes padded to the longest name plus one, coloured per container on request', () => {
  let out = '';
  const p = new LogPrinter((t) => (out += t), (t) => (out += t), { color: false, prefix: true });
  p.register('web-1');
  p.register('worker-1');
  p.line('web-1', 'hello');
  p.status('web-1', 'exited with code 0');
  assert.equal(out, 'web-1     | hello\nweb-1 exited with code 0\n');
  let colored = '';
  new LogPrinter((t) => (colored += t), () => undefined, { color: true, prefix: true }).line('db-1', 'x');
  assert.equal(colored, '\x1b[36mdb-1  | \x1b[0mx\n');
});

test('names: containers, one-offs, images, short names, list filters', () => {
  assert.equal(containerName('p', 'web', {}, 2), 'p-web-2');
  assert.equal(containerName('p', 'web', { container_name: 'mine' }, 1), 'mine');
  assert.equal(oneOffContainerName('p', 'web', 'abcdef0123456789'), 'p-web-run-abcdef012345');
  assert.equal(serviceImage('p', 'web', {}), 'p-web');
  assert.equal(shortName('p', { Id: 'x', Names: ['/p-web-1'] }), 'web-1');
  assert.equal(canonicalName({ Id: 'x', Names: ['/other/alias', '/p-db-1'] }), 'p-db-1');
  assert.deepEqual(projectFilters('p'), { label: ['com.docker.compose.project=p', 'com.docker.compose.oneoff=False'] });
  assert.deepEqual(parsePublish('127.0.0.1:8080:80/udp'), { target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'udp', mode: 'ingress' });
});
