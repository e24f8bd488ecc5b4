// Docker's list / prune filters end to end, through the docker CLI and raw Engine API calls:
// label filters AND'ed, own-property label checks, prune's `until` as a Go duration, and an
// unknown filter key refused with dockerd's 400 on every list and prune endpoint.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { fails, ok } from '../support/assert.js';

describe('filters', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'filters' });
  });
  after(() => d?.cleanup());

  const names = async (args: string[]) => ok(await d.docker(['ps', '-a', ...args, '--format', '{{.Names}}'])).split('\n').filter(Boolean).sort();

  describe('container labels', () => {
    before(async () => {
      const create = (name: string, project: string, service: string) =>
        d.docker(['create', '--name', name, '--label', `com.docker.compose.project=${project}`, '--label', `com.docker.compose.service=${service}`, 'busybox', 'true']);
      ok(await create('x-web', 'x', 'web'));
      ok(await create('x-db', 'x', 'db'));
      ok(await create('y-web', 'y', 'web'));
    });
    after(async () => {
      await d.docker(['rm', '-f', 'x-web', 'x-db', 'y-web']);
    });

    it('two label filters must both hold (compose finds a service by project and service)', async () => {
      assert.deepEqual(await names(['--filter', 'label=com.docker.compose.project=x', '--filter', 'label=com.docker.compose.service=web']), ['x-web']);
      assert.deepEqual(await names(['--filter', 'label=com.docker.compose.project=x']), ['x-db', 'x-web']);
      assert.deepEqual(await names(['--filter', 'label=com.docker.compose.service=web', '--filter', 'label=com.docker.compose.project']), ['x-web', 'y-web']);
    });

    it('label=constructor matches no container (labels are own properties, not the prototype)', async () => {
      assert.deepEqual(await names(['--filter', 'label=constructor']), []);
      assert.deepEqual(await names(['--filter', 'label=toString']), []);
      assert.deepEqual(await names(['--filter', 'label=__proto__']), []);
    });

    it('container prune takes label and label! together, and refuses other keys', async () => {
      const r = ok(await d.docker(['container', 'prune', '-f', '--filter', 'label=com.docker.compose.project=y', '--filter', 'label!=com.docker.compose.service=db']));
      assert.match(r, /y-web|[0-9a-f]{64}/);
      assert.deepEqual(await names(['--filter', 'label=com.docker.compose.project']), ['x-db', 'x-web']);
      fails(await d.docker(['container', 'prune', '-f', '--filter', 'foo=bar']), "invalid filter 'foo'");
    });
  });

  describe('network prune until', () => {
    after(async () => {
      await d.docker(['network', 'rm', 'fresh-net']);
    });

    it('until=1h30m keeps a network created just now; without it the network goes', async () => {
      ok(await d.docker(['network', 'create', 'fresh-net']));
      ok(await d.docker(['network', 'prune', '-f', '--filter', 'until=1h30m']));
      assert.equal(ok(await d.docker(['network', 'ls', '--filter', 'name=^fresh-net$', '--format', '{{.Name}}'])), 'fresh-net');
      fails(await d.docker(['network', 'prune', '-f', '--filter', 'until=soon']), /failed to parse value as time or duration/);
      assert.equal(ok(await d.docker(['network', 'ls', '--filter', 'name=^fresh-net$', '--format', '{{.Name}}'])), 'fresh-net');
      // A time in the future: everything unused was created before it.
      const later = new Date(Date.now() + 3_600_000).toISOString();
      ok(await d.docker(['network', 'prune', '-f', '--filter', `until=${later}`]));
      assert.equal(ok(await d.docker(['network', 'ls', '--filter', 'name=^fresh-net$', '--format', '{{.Name}}'])), '');
    });
  });

  describe('unknown filter keys', () => {
    const bogus = encodeURIComponent(JSON.stringify({ bogus: { x: true } }));
    const endpoints: Array<[string, string]> = [
      ['GET', '/containers/json'],
      ['POST', '/containers/prune'],
      ['GET', '/images/json'],
      ['POST', '/images/prune'],
      ['GET', '/volumes'],
      ['POST', '/volumes/prune'],
      ['GET', '/networks'],
      ['POST', '/networks/prune'],
    ];
    for (const [method, p] of endpoints) {
      it(`${method} ${p} answers 400 "invalid filter 'bogus'"`, async () => {
        const r = await d.api(method, `${p}?filters=${bogus}`);
        assert.equal(r.status, 400, `${method} ${p}: ${r.status} ${r.text}`);
        assert.equal(r.json?.message, "invalid filter 'bogus'");
      });
    }

    it('POST /build/prune, as dockerd (it hands BuildKit only the keys it knows), passes other keys', async () => {
      const r = await d.api('POST', `/build/prune?filters=${bogus}`);
      assert.equal(r.status, 200, r.text);
    });

    it('a filters value that is not JSON is "invalid filter" on every endpoint', async () => {
      for (const [method, p] of [...endpoints, ['POST', '/build/prune'] as [string, string]]) {
        const r = await d.api(method, `${p}?filters=${encodeURIComponent('{nope')}`);
        assert.equal(r.status, 400, `${method} ${p}: ${r.status} ${r.text}`);
        assert.equal(r.json?.message, 'invalid filter');
      }
    });

    it('events, as dockerd, passes keys it does not know and refuses bad JSON and bad times', async () => {
      const past = `since=1&until=2`;
      assert.equal((await d.api('GET', `/events?${past}&filters=${bogus}`)).status, 200);
      assert.equal((await d.api('GET', `/events?${past}&filters=${encodeURIComponent('{nope')}`)).status, 400);
      assert.equal((await d.api('GET', `/events?since=yesterday&until=2`)).status, 400);
      assert.equal((await d.api('GET', `/events?since=5&until=2`)).status, 400);
    });

    it('the docker CLI shows the message', async () => {
      fails(await d.docker(['ps', '--filter', 'bogus=1']), "invalid filter 'bogus'");
      fails(await d.docker(['network', 'prune', '-f', '--filter', 'bogus=1']), "invalid filter 'bogus'");
    });

    it('dangling takes true/false/1/0, anything else is a 400', async () => {
      // (not through `docker image prune`: the CLI adds dangling=true itself, which wins.)
      const q = (v: string[]) => encodeURIComponent(JSON.stringify({ dangling: Object.fromEntries(v.map((x) => [x, true])) }));
      for (const p of ['/images/prune', '/images/json']) {
        const bad = await d.api(p === '/images/json' ? 'GET' : 'POST', `${p}?filters=${q(['maybe'])}`);
        assert.equal(bad.status, 400, bad.text);
        assert.equal(bad.json?.message, "invalid filter 'dangling=maybe'");
      }
      assert.equal((await d.api('GET', `/images/json?filters=${q(['1'])}`)).status, 200);
      assert.equal((await d.api('GET', `/volumes?filters=${q(['0'])}`)).status, 200);
      assert.equal((await d.api('GET', `/volumes?filters=${q(['yes'])}`)).status, 400);
    });
  });
});
