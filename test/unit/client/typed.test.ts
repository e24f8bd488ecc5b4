// The typed client's methods against a recording transport: each must send the method, path,
// query, body and headers the Engine API (and the docker CLI before us) uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineClient } from '../../../src/client/client.js';
import { encodeQuery, type ApiTransport, type Hijacked, type HttpResponse, type RequestOptions } from '../../../src/client/transport.js';

interface Sent {
  kind: 'request' | 'json' | 'call' | 'jsonStream' | 'hijack';
  /** "METHOD /path?query" as it goes on the wire. */
  line: string;
  body?: unknown;
  rawBody?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Records every request; answers with `answer` (JSON calls) or an empty stream. */
class RecordingTransport implements ApiTransport {
  sent: Sent[] = [];
  answer: unknown = undefined;

  private record(kind: Sent['kind'], method: string, path: string, opts: RequestOptions = {}): void {
    const s: Sent = { kind, line: `${method} ${path}${encodeQuery(opts.query)}` };
    if (opts.body !== undefined) s.body = opts.body;
    if (opts.rawBody !== undefined) s.rawBody = opts.rawBody;
    if (opts.contentType !== undefined) s.contentType = opts.contentType;
    if (opts.headers !== undefined) s.headers = opts.headers;
    this.sent.push(s);
  }
  request(method: string, path: string, opts?: RequestOptions): Promise<HttpResponse> {
    this.record('request', method, path, opts);
    return Promise.resolve(fakeResponse(this.answer));
  }
  json<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
    this.record('json', method, path, opts);
    return Promise.resolve(this.answer as T);
  }
  call(method: string, path: string, opts?: RequestOptions): Promise<void> {
    this.record('call', method, path, opts);
    return Promise.resolve();
  }
  async *jsonStream<T>(method: string, path: string, opts?: RequestOptions): AsyncGenerator<T> {
    this.record('jsonStream', method, path, opts);
    yield* [] as T[];
  }
  hijack(method: string, path: string, opts?: RequestOptions): Promise<Hijacked> {
    this.record('hijack', method, path, opts);
    return Promise.resolve({} as Hijacked);
  }
  close(): void {}
  /** The one request sent since the last take. */
  take(): Sent {
    assert.equal(this.sent.length, 1, `expected one request, got ${JSON.stringify(this.sent)}`);
    return this.sent.pop()!;
  }
}

/** A response whose body is `answer` as JSON text, with a path-stat header. */
function fakeResponse(answer: unknown): HttpResponse {
  const text = answer === undefined ? '' : typeof answer === 'string' ? answer : JSON.stringify(answer);
  const stat = Buffer.from(JSON.stringify({ name: 'f', size: 3, mode: 420, mtime: '2020-01-01T00:00:00Z', linkTarget: '' })).toString('base64');
  return Object.assign(
    (async function* () {
      if (text) yield Buffer.from(text);
    })(),
    { headers: { 'x-docker-container-path-stat': stat }, statusCode: 200, resume() {} },
  ) as unknown as HttpResponse;
}

function setup(): { t: RecordingTransport; c: EngineClient } {
  const t = new RecordingTransport();
  return { t, c: new EngineClient(t) };
}

const drain = async (it: AsyncIterable<unknown>) => {
  for await (const _ of it);
};

test('containers: lifecycle verbs', async () => {
  const { t, c } = setup();
  await c.containers.start('web');
  assert.deepEqual(t.take(), { kind: 'call', line: 'POST /containers/web/start' });
  await c.containers.stop('web', { timeout: 3, signal: 'SIGINT' });
  assert.deepEqual(t.take(), { kind: 'call', line: 'POST /containers/web/stop?signal=SIGINT&t=3' });
  await c.containers.stop('web', { timeout: 0 });
  assert.equal(t.take().line, 'POST /containers/web/stop?t=0', 'a zero timeout is sent, not dropped');
  await c.containers.stop('web');
  assert.equal(t.take().line, 'POST /containers/web/stop');
  await c.containers.restart('a/b', { timeout: 1 });
  assert.equal(t.take().line, 'POST /containers/a%2Fb/restart?t=1', 'names are path-escaped');
  await c.containers.kill('web', { signal: 'HUP' });
  assert.equal(t.take().line, 'POST /containers/web/kill?signal=HUP');
  await c.containers.pause('web');
  assert.equal(t.take().line, 'POST /containers/web/pause');
  await c.containers.unpause('web');
  assert.equal(t.take().line, 'POST /containers/web/unpause');
  await c.containers.remove('web', { force: true, volumes: true });
  assert.equal(t.take().line, 'DELETE /containers/web?force=1&v=1');
  await c.containers.rename('web', 'new name');
  assert.equal(t.take().line, 'POST /containers/web/rename?name=new%20name');
  await c.containers.resize('web', { h: 24, w: 80 });
  assert.equal(t.take().line, 'POST /containers/web/resize?h=24&w=80');
});

