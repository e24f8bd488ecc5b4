// berth compose watch and up --watch against a real berthd: a file written under a sync path
// appears in the container (ignored ones do not, deleted ones go), sync+restart restarts the
// service, a Dockerfile change rebuilds the image and recreates the container.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { BERTH_BIN, integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { waitFor, waitForOutput } from '../support/proc.js';
import { cleanupWithNetworks } from '../network/docker-support.js';

const P = 'cwatch';

const COMPOSE = `
services:
  app:
    build: ./app
    command: sleep 3600
    stop_grace_period: 1s
    develop:
      watch:
        - action: sync
          path: ./app/src
          target: /srv
          ignore: ["*.tmp"]
        - action: sync+restart
          path: ./app/conf
          target: /etc/app
        - action: rebuild
          path: ./app/Dockerfile
`;

const dockerfile = (version: string) => `FROM busybox\nCOPY src /srv\nCOPY conf /etc/app\nRUN echo ${version} > /version\n`;

describe('berth compose watch on berthd', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let dir: string;
  const children: ChildProcess[] = [];

  const compose = (args: string[]) => d.berth(['compose', '-p', P, ...args], { cwd: dir, env: { COMPOSE_PROGRESS: 'plain' }, timeoutMs: 90_000 });
  const spawnCompose = (args: string[]): ChildProcess => {
    const child = spawn(BERTH_BIN, ['compose', '-p', P, ...args], { cwd: dir, env: { ...process.env, ...d.env, COMPOSE_PROGRESS: 'plain' }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    return child;
  };
  const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
  const inContainer = async (cmd: string[]): Promise<string | undefined> => {
    const r = await compose(['exec', '-T', 'app', ...cmd]);
    return r.code === 0 ? r.stdout.trim() : undefined;
  };
  const inspect = async (name: string): Promise<any> => JSON.parse(ok(await d.docker(['inspect', name])))[0];

  before(async () => {
    d = await startDaemon({ name: 'cwatch' });
    dir = await fsp.mkdtemp('/tmp/berth-cwatch-');
    await fsp.mkdir(path.join(dir, 'app', 'src'), { recursive: true });
    await fsp.mkdir(path.join(dir, 'app', 'conf'), { recursive: true });
    await fsp.writeFile(path.join(dir, 'app', 'src', 'index.txt'), 'index\n');
    await fsp.writeFile(path.join(dir, 'app', 'conf', 'app.conf'), 'level=1\n');
    await fsp.writeFile(path.join(dir, 'app', 'Dockerfile'), dockerfile('v1'));
    await fsp.writeFile(path.join(dir, 'compose.yaml'), COMPOSE);
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    if (d) await compose(['down', '-v', '--rmi', 'local', '-t', '1']).catch(() => undefined);
    await cleanupWithNetworks(d);
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  it('watch syncs written and deleted files, skips ignored ones, restarts on sync+restart, rebuilds on a Dockerfile change', async () => {
    const w = spawnCompose(['watch']);
    await waitForOutput(w, w.stdout!, /Watch enabled/, 90_000);
    assert.equal(await inContainer(['cat', '/version']), 'v1');

    let synced = waitForOutput(w, w.stdout!, /Syncing service "app" after/);
    await fsp.writeFile(path.join(dir, 'app', 'src', 'skip.tmp'), 'ignored\n');
    await fsp.mkdir(path.join(dir, 'app', 'src', 'sub'));
    await fsp.writeFile(path.join(dir, 'app', 'src', 'sub', 'new.txt'), 'fresh\n');
    await synced;
    assert.equal(await waitFor('new.txt in the container', () => inContainer(['cat', '/srv/sub/new.txt'])), 'fresh');
    assert.equal(await inContainer(['ls', '/srv/skip.tmp']), undefined, 'ignored file not synced');

    synced = waitForOutput(w, w.stdout!, /Syncing service "app" after/);
    await fsp.rm(path.join(dir, 'app', 'src', 'sub'), { recursive: true });
    await synced;
    await waitFor('sub removed from the container', async () => (await inContainer(['ls', '/srv'])) === 'index.txt');

    const startedBefore = (await inspect(`${P}-app-1`)).State.StartedAt;
    const restarted = waitForOutput(w, w.stdout!, /service\(s\) \["app"\] restarted/);
    await fsp.writeFile(path.join(dir, 'app', 'conf', 'app.conf'), 'level=2\n');
    await restarted;
    assert.equal(await inContainer(['cat', '/etc/app/app.conf']), 'level=2');
    assert.notEqual((await inspect(`${P}-app-1`)).State.StartedAt, startedBefore, 'restarted');

    const idBefore = (await inspect(`${P}-app-1`)).Id;
    const rebuilt = waitForOutput(w, w.stdout!, /service\(s\) \["app"\] successfully built/, 90_000);
    await fsp.writeFile(path.join(dir, 'app', 'Dockerfile'), dockerfile('v2'));
    await rebuilt;
    assert.equal(await waitFor('the rebuilt container', () => inContainer(['cat', '/version']).then((v) => v === 'v2' && v), 30_000), 'v2');
    assert.notEqual((await inspect(`${P}-app-1`)).Id, idBefore, 'container recreated');

    w.kill('SIGINT');
    assert.equal(await exited(w), 0);
  });

  it('up --watch follows the output and syncs; Ctrl+C stops the project; -d --watch is refused', async () => {
    const refused = await compose(['up', '-d', '--watch']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /--detach cannot be combined with .*--watch/);

    const up = spawnCompose(['up', '--watch']);
    await waitForOutput(up, up.stdout!, /watch +\| Watch enabled/, 90_000);
    const synced = waitForOutput(up, up.stdout!, /Syncing service "app" after/);
    await fsp.writeFile(path.join(dir, 'app', 'src', 'later.txt'), 'later\n');
    await synced;
    assert.equal(await waitFor('later.txt in the container', () => inContainer(['cat', '/srv/later.txt'])), 'later');
    up.kill('SIGINT');
    assert.equal(await exited(up), 130);
    assert.equal((await inspect(`${P}-app-1`)).State.Status, 'exited');
  });
});
