// berth compose features against a real berthd: build.dockerfile_inline, legacy links (on the
// endpoint), network_mode none and service:x, restart following `restart: true`
// dependants (and --no-deps not), and pull policies (--pull never on a missing image).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok, fails } from '../support/assert.js';
import type { CmdResult } from '../support/proc.js';
import { cleanupWithNetworks } from '../network/docker-support.js';

const P = 'cfeat';

const COMPOSE = `
services:
  base:
    image: busybox
    command: sleep 3600
    stop_grace_period: 1s
  linked:
    image: busybox
    command: sleep 3600
    links: [base:db]
    stop_grace_period: 1s
  sidecar:
    image: busybox
    command: sleep 3600
    network_mode: service:base
    stop_grace_period: 1s
  isolated:
    image: busybox
    command: sleep 3600
    network_mode: none
    stop_grace_period: 1s
  dependant:
    image: busybox
    command: sleep 3600
    depends_on:
      base: { condition: service_started, restart: true }
    stop_grace_period: 1s
  inline:
    build:
      context: ./app
      dockerfile_inline: |
        FROM busybox
        COPY . /ctx
        RUN echo built > /built
    command: sleep 3600
    stop_grace_period: 1s
`;

describe('berth compose features on berthd', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let dir: string;

  const compose = (args: string[], cwd = dir): Promise<CmdResult> =>
    d.berth(['compose', '-p', P, ...args], { cwd, env: { COMPOSE_PROGRESS: 'plain' }, timeoutMs: 90_000 });
  const inspect = async (name: string): Promise<any> => JSON.parse(ok(await d.docker(['inspect', name])))[0];
  const startedAt = async (services: string[]): Promise<Record<string, string>> =>
    Object.fromEntries(await Promise.all(services.map(async (s) => [s, (await inspect(`${P}-${s}-1`)).State.StartedAt as string])));

  before(async () => {
    d = await startDaemon({ name: 'cfeat' });
    dir = await fsp.mkdtemp('/tmp/berth-cfeat-');
    await fsp.mkdir(path.join(dir, 'app'));
    await fsp.writeFile(path.join(dir, 'app', 'hello.txt'), 'hello from the context\n');
    await fsp.writeFile(path.join(dir, 'compose.yaml'), COMPOSE);
  });
  after(async () => {
    if (d) await compose(['down', '-v', '-t', '1']).catch(() => undefined);
    await cleanupWithNetworks(d);
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  it('up builds from dockerfile_inline (the generated Dockerfile stays out of COPY .)', async () => {
    ok(await compose(['up', '-d']), 'up -d');
    assert.equal(ok(await compose(['exec', '-T', 'inline', 'cat', '/ctx/hello.txt', '/built'])), 'hello from the context\nbuilt');
    // As docker's AddDockerfileToBuildContext: the generated .dockerignore names the Dockerfile.
    assert.equal(ok(await compose(['exec', '-T', 'inline', 'ls', '-A', '/ctx'])), '.dockerignore\nhello.txt');
  });

  it('links reach the endpoint as compose writes them; network_mode none and service:x are applied', async () => {
    // On a user-defined network dockerd keeps links on the endpoint (HostConfig.Links shows the
    // default bridge's link graph only): compose's three names per linked container.
    const linked = await inspect(`${P}-linked-1`);
    const links: string[] = linked.NetworkSettings.Networks[`${P}_default`].Links ?? [];
    assert.deepEqual([...links].sort(), [`${P}-base-1:${P}-base-1`, `${P}-base-1:base-1`, `${P}-base-1:db`].sort(), JSON.stringify(linked.NetworkSettings.Networks));
    assert.match(ok(await compose(['exec', '-T', 'linked', 'ping', '-c', '1', '-W', '5', 'db'])), /1 packets received/);
    const base = await inspect(`${P}-base-1`);
    assert.equal((await inspect(`${P}-sidecar-1`)).HostConfig.NetworkMode, `container:${base.Id}`);
    // The sidecar sees the base's interfaces: its eth0 has the base's address.
    const baseIp = (Object.values(base.NetworkSettings.Networks)[0] as any).IPAddress;
    assert.match(ok(await compose(['exec', '-T', 'sidecar', 'ip', '-4', 'addr', 'show', 'eth0'])), new RegExp(`inet ${baseIp.replace(/\./g, '\\.')}/`));
    assert.equal((await inspect(`${P}-isolated-1`)).HostConfig.NetworkMode, 'none');
    assert.equal(ok(await compose(['exec', '-T', 'isolated', 'ls', '/sys/class/net'])), 'lo');
  });

  it('restart restarts the restart: true dependants after the service; --no-deps only the service', async () => {
    const all = ['base', 'linked', 'sidecar', 'isolated', 'dependant', 'inline'];
    const before = await startedAt(all);
    const r = await compose(['restart', '-t', '1', 'base']);
    ok(r, 'restart base');
    const lines = r.stderr.split('\n');
    const at = (text: string) => lines.indexOf(` ${text}`);
    assert.ok(at(`Container ${P}-base-1  Started`) >= 0 && at(`Container ${P}-base-1  Started`) < at(`Container ${P}-dependant-1  Restarting`), r.stderr);
    const after = await startedAt(all);
    for (const s of ['base', 'linked', 'sidecar', 'dependant']) assert.notEqual(after[s], before[s], `${s} restarted`);
    for (const s of ['isolated', 'inline']) assert.equal(after[s], before[s], `${s} left alone`);
    // The sidecar joined the base's new network namespace.
    ok(await compose(['exec', '-T', 'sidecar', 'ip', 'link', 'show', 'eth0']), 'sidecar has eth0 after the restart');

    ok(await compose(['restart', '--no-deps', '-t', '1', 'base']), 'restart --no-deps');
    const third = await startedAt(all);
    assert.notEqual(third.base, after.base, 'base restarted');
    for (const s of ['linked', 'sidecar', 'dependant', 'isolated', 'inline']) assert.equal(third[s], after[s], `${s} not restarted`);
  });

  it('--pull never on a missing image fails naming the file and key, creating nothing for it', async () => {
    const other = await fsp.mkdtemp('/tmp/berth-cfeat-pull-');
    try {
      await fsp.writeFile(path.join(other, 'compose.yaml'), 'services:\n  ghost:\n    image: cfeat-not-here:1\n');
      const r = await d.berth(['compose', '-p', 'cfeatpull', 'up', '-d', '--pull', 'never'], { cwd: other, env: { COMPOSE_PROGRESS: 'plain' }, timeoutMs: 30_000 });
      fails(r, /compose\.yaml: services\.ghost\.image: No such image: cfeat-not-here:1/);
      fails(await d.berth(['compose', '-p', 'cfeatpull', 'up', '-d', '--pull', 'sometimes'], { cwd: other }), 'invalid --pull option "sometimes"');
      assert.equal(ok(await d.docker(['ps', '-aq', '--filter', 'label=com.docker.compose.project=cfeatpull'])), '');
    } finally {
      await d.berth(['compose', '-p', 'cfeatpull', 'down'], { cwd: other }).catch(() => undefined);
      await fsp.rm(other, { recursive: true, force: true });
    }
  });
});
