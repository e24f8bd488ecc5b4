// berth compose against a real berthd: up (dependency waiting, labels and names as Compose v2
// writes them), convergence (a second up touches nothing, a changed service is recreated),
// scale up and down, ps/logs/exec/run, attached up with --exit-code-from, and down -v leaving no
// container, network or volume of the project.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import { integrationSkipReason, REPO_ROOT, startDaemon, type Daemon } from '../harness.js';
import { ok, exits } from '../support/assert.js';
import type { CmdResult } from '../support/proc.js';
import { cleanupWithNetworks } from '../network/docker-support.js';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'compose');
const P = 'capply';

describe('berth compose up/down on berthd', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let dir: string;
  let exitDir: string;

  const compose = (args: string[], env: Record<string, string> = {}, cwd = dir): Promise<CmdResult> =>
    d.berth(['compose', '-p', P, ...args], { cwd, env: { COMPOSE_PROGRESS: 'plain', ...env }, timeoutMs: 60_000 });
  const ps = async (): Promise<{ ID: string; Name: string; Service: string; State: string; Labels: string }[]> =>
    ok(await compose(['ps', '-a', '--format', 'json', '--no-trunc']), 'ps')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .sort((a, b) => a.Name.localeCompare(b.Name));
  const inspect = async (id: string): Promise<any> => JSON.parse(ok(await d.docker(['inspect', id])))[0];

  before(async () => {
    d = await startDaemon({ name: 'capply' });
    dir = await fsp.mkdtemp('/tmp/berth-capply-');
    exitDir = await fsp.mkdtemp('/tmp/berth-capply-exit-');
    await fsp.cp(path.join(FIXTURES, 'apply'), dir, { recursive: true });
    await fsp.cp(path.join(FIXTURES, 'apply-exit'), exitDir, { recursive: true });
  });
  after(async () => {
    if (d) {
      await compose(['down', '-v', '--remove-orphans', '-t', '1']).catch(() => undefined);
      await compose(['down', '-v', '-t', '1'], {}, exitDir).catch(() => undefined);
    }
    await cleanupWithNetworks(d);
    for (const x of [dir, exitDir]) if (x) await fsp.rm(x, { recursive: true, force: true });
  });

  it('up -d creates the network and volume, waits for the healthy db before starting web', async () => {
    const r = await compose(['up', '-d']);
    ok(r, 'up -d');
    const lines = r.stderr.split('\n');
    const at = (text: string) => lines.findIndex((l) => l === ` ${text}`);
    assert.ok(at(`Network ${P}_default  Created`) >= 0, r.stderr);
    assert.ok(at(`Volume "${P}_data"  Created`) >= 0, r.stderr);
    for (const s of ['db', 'web', 'worker']) assert.ok(at(`Container ${P}-${s}-1  Started`) >= 0, `${s} started: ${r.stderr}`);
    assert.ok(at(`Container ${P}-db-1  Waiting`) >= 0, r.stderr);
    assert.ok(at(`Container ${P}-db-1  Healthy`) < at(`Container ${P}-web-1  Started`), `web starts after db is healthy: ${r.stderr}`);
    const db = await inspect(`${P}-db-1`);
    assert.equal(db.State.Health.Status, 'healthy');
    const labels = db.Config.Labels;
    assert.equal(labels['com.docker.compose.project'], P);
    assert.equal(labels['com.docker.compose.service'], 'db');
    assert.equal(labels['com.docker.compose.container-number'], '1');
    assert.equal(labels['com.docker.compose.oneoff'], 'False');
    assert.match(labels['com.docker.compose.config-hash'], /^[0-9a-f]{64}$/);
    assert.equal(labels['com.docker.compose.project.working_dir'], dir);
    assert.equal(labels['com.docker.compose.project.config_files'], path.join(dir, 'compose.yaml'));
    assert.equal(JSON.parse(ok(await d.docker(['inspect', `${P}-web-1`])))[0].Config.Labels['com.docker.compose.depends_on'], 'db:service_healthy:false');
    assert.ok(Object.keys(db.NetworkSettings.Networks).includes(`${P}_default`));
    assert.ok(db.Mounts.some((m: any) => m.Name === `${P}_data` && m.Destination === '/data'));
  });

  it('a second up changes nothing; a changed service is recreated, the rest left alone', async () => {
    const before = await ps();
    const second = await compose(['up', '-d']);
    ok(second, 'second up');
    assert.doesNotMatch(second.stderr, /Creat|Recreat|Start|Stop|Remov/, 'a no-change up touches no container');
    assert.match(second.stderr, new RegExp(` Container ${P}-web-1  Running`));
    const again = await ps();
    assert.deepEqual(again.map((c) => c.ID), before.map((c) => c.ID), 'no container replaced');
    const changed = await compose(['up', '-d'], { GREETING: 'changed' });
    ok(changed, 'up with a changed environment');
    assert.match(changed.stderr, new RegExp(` Container ${P}-web-1  Recreated`));
    const after = await ps();
    const id = (list: typeof after, name: string) => list.find((c) => c.Name === name)!.ID;
    assert.notEqual(id(after, `${P}-web-1`), id(before, `${P}-web-1`), 'web recreated');
    assert.equal(id(after, `${P}-db-1`), id(before, `${P}-db-1`), 'db kept');
    assert.equal(id(after, `${P}-worker-1`), id(before, `${P}-worker-1`), 'worker kept');
    const env = (await inspect(`${P}-web-1`)).Config.Env as string[];
    assert.ok(env.includes('GREETING=changed'), env.join(' '));
    ok(await compose(['up', '-d'], { GREETING: 'changed' }), 'third up');
    assert.equal(id(await ps(), `${P}-web-1`), id(after, `${P}-web-1`), 'converged: nothing more to do');
  });

  it('--scale adds replicas with the next numbers and removes the highest first', async () => {
    ok(await compose(['up', '-d', '--scale', 'worker=3', 'worker']), 'scale up');
    assert.deepEqual((await ps()).filter((c) => c.Service === 'worker').map((c) => c.Name), [`${P}-worker-1`, `${P}-worker-2`, `${P}-worker-3`]);
    ok(await compose(['up', '-d', '--scale', 'worker=1', 'worker']), 'scale down');
    assert.deepEqual((await ps()).filter((c) => c.Service === 'worker').map((c) => c.Name), [`${P}-worker-1`]);
  });

  it('logs prefix each line with the container name; exec and run reach the service', async () => {
    const logs = ok(await compose(['logs', '--no-color', 'db']), 'logs');
    assert.match(logs, /^db-1 {2}\| db starting$/m);
    assert.match(ok(await compose(['logs', '--no-log-prefix', 'web'])), /^web says hello$|^web says changed$/m);
    assert.equal(ok(await compose(['exec', '-T', 'web', 'sh', '-c', 'echo $GREETING']), 'exec'), 'changed');
    const run = await compose(['run', '--rm', '--no-deps', 'worker', 'echo', 'one-off']);
    assert.equal(ok(run, 'run'), 'one-off');
    assert.equal((await ps()).filter((c) => c.Name.includes('-run-')).length, 0, 'run --rm left nothing');
    const ls = ok(await compose(['ps', '--services']));
    assert.deepEqual(ls.split('\n').sort(), ['db', 'web', 'worker']);
  });

  it('attached up prints the output and returns the exit code of --exit-code-from', async () => {
    const r = await compose(['up', '--exit-code-from', 'hello'], {}, exitDir);
    exits(r, 3, 'up --exit-code-from');
    assert.match(r.stdout, /^hello-1 {2}\| hello from compose$/m);
    assert.match(r.stdout, /^hello-1 exited with code 3$/m);
    ok(await compose(['down'], {}, exitDir), 'down');
  });

  it('down -v leaves no container, network or volume of the project', async () => {
    const r = await compose(['down', '-v']);
    ok(r, 'down -v');
    assert.match(r.stderr, new RegExp(` Network ${P}_default  Removed`));
    assert.equal(ok(await d.docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${P}`])), '');
    assert.equal(ok(await d.docker(['network', 'ls', '-q', '--filter', `name=${P}_`])), '');
    assert.equal(ok(await d.docker(['volume', 'ls', '-q', '--filter', `name=${P}_`])), '');
  });
});