test('containers: create, inspect, list with filters, prune', async () => {
  const { t, c } = setup();
  t.answer = { Id: 'abc', Warnings: [] };
  assert.deepEqual(await c.containers.create({ Image: 'busybox', Cmd: ['true'], HostConfig: { AutoRemove: true } }, { name: 'x' }), { Id: 'abc', Warnings: [] });
  assert.deepEqual(t.take(), { kind: 'json', line: 'POST /containers/create?name=x', body: { Image: 'busybox', Cmd: ['true'], HostConfig: { AutoRemove: true } } });
  await c.containers.inspect('x', { size: true });
  assert.equal(t.take().line, 'GET /containers/x/json?size=1');
  await c.containers.list({ all: true, filters: ['label=com.docker.compose.project=p', 'label=com.docker.compose.service=s', 'status=running'] });
  const filters = JSON.stringify({ label: { 'com.docker.compose.project=p': true, 'com.docker.compose.service=s': true }, status: { running: true } });
  assert.equal(t.take().line, `GET /containers/json?all=1&filters=${encodeURIComponent(filters)}`);
  await c.containers.list({ filters: { label: ['a=b'] } });
  assert.equal(t.take().line, `GET /containers/json?filters=${encodeURIComponent('{"label":{"a=b":true}}')}`, 'a record of filters encodes the same way');
  await c.containers.list({ filters: new Map([['name', ['web']]]) });
  assert.equal(t.take().line, `GET /containers/json?filters=${encodeURIComponent('{"name":{"web":true}}')}`);
  await c.containers.list({ filters: [] });
  assert.equal(t.take().line, 'GET /containers/json', 'no filters, no parameter');
  t.answer = { ContainersDeleted: ['a'], SpaceReclaimed: 5 };
  assert.deepEqual(await c.containers.prune({ filters: ['until=1h30m'] }), { ContainersDeleted: ['a'], SpaceReclaimed: 5 });
  assert.equal(t.take().line, `POST /containers/prune?filters=${encodeURIComponent('{"until":{"1h30m":true}}')}`);
});

test('containers: wait, logs, attach, stats, top, changes, update, export, commit', async () => {
  const { t, c } = setup();
  t.answer = { StatusCode: 3 };
  assert.deepEqual(await c.containers.wait('x', { condition: 'removed' }), { StatusCode: 3 });
  assert.equal(t.take().line, 'POST /containers/x/wait?condition=removed');
  const pending = await c.containers.registerWait('x', { condition: 'next-exit' });
  assert.equal(t.take().line, 'POST /containers/x/wait?condition=next-exit');
  assert.deepEqual(await pending.result, { StatusCode: 3 });
  t.answer = undefined;
  await c.containers.logs('x', { stdout: true, stderr: true, follow: true, tail: 'all', since: 12.5, timestamps: false });
  assert.deepEqual(t.take(), { kind: 'request', line: 'GET /containers/x/logs?stderr=1&stdout=1&since=12.5&follow=1&tail=all' });
  await c.containers.attach('x', { stdin: true, stdout: true, stderr: true, stream: true, detachKeys: 'ctrl-a' });
  assert.deepEqual(t.take(), { kind: 'hijack', line: 'POST /containers/x/attach?stderr=1&stdin=1&stdout=1&stream=1&detachKeys=ctrl-a' });
  await c.containers.stats('x');
  assert.equal(t.take().line, 'GET /containers/x/stats?stream=0', 'stream=0 spelled out: without it the daemon streams');
  await drain(c.containers.statsStream('x'));
  assert.deepEqual(t.take(), { kind: 'jsonStream', line: 'GET /containers/x/stats?stream=1' });
  await c.containers.top('x', { psArgs: 'aux' });
  assert.equal(t.take().line, 'GET /containers/x/top?ps_args=aux');
  t.answer = null;
  assert.deepEqual(await c.containers.changes('x'), [], 'a null list is an empty one');
  t.take();
  t.answer = undefined;
  assert.deepEqual(await c.containers.update('x', { Memory: 1024, RestartPolicy: { Name: 'always' } }), {});
  assert.deepEqual(t.take(), { kind: 'json', line: 'POST /containers/x/update', body: { Memory: 1024, RestartPolicy: { Name: 'always' } } });
  await c.containers.export('x');
  assert.deepEqual(t.take(), { kind: 'request', line: 'GET /containers/x/export' });
  await c.containers.commit('x', { repo: 'me/img', tag: 'v1', pause: false, changes: ['CMD ["sh"]'] });
  assert.deepEqual(t.take(), { kind: 'json', line: `POST /commit?container=x&repo=me%2Fimg&tag=v1&pause=0&changes=${encodeURIComponent('CMD ["sh"]')}`, body: {} });
  await c.containers.commit('x', { pause: true, changes: [] });
  assert.equal(t.take().line, 'POST /commit?container=x&pause=1');
});

