// berth compose depends_on and convergence details against a real berthd: a migration job that
// must exit 0 before its dependant starts (and a failing one that stops the up), `required:
// false` on a profile-disabled service, `up --wait` returning once the healthcheck passes,
// `--remove-orphans`, and scaling down removing the highest numbers first.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok, fails } from '../support/assert.js';
import type { CmdResult } from '../support/proc.js';
import { cleanupWithNetworks } from '../network/docker-support.js';

const P = 'cdeps';

const svc = (name: string, extra = ''): string => `  ${name}:\n    image: busybox\n    command: sleep 3600\n    stop_grace_period: 1s\n${extra}`;

describe('berth compose depends_on, --wait, orphans and scale', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let dir: string;

  const compose = (args: string[]): Promise<CmdResult> =>
    d.berth(['compose', '-p', P, ...args], { cwd: dir, env: { COMPOSE_PROGRESS: 'plain' }, timeoutMs: 60_000 });
  const write = (body: string): Promise<void> => fsp.writeFile(path.join(dir, 'compose.yaml'), `services:\n${body}`);
  const containers = async (): Promise<string[]> =>
    ok(await d.docker(['ps', '-a', '--format', '{{.Names}} {{.State}}', '--filter', `label=com.docker.compose.project=${P}`]))
      .split('\n')
      .filter(Boolean)
      .sort();
  const inspect = async (name: string): Promise<any> => JSON.parse(ok(await d.docker(['inspect', name])))[0];
  const lineOf = (r: CmdResult, text: string): number => r.stderr.split('\n').indexOf(` ${text}`);

  before(async () => {
    d = await startDaemon({ name: 'cdeps' });
    dir = await fsp.mkdtemp('/tmp/berth-cdeps-');
  });
  after(async () => {
    if (d) await compose(['down', '-v', '--remove-orphans', '-t', '1']).catch(() => undefined);
    await cleanupWithNetworks(d);
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  it('service_completed_successfully: the app starts after the migration exits 0; a failing one stops the up', async () => {
    const migrate = (code: number) => `  migrate:\n    image: busybox\n    command: ["sh", "-c", "echo migrating; exit ${code}"]\n`;
    const app = svc('app', '    depends_on:\n      migrate: { condition: service_completed_successfully }\n');
    await write(migrate(3) + app);
    const bad = fails(await compose(['up', '-d']), `service "migrate" didn't complete successfully: exit 3`, 'up with a failing migration');
    assert.ok(lineOf(bad, `Container ${P}-app-1  Started`) < 0, bad.stderr);
    assert.deepEqual(await containers(), [`${P}-app-1 created`, `${P}-migrate-1 exited`]);

    await write(migrate(0) + app);
    const r = await compose(['up', '-d']);
    ok(r, 'up with a passing migration');
    assert.ok(lineOf(r, `Container ${P}-migrate-1  Exited`) >= 0, r.stderr);
    assert.ok(lineOf(r, `Container ${P}-migrate-1  Exited`) < lineOf(r, `Container ${P}-app-1  Started`), r.stderr);
    assert.equal((await inspect(`${P}-migrate-1`)).State.ExitCode, 0);
    assert.deepEqual(await containers(), [`${P}-app-1 running`, `${P}-migrate-1 exited`]);
    ok(await compose(['down', '-t', '1']), 'down');
  });

  it('required: false lets a service start without a profile-disabled dependency', async () => {
    await write(svc('debug', '    profiles: [debug]\n') + svc('app', '    depends_on:\n      debug: { condition: service_healthy, required: false }\n'));
    ok(await compose(['up', '-d']), 'up without the debug profile');
    assert.deepEqual(await containers(), [`${P}-app-1 running`]);
    ok(await compose(['down', '-t', '1']), 'down');
  });

  it('up --wait returns once the healthcheck passes', async () => {
    const hc = '    healthcheck:\n      test: ["CMD-SHELL", "test -e /tmp/ready"]\n      interval: 1s\n      retries: 30\n';
    await write(`  db:\n    image: busybox\n    command: ["sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 3600"]\n    stop_grace_period: 1s\n${hc}`);
    const r = await compose(['up', '-d', '--wait']);
    ok(r, 'up --wait');
    assert.ok(lineOf(r, `Container ${P}-db-1  Healthy`) >= 0, r.stderr);
    assert.equal((await inspect(`${P}-db-1`)).State.Health.Status, 'healthy');
  });

  it('--remove-orphans removes the containers of services no longer in the file', async () => {
    await write(svc('db') + svc('web'));
    ok(await compose(['up', '-d']), 'up db and web');
    await write(svc('web'));
    const warned = await compose(['up', '-d']);
    ok(warned, 'up without db');
    assert.match(warned.stderr, new RegExp(`Found orphan containers \\(\\[${P}-db-1\\]\\) for this project`));
    assert.deepEqual(await containers(), [`${P}-db-1 running`, `${P}-web-1 running`]);
    ok(await compose(['up', '-d', '--remove-orphans']), 'up --remove-orphans');
    assert.deepEqual(await containers(), [`${P}-web-1 running`]);
  });

  it('scaling down removes the highest numbers first and keeps the others', async () => {
    await write(svc('web', '    scale: 4\n'));
    ok(await compose(['up', '-d']), 'up with scale 4');
    const ids = async () => Object.fromEntries(await Promise.all([1, 2, 3, 4].map(async (n) => [n, (await d.docker(['inspect', '-f', '{{.Id}}', `${P}-web-${n}`])).stdout.trim()])));
    const before = await ids();
    await write(svc('web', '    scale: 2\n'));
    ok(await compose(['up', '-d']), 'up with scale 2');
    assert.deepEqual(await containers(), [`${P}-web-1 running`, `${P}-web-2 running`]);
    const after = await ids();
    assert.equal(after[1], before[1]);
    assert.equal(after[2], before[2]);
    ok(await compose(['down', '-t', '1']), 'down');
    assert.deepEqual(await containers(), []);
  });
});
