// Debian's docker-compose 1.29 (docker-py underneath, API 1.41), unchanged, against berthd: a
// real-world-shaped project (test/fixtures/compose/webapp: built web front end, cache, database
// with a healthcheck the web waits on, a one-shot migration job, scalable workers) brought up,
// inspected and steered per service, scaled, changed and recreated, and taken down with -v,
// leaving no container, network, volume, veth or iptables rule.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { integrationSkipReason, REPO_ROOT, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { runCommand, type CmdResult } from '../support/proc.js';
import { cleanupWithNetworks, freeHostPort, httpGetEventually, netState, type NetState } from '../network/docker-support.js';

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'compose', 'webapp');
const PROJECT = 'webapp';

function skipReason(): string | undefined {
  const base = integrationSkipReason();
  if (base) return base;
  if (spawnSync('sh', ['-c', 'command -v docker-compose'], { stdio: 'ignore' }).status !== 0) return 'docker-compose (Debian package docker-compose) is not installed: run scripts/bootstrap.sh';
  return undefined;
}

describe('docker-compose 1.29 against berthd', { skip: skipReason() }, () => {
  let d: Daemon;
  let port: number;
  let dir: string;
  let netBefore: NetState;

  /** docker-compose in a copy of the project (its own .env-free directory), with the test daemon's DOCKER_HOST. */
  const compose = (args: string[], timeoutMs = 120_000): Promise<CmdResult> =>
    runCommand('docker-compose', ['-p', PROJECT, '--ansi', 'never', ...args], { cwd: dir, env: { ...d.env, WEB_PORT: String(port) }, timeoutMs });
  const psIds = async (service?: string, all = false): Promise<string[]> =>
    ok(await compose(['ps', '-q', ...(all ? ['-a'] : []), ...(service ? [service] : [])]), `ps ${service ?? ''}`)
      .split('\n')
      .filter(Boolean)
      .sort();
  const inspect = async (id: string): Promise<any> => JSON.parse(ok(await d.docker(['inspect', id])))[0];
  const serviceOf = async (id: string): Promise<string> => (await inspect(id)).Config.Labels['com.docker.compose.service'];

  before(async () => {
    d = await startDaemon({ name: 'dcmp' });
    port = await freeHostPort();
    dir = await fsp.mkdtemp('/tmp/berth-compose-');
    await fsp.cp(FIXTURE, dir, { recursive: true });
    netBefore = await netState(d);
  });
  after(async () => {
    if (d && dir) await compose(['down', '-v', '--remove-orphans', '-t', '1']).catch(() => undefined);
    await cleanupWithNetworks(d);
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  it('up -d builds the web image, waits for the healthy db, and starts every default service', async () => {
    const r = await compose(['up', '-d'], 180_000);
    ok(r, 'up -d');
    const ids = await psIds();
    assert.equal(ids.length, 4, `web, cache, db, worker: ${r.stderr}`);
    const services = (await Promise.all(ids.map(serviceOf))).sort();
    assert.deepEqual(services, ['cache', 'db', 'web', 'worker'], 'one container per service, the tools profile left out');
    const db = await inspect((await psIds('db'))[0]);
    assert.equal(db.State.Health.Status, 'healthy', 'web was started only after db turned healthy');
    const names = ok(await d.docker(['ps', '--format', '{{.Names}}'])).split('\n').sort();
    assert.deepEqual(names, ['webapp_cache_1', 'webapp_db_1', 'webapp_web_1', 'webapp_worker_1']);
  });

  it('the web answers on the published port and reaches the cache by service name', async () => {
    assert.equal((await httpGetEventually(port)).body.trim(), 'web-front-page');
    const viaDns = ok(await compose(['exec', '-T', 'web', 'wget', '-q', '-O-', 'http://cache:6379/']), 'exec wget cache');
    assert.equal(viaDns.trim(), 'cache-says-pong');
    const env = ok(await compose(['exec', '-T', 'web', 'sh', '-c', 'echo $CACHE_URL']));
    assert.equal(env.trim(), 'http://cache:6379/');
  });

  it('per-service ps and logs see only that service', async () => {
    for (const svc of ['web', 'cache', 'db', 'worker']) {
      const ids = await psIds(svc);
      assert.equal(ids.length, 1, `ps ${svc}`);
      assert.equal(await serviceOf(ids[0]), svc);
    }
    const logs = ok(await compose(['logs', '--no-color', 'cache']));
    assert.match(logs, /cache ready/);
    assert.doesNotMatch(logs, /db ready|worker started/, 'logs of cache show only cache');
  });

  it('run --rm runs the one-shot migration job against the db volume and removes it', async () => {
    const r = ok(await compose(['run', '--rm', '-T', 'migrate'], 120_000), 'run migrate');
    assert.match(r, /migrating/);
    assert.match(r, /v2/);
    const schema = ok(await compose(['exec', '-T', 'db', 'cat', '/data/schema']));
    assert.equal(schema.trim(), 'v2', 'the job wrote into the named volume the db uses');
    const all = ok(await d.docker(['ps', '-a', '--format', '{{.Names}}'])).split('\n');
    assert.ok(!all.some((n) => n.includes('migrate')), `run --rm left a container: ${all.join(' ')}`);
  });

  it('up --scale adds and removes replicas of one service only', async () => {
    ok(await compose(['up', '-d', '--scale', 'worker=3']), 'scale to 3');
    assert.equal((await psIds('worker')).length, 3);
    assert.equal((await psIds()).length, 6);
    ok(await compose(['up', '-d', '--scale', 'worker=1']), 'scale to 1');
    const left = await psIds('worker');
    assert.equal(left.length, 1);
    assert.equal((await inspect(left[0])).Name, '/webapp_worker_1', 'scaling down removes the highest numbers');
  });

  it('stop and rm of one service leave the others running', async () => {
    ok(await compose(['stop', '-t', '1', 'cache']));
    const cache = await inspect((await psIds('cache', true))[0]);
    assert.equal(cache.State.Running, false);
    for (const svc of ['web', 'db', 'worker']) assert.equal((await inspect((await psIds(svc))[0])).State.Running, true, `${svc} still runs`);
    ok(await compose(['rm', '-f', 'cache']));
    assert.deepEqual(await psIds('cache', true), []);
    assert.equal((await psIds()).length, 3);
  });

  it('a changed service is recreated on the next up, the others are kept', async () => {
    const before = new Map<string, string>();
    for (const svc of ['web', 'db', 'worker']) before.set(svc, (await psIds(svc))[0]);
    const file = path.join(dir, 'docker-compose.yml');
    await fsp.writeFile(file, (await fsp.readFile(file, 'utf8')).replace('echo worker started', 'echo worker v2 started'));
    ok(await compose(['up', '-d'], 180_000), 'up after the change');
    const worker = (await psIds('worker'))[0];
    assert.notEqual(worker, before.get('worker'), 'worker recreated');
    assert.match(ok(await compose(['logs', '--no-color', 'worker'])), /worker v2 started/);
    assert.equal((await psIds('db'))[0], before.get('db'), 'db kept');
    assert.equal((await psIds('cache')).length, 1, 'the removed cache is created again');
  });

  it('down -v removes every container, the network and the volume, and leaves no veth or rule', async () => {
    ok(await compose(['down', '-v', '-t', '1'], 120_000), 'down -v');
    assert.deepEqual(ok(await d.docker(['ps', '-aq'])), '');
    const nets = ok(await d.docker(['network', 'ls', '--format', '{{.Name}}'])).split('\n').sort();
    assert.deepEqual(nets, ['bridge', 'host', 'none']);
    assert.equal(ok(await d.docker(['volume', 'ls', '-q'])), '');
    assert.deepEqual(await netState(d), netBefore);
  });
});