test('containers: archive get, put and head', async () => {
  const { t, c } = setup();
  assert.deepEqual(await c.containers.statPath('x', '/etc/hosts'), { name: 'f', size: 3, mode: 420, mtime: '2020-01-01T00:00:00Z', linkTarget: '' });
  assert.equal(t.take().line, 'HEAD /containers/x/archive?path=%2Fetc%2Fhosts');
  const { stat } = await c.containers.getArchive('x', '/etc');
  assert.equal(stat?.name, 'f');
  assert.equal(t.take().line, 'GET /containers/x/archive?path=%2Fetc');
  const tar = Buffer.from('tar');
  await c.containers.putArchive('x', '/tmp', tar, { noOverwriteDirNonDir: true });
  assert.deepEqual(t.take(), { kind: 'call', line: 'PUT /containers/x/archive?noOverwriteDirNonDir=true&path=%2Ftmp', rawBody: tar });
});

test('exec: create, start detached and attached, resize, inspect', async () => {
  const { t, c } = setup();
  t.answer = { Id: 'e1' };
  const body = { Cmd: ['sh'], Tty: true, AttachStdin: true, AttachStdout: true, AttachStderr: true, ConsoleSize: [24, 80] as [number, number] };
  assert.deepEqual(await c.exec.create('web', body), { Id: 'e1' });
  assert.deepEqual(t.take(), { kind: 'json', line: 'POST /containers/web/exec', body });
  await c.exec.start('e1', { Tty: false });
  assert.deepEqual(t.take(), { kind: 'call', line: 'POST /exec/e1/start', body: { Detach: true, Tty: false, ConsoleSize: undefined } });
  await c.exec.startAttached('e1', { Tty: true, ConsoleSize: [24, 80] });
  assert.deepEqual(t.take(), { kind: 'hijack', line: 'POST /exec/e1/start', body: { Detach: false, Tty: true, ConsoleSize: [24, 80] } });
  await c.exec.resize('e1', { h: 10, w: 20 });
  assert.equal(t.take().line, 'POST /exec/e1/resize?h=10&w=20');
  await c.exec.inspect('e1');
  assert.equal(t.take().line, 'GET /exec/e1/json');
});

test('images: list, pull, push, tag, remove, load, save, import, history, prune, build', async () => {
  const { t, c } = setup();
  await c.images.list({ all: true, filters: ['dangling=true'] });
  assert.equal(t.take().line, `GET /images/json?all=1&filters=${encodeURIComponent('{"dangling":{"true":true}}')}`);
  await c.images.inspect('busybox:latest');
  assert.equal(t.take().line, 'GET /images/busybox%3Alatest/json');
  await c.images.history('busybox', { platform: 'linux/amd64' });
  assert.equal(t.take().line, 'GET /images/busybox/history?platform=linux%2Famd64');
  await drain(c.images.pull({ fromImage: 'docker.io/library/busybox', tag: 'latest', registryAuth: 'e30=' }));
  assert.deepEqual(t.take(), { kind: 'jsonStream', line: 'POST /images/create?fromImage=docker.io%2Flibrary%2Fbusybox&tag=latest', headers: { 'X-Registry-Auth': 'e30=' } });
  await drain(c.images.push('localhost:5000/me/img', { tag: 'v1', registryAuth: 'e30=' }));
  assert.deepEqual(t.take(), { kind: 'jsonStream', line: 'POST /images/localhost%3A5000%2Fme%2Fimg/push?tag=v1', headers: { 'X-Registry-Auth': 'e30=' } });
  await c.images.tag('busybox', { repo: 'docker.io/me/bb', tag: 'latest' });
  assert.equal(t.take().line, 'POST /images/busybox/tag?repo=docker.io%2Fme%2Fbb&tag=latest');
  t.answer = null;
  assert.deepEqual(await c.images.remove('bb', { force: true }), []);
  assert.equal(t.take().line, 'DELETE /images/bb?force=1');
  const tar = Buffer.from('tar');
  await drain(c.images.load(tar, { quiet: true }));
  assert.deepEqual(t.take(), { kind: 'jsonStream', line: 'POST /images/load?quiet=1', rawBody: tar, contentType: 'application/x-tar' });
  await c.images.save(['a', 'b:1']);
  assert.equal(t.take().line, 'GET /images/get?names=a&names=b%3A1');
  await drain(c.images.importArchive(tar, { fromSrc: '-', repo: 'me/x', tag: 't', changes: ['ENV A=1'] }));
  assert.deepEqual(t.take(), { kind: 'jsonStream', line: 'POST /images/create?fromSrc=-&repo=me%2Fx&tag=t&changes=ENV%20A%3D1', rawBody: tar, contentType: 'application/x-tar' });
  await c.images.prune({ filters: ['dangling=false'] });
  assert.equal(t.take().line, `POST /images/prune?filters=${encodeURIComponent('{"dangling":{"false":true}}')}`);
  t.answer = undefined;
  assert.deepEqual(await c.images.pruneBuildCache({ all: true }), {});
  assert.equal(t.take().line, 'POST /build/prune?all=1');
  await drain(
    c.images.build(tar, { dockerfile: 'Dockerfile', t: ['a', 'b'], rm: false, buildargs: { X: '1' }, labels: {}, cachefrom: [], extrahosts: [], version: '1', registryConfig: 'e30=' }),
  );
  assert.deepEqual(t.take(), {
    kind: 'jsonStream',
    line: `POST /build?dockerfile=Dockerfile&t=a&t=b&rm=0&buildargs=${encodeURIComponent('{"X":"1"}')}&version=1`,
    rawBody: tar,
    contentType: 'application/x-tar',
    headers: { 'X-Registry-Config': 'e30=' },
  });
});

