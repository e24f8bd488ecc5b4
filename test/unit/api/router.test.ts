import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Router, type Handler } from '../../../src/api/router.js';

const named = (name: string): Handler => Object.assign(() => undefined, { routeName: name });
const nameOf = (m: ReturnType<Router['match']>) => (m && typeof m === 'object' ? (m.handler as unknown as { routeName: string }).routeName : m);

test('routes match by method and path, in the order they were added, whatever the first segment', () => {
  const r = new Router()
    .get('/_ping', named('ping'))
    .get('/containers/json', named('ps'))
    .post('/containers/:id/start', named('start'))
    .get('/images/:name*/json', named('image-inspect'))
    .get('/:any/json', named('any-json'))
    .get('/', named('root'));
  assert.equal(nameOf(r.match('GET', '/_ping')), 'ping');
  assert.equal(nameOf(r.match('HEAD', '/_ping')), 'ping');
  assert.equal(nameOf(r.match('GET', '/containers/json')), 'ps');
  const start = r.match('POST', '/containers/abc/start');
  assert.ok(start && typeof start === 'object');
  assert.deepEqual(start.params, { id: 'abc' });
  const img = r.match('GET', '/images/docker.io/library/busybox:latest/json');
  assert.ok(img && typeof img === 'object');
  assert.deepEqual(img.params, { name: 'docker.io/library/busybox:latest' });
  // A parameter first part competes with the literal ones, in order.
  assert.equal(nameOf(r.match('GET', '/volumes/json')), 'any-json');
  assert.equal(nameOf(r.match('GET', '/nosuch/json')), 'any-json');
  assert.equal(nameOf(r.match('GET', '/')), 'root');
  assert.equal(r.match('DELETE', '/containers/json'), 'method');
  assert.equal(r.match('GET', '/nosuch/path/at/all'), undefined);
  // Routes added later are seen.
  r.get('/volumes/json', named('volumes'));
  assert.equal(nameOf(r.match('GET', '/volumes/json')), 'any-json');
  r.get('/late/thing', named('late'));
  assert.equal(nameOf(r.match('GET', '/late/thing')), 'late');
});
