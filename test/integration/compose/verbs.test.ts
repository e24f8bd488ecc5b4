// The berth compose verbs that the other compose tests do not reach, each once against a real
// berthd and checked through the docker CLI: port, images, config (--services, --volumes,
// --format json), version, ls, cp (in and out), pause/unpause, kill, wait, events (--since/--until,
// --json), and build/push/pull through a CNCF distribution registry on loopback.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { BERTH_BIN, integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok, exits } from '../support/assert.js';
import type { CmdResult } from '../support/proc.js';
import { cleanupWithNetworks } from '../network/docker-support.js';
import { distributionSkip, startDistribution } from '../support/distribution.js';

const P = 'cverbs';

const COMPOSE = `
services:
  web:
    image: busybox
    command: httpd -f -p 80
    ports: ["127.0.0.1::80"]
    volumes: [data:/data]
    stop_grace_period: 1s
  worker:
    image: busybox
    command: sleep 3600
    stop_grace_period: 1s
volumes:
  data: {}
`;

describe('berth compose verbs on berthd', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let dir: string;

  const compose = (args: string[]): Promise<CmdResult> =>
    d.berth(['compose', '-p', P, ...args], { cwd: dir, env: { COMPOSE_PROGRESS: 'plain' }, timeoutMs: 90_000 });
  const state = async (name: string): Promise<{ Status: string; Paused: boolean; ExitCode: number }> =>
    JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .State}}', name])));

  before(async () => {
    d = await startDaemon({ name: 'cverbs' });
    dir = await fsp.mkdtemp('/tmp/berth-cverbs-');
    await fsp.writeFile(path.join(dir, 'compose.yaml'), COMPOSE);
    ok(await compose(['up', '-d']), 'up');
  });
  after(async () => {
    if (d) await compose(['down', '-v', '-t', '1']).catch(() => undefined);
    await cleanupWithNetworks(d);
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  it('port, images, config, version and ls describe the project as the engine has it', async () => {
    const published = ok(await d.docker(['port', `${P}-web-1`, '80/tcp'])).trim();
    assert.match(published, /^127\.0\.0\.1:\d+$/);
    assert.equal(ok(await compose(['port', 'web', '80'])).trim(), published);
    assert.match(ok(await compose(['images'])), new RegExp(`${P}-web-1\\s+busybox`));
    assert.deepEqual(ok(await compose(['config', '--services'])).trim().split('\n').sort(), ['web', 'worker']);
    assert.equal(ok(await compose(['config', '--volumes'])).trim(), 'data');
    const model = JSON.parse(ok(await compose(['config', '--format', 'json']))) as { name: string; services: Record<string, { command: string[] }> };
    assert.equal(model.name, P);
    assert.deepEqual(model.services.worker.command, ['sleep', '3600']);
    assert.match(ok(await compose(['version'])), /version/i);
    const ls = JSON.parse(ok(await compose(['ls', '--format', 'json']))) as { Name: string; Status: string }[];
    assert.equal(ls.find((p) => p.Name === P)?.Status, 'running(2)');
  });

  it('cp copies into a service container and back out', async () => {
    const src = path.join(dir, 'note.txt');
    await fsp.writeFile(src, 'from the host\n');
    ok(await compose(['cp', src, 'web:/data/note.txt']));
    assert.equal(ok(await d.docker(['exec', `${P}-web-1`, 'cat', '/data/note.txt'])), 'from the host');
    const back = path.join(dir, 'back.txt');
    ok(await compose(['cp', 'web:/data/note.txt', back]));
    assert.equal(await fsp.readFile(back, 'utf8'), 'from the host\n');
  });

  it('pause and unpause, kill and wait act on the named service only', async () => {
    const t0 = Math.floor(Date.now() / 1000) - 1;
    ok(await compose(['pause', 'worker']));
    assert.equal((await state(`${P}-worker-1`)).Paused, true);
    assert.equal((await state(`${P}-web-1`)).Paused, false);
    ok(await compose(['unpause', 'worker']));
    assert.equal((await state(`${P}-worker-1`)).Paused, false);
    ok(await compose(['kill', '-s', 'KILL', 'worker']));
    const killed = await state(`${P}-worker-1`);
    assert.equal(killed.Status, 'exited');
    assert.equal(killed.ExitCode, 137);
    assert.equal((await state(`${P}-web-1`)).Status, 'running');
    // wait prints each container's exit code and exits with the last one.
    const w = await compose(['wait', 'worker']);
    exits(w, 137);
    assert.equal(w.stdout.trim(), '137');
    // events of the project between two times: the pause, unpause and kill above, as JSON lines.
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const events = ok(await compose(['events', '--json', '--since', String(t0), '--until', until]))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { service: string; action: string });
    const worker = events.filter((e) => e.service === 'worker').map((e) => e.action);
    for (const a of ['pause', 'unpause', 'kill', 'die']) assert.ok(worker.includes(a), `${a} in ${worker.join(',')}`);
  });

  it('logs -f follows containers that start after it, and ends when none it follows runs', async () => {
    const sub = path.join(dir, 'talk');
    await fsp.mkdir(sub);
    const talk = (args: string[]) => d.berth(['compose', '-p', 'ctalk', ...args], { cwd: sub, env: { COMPOSE_PROGRESS: 'plain' }, timeoutMs: 90_000 });
    await fsp.writeFile(path.join(sub, 'compose.yaml'), 'services:\n  talker:\n    image: busybox\n    command: ["sh", "-c", "echo hello from $$HOSTNAME; exec sleep 3600"]\n    stop_grace_period: 1s\n');
    try {
      ok(await talk(['up', '-d']));
      const follower = spawn(BERTH_BIN, ['compose', '-p', 'ctalk', 'logs', '-f', '--no-color'], { cwd: sub, env: { ...process.env, ...d.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const seen = (re: RegExp) =>
        new Promise<void>((resolve, reject) => {
          // A deadline, not a wait: a follower that misses the line must fail the test, not hang it.
          const deadline = setTimeout(() => reject(new Error(`no ${re} in 60 s; output:\n${out}`)), 60_000);
          const check = () => re.test(out) && (clearTimeout(deadline), resolve());
          follower.stdout.on('data', (c: Buffer) => ((out += c.toString()), check()));
          follower.once('exit', () => (re.test(out) ? resolve() : reject(new Error(`logs -f exited; output:\n${out}`))));
          check();
        });
      const exited = new Promise<number | null>((resolve) => follower.once('exit', resolve));
      try {
        await seen(/^talker-1 +\| hello from/m);
        ok(await talk(['up', '-d', '--scale', 'talker=2']));
        await seen(/^talker-2 +\| hello from/m);
        ok(await talk(['stop', '-t', '1']));
        assert.equal(await exited, 0);
      } finally {
        follower.kill();
      }
    } finally {
      await talk(['down', '-t', '1']);
    }
  });

  it('build, push and pull a service image through a registry on loopback', { skip: distributionSkip }, async () => {
    const regDir = await fsp.mkdtemp('/tmp/berth-cverbs-reg-');
    const reg = await startDistribution(regDir);
    const image = `${reg.host}/verbs/app:1`;
    try {
      await fsp.mkdir(path.join(dir, 'app'), { recursive: true });
      await fsp.writeFile(path.join(dir, 'app', 'Dockerfile'), 'FROM busybox\nRUN echo built > /built\n');
      await fsp.writeFile(path.join(dir, 'registry.yaml'), `services:\n  app:\n    build: ./app\n    image: ${image}\n    command: cat /built\n`);
      const pushed = (args: string[]) => d.berth(['compose', '-p', `${P}reg`, '-f', 'registry.yaml', ...args], { cwd: dir, env: { COMPOSE_PROGRESS: 'plain' }, timeoutMs: 90_000 });
      ok(await pushed(['build']), 'build');
      const id = ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', image]));
      ok(await pushed(['push']), 'push');
      ok(await d.docker(['rmi', image]));
      ok(await pushed(['pull']), 'pull');
      assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', image])), id);
      ok(await d.docker(['rmi', image]));
    } finally {
      await reg.stop();
      await fsp.rm(regDir, { recursive: true, force: true });
    }
  });
});