test('networks and volumes', async () => {
  const { t, c } = setup();
  await c.networks.list({ filters: ['driver=bridge'] });
  assert.equal(t.take().line, `GET /networks?filters=${encodeURIComponent('{"driver":{"bridge":true}}')}`);
  await c.networks.inspect('n1', { verbose: true });
  assert.equal(t.take().line, 'GET /networks/n1?verbose=1');
  await c.networks.create({ Name: 'n1', Driver: 'bridge' });
  assert.deepEqual(t.take(), { kind: 'json', line: 'POST /networks/create', body: { Name: 'n1', Driver: 'bridge' } });
  await c.networks.connect('n1', { Container: 'web', EndpointConfig: { Aliases: ['db'] } });
  assert.deepEqual(t.take(), { kind: 'call', line: 'POST /networks/n1/connect', body: { Container: 'web', EndpointConfig: { Aliases: ['db'] } } });
  await c.networks.disconnect('n1', { Container: 'web', Force: true });
  assert.deepEqual(t.take(), { kind: 'call', line: 'POST /networks/n1/disconnect', body: { Container: 'web', Force: true } });
  await c.networks.remove('n1');
  assert.equal(t.take().line, 'DELETE /networks/n1');
  await c.networks.prune({ filters: ['until=1h30m'] });
  assert.equal(t.take().line, `POST /networks/prune?filters=${encodeURIComponent('{"until":{"1h30m":true}}')}`);
  await c.volumes.list();
  assert.equal(t.take().line, 'GET /volumes');
  await c.volumes.create({ Name: 'v', Labels: { a: 'b' } });
  assert.deepEqual(t.take(), { kind: 'json', line: 'POST /volumes/create', body: { Name: 'v', Labels: { a: 'b' } } });
  await c.volumes.inspect('v');
  assert.equal(t.take().line, 'GET /volumes/v');
  await c.volumes.remove('v', { force: true });
  assert.equal(t.take().line, 'DELETE /volumes/v?force=1');
  await c.volumes.prune({ filters: ['all=true'] });
  assert.equal(t.take().line, `POST /volumes/prune?filters=${encodeURIComponent('{"all":{"true":true}}')}`);
});

test('system and build contexts', async () => {
  const { t, c } = setup();
  t.answer = 'OK';
  assert.equal(await c.system.ping(), 'OK');
  assert.equal(t.take().line, 'GET /_ping');
  t.answer = undefined;
  await c.system.version();
  assert.equal(t.take().line, 'GET /version');
  await c.system.info();
  assert.equal(t.take().line, 'GET /info');
  await c.system.df();
  assert.equal(t.take().line, 'GET /system/df');
  await c.system.auth({ username: 'u', password: 'p', serveraddress: 'r' });
  assert.deepEqual(t.take(), { kind: 'json', line: 'POST /auth', body: { username: 'u', password: 'p', serveraddress: 'r' } });
  await drain(c.system.events({ since: '10', until: 20, filters: ['type=container'] }));
  assert.deepEqual(t.take(), { kind: 'request', line: `GET /events?filters=${encodeURIComponent('{"type":{"container":true}}')}&since=10&until=20` });
  await c.buildContexts.sync({ key: 'k', entries: [['a', 'f', 0o644, 1, 0, '', 's']] });
  assert.deepEqual(t.take(), { kind: 'json', line: 'POST /berth/build-contexts', body: { key: 'k', entries: [['a', 'f', 0o644, 1, 0, '', 's']] } });
  const tar = Buffer.from('tar');
  await c.buildContexts.upload('ctx1', tar);
  assert.deepEqual(t.take(), { kind: 'call', line: 'POST /berth/build-contexts/ctx1/files', rawBody: tar, contentType: 'application/x-tar' });
});
