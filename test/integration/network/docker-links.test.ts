// Legacy links on the default bridge through the docker CLI and docker-compose 1.29, as dockerd 28
// makes them: /etc/hosts entries, the environment variables (moby daemon/links), HostConfig.Links
// in "/child:/parent/alias" form, `docker rm --link`, and a version-2 compose file's `links:`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { runCommand } from '../support/proc.js';
import { cleanupWithNetworks } from './docker-support.js';

function composeSkipReason(): string | undefined {
  if (spawnSync('sh', ['-c', 'command -v docker-compose'], { stdio: 'ignore' }).status !== 0) return 'docker-compose (Debian package docker-compose) is not installed: run scripts/bootstrap.sh';
  return undefined;
}

/** `env` output as a map. */
function envOf(out: string): Record<string, string> {
  return Object.fromEntries(
    out
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('legacy links on the default bridge', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let dbIp = '';
  let dbId = '';
  before(async () => {
    d = await startDaemon({ name: 'nlink', defaultNetwork: 'bridge' });
    ok(await d.docker(['run', '-d', '--name', 'db', '-e', 'SECRET=s3', '-e', 'MODE=primary', '--expose', '5432', '--expose', '8000-8001/udp', 'busybox', 'sleep', '600']));
    dbIp = ok(await d.docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'db']));
    dbId = ok(await d.docker(['inspect', '-f', '{{.Id}}', 'db']));
  });
  after(() => cleanupWithNetworks(d));

  it('--link name:alias gives the environment dockerd writes and the hosts entry', async () => {
    const out = ok(await d.docker(['run', '--rm', '--name', 'web', '--link', 'db:my-db', '-e', 'MY_DB_ENV_MODE=mine', 'busybox', 'sh', '-c', 'env; echo ---; cat /etc/hosts']));
    const [envText, hosts] = out.split('---');
    const env = envOf(envText);
    assert.equal(env.MY_DB_PORT, `tcp://${dbIp}:5432`);
    assert.equal(env.MY_DB_PORT_5432_TCP, `tcp://${dbIp}:5432`);
    assert.equal(env.MY_DB_PORT_5432_TCP_ADDR, dbIp);
    assert.equal(env.MY_DB_PORT_5432_TCP_PORT, '5432');
    assert.equal(env.MY_DB_PORT_5432_TCP_PROTO, 'tcp');
    assert.equal(env.MY_DB_PORT_8000_UDP, `udp://${dbIp}:8000`);
    assert.equal(env.MY_DB_PORT_8001_UDP_PROTO, 'udp');
    // A range of consecutive ports also gets _START/_END.
    assert.equal(env.MY_DB_PORT_8000_UDP_START, `udp://${dbIp}:8000`);
    assert.equal(env.MY_DB_PORT_8000_UDP_END, `udp://${dbIp}:8001`);
    assert.equal(env.MY_DB_PORT_8000_UDP_PORT_START, '8000');
    assert.equal(env.MY_DB_PORT_8000_UDP_PORT_END, '8001');
    assert.equal(env.MY_DB_NAME, '/web/my-db');
    assert.equal(env.MY_DB_ENV_SECRET, 's3');
    // The container's own -e wins over a link's variable of the same name.
    assert.equal(env.MY_DB_ENV_MODE, 'mine');
    assert.equal(env.MY_DB_ENV_PATH, undefined, 'PATH and HOME are not passed on');
    assert.match(hosts, new RegExp(`^${dbIp.replace(/\./g, '\\.')}\\tmy-db ${dbId.slice(0, 12)} db$`, 'm'));
  });

  it('inspect shows HostConfig.Links as "/child:/parent/alias", also after a rename of the parent', async () => {
    ok(await d.docker(['create', '--name', 'app', '--link', 'db', '--link', 'db:database', 'busybox', 'true']));
    const links = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .HostConfig.Links}}', 'app']))) as string[];
    assert.deepEqual(links.sort(), ['/db:/app/database', '/db:/app/db']);
    ok(await d.docker(['rename', 'app', 'app2']));
    const renamed = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .HostConfig.Links}}', 'app2']))) as string[];
    assert.deepEqual(renamed.sort(), ['/db:/app2/database', '/db:/app2/db']);
    ok(await d.docker(['rm', 'app2']));
    assert.equal(ok(await d.docker(['inspect', '-f', '{{json .HostConfig.Links}}', 'db'])), 'null');
  });

  it('a link to a container that does not exist is a 400 at create', async () => {
    const r = await d.api('POST', '/containers/create', { Image: 'busybox', HostConfig: { Links: ['nosuch:x'] } });
    assert.equal(r.status, 400, r.text);
    assert.equal((r.json as { message: string }).message, 'could not get container for nosuch: No such container: nosuch');
    const host = await d.api('POST', '/containers/create', { Image: 'busybox', HostConfig: { NetworkMode: 'host', Links: ['db:x'] } });
    assert.equal(host.status, 400, host.text);
    assert.match((host.json as { message: string }).message, /host type networking can't be used with links/);
  });

  it('docker rm --link parent/alias removes the link, not a container', async () => {
    ok(await d.docker(['create', '--name', 'client', '--link', 'db:store', 'busybox', 'sh', '-c', 'env']));
    ok(await d.docker(['rm', '--link', '/client/store']));
    assert.equal(ok(await d.docker(['inspect', '-f', '{{json .HostConfig.Links}}', 'client'])), 'null');
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Running}}', 'db'])), 'true', 'the linked container stays');
    ok(await d.docker(['start', 'client']));
    assert.equal(ok(await d.docker(['wait', 'client'])), '0');
    assert.doesNotMatch(ok(await d.docker(['logs', 'client'])), /STORE_/);
    // The same link again: gone (404); a container's own name is not a link (dockerd's 500).
    const again = await d.api('DELETE', '/containers/client/store?link=1');
    assert.equal(again.status, 404, again.text);
    const own = await d.api('DELETE', '/containers/client?link=1');
    assert.equal(own.status, 500, own.text);
    assert.equal((own.json as { message: string }).message, 'Conflict, cannot remove the default link name of the container');
    ok(await d.docker(['rm', 'client']));
  });

  it('docker-compose 1.29: links in a version-2 file on the default bridge', { skip: composeSkipReason() }, async () => {
    const dir = await fsp.mkdtemp('/tmp/berth-links-');
    const compose = (args: string[]) => runCommand('docker-compose', ['-p', 'lk', '--ansi', 'never', ...args], { cwd: dir, env: d.env, timeoutMs: 120_000 });
    try {
      await fsp.writeFile(
        path.join(dir, 'docker-compose.yml'),
        [
          "version: '2.4'",
          'services:',
          '  store:',
          '    image: busybox',
          '    network_mode: bridge',
          '    command: sleep 600',
          '    expose: ["6379"]',
          '    environment: { ROLE: cache }',
          '  app:',
          '    image: busybox',
          '    network_mode: bridge',
          '    command: sh -c "env; cat /etc/hosts; sleep 600"',
          '    links: ["store:redis"]',
          '',
        ].join('\n'),
      );
      ok(await compose(['up', '-d']), 'up -d');
      const storeIp = ok(await d.docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'lk_store_1']));
      const env = envOf(ok(await compose(['exec', '-T', 'app', 'env'])));
      assert.equal(env.REDIS_PORT, `tcp://${storeIp}:6379`);
      assert.equal(env.REDIS_ENV_ROLE, 'cache');
      assert.equal(env.REDIS_NAME, '/lk_app_1/redis');
      const hosts = ok(await compose(['exec', '-T', 'app', 'cat', '/etc/hosts']));
      assert.match(hosts, new RegExp(`^${storeIp.replace(/\./g, '\\.')}\\tredis .*lk_store_1`, 'm'));
      const links = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .HostConfig.Links}}', 'lk_app_1']))) as string[];
      assert.ok(links.includes('/lk_store_1:/lk_app_1/redis'), JSON.stringify(links));
      ok(await compose(['down', '-t', '1']), 'down');
    } finally {
      await compose(['down', '-t', '1']).catch(() => undefined);
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});
