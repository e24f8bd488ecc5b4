// The real docker CLI against a real berthd: tag, push, rmi, pull back from berth's registry on
// loopback, an unknown tag, and login against a registry with htpasswd (credentials then sent by
// the CLI in X-Registry-Auth). Also the wire: the pull stream's lines as dockerd writes them.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import bcrypt from 'bcryptjs';
import { startRegistry, type RunningRegistry } from '../../../src/registry/server/server.js';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { fails, ok } from '../support/assert.js';
import { tempDir } from './helpers.js';

const skip = integrationSkipReason();

describe('docker CLI pull/push/login through berthd', { skip }, () => {
  let d: Daemon;
  let open: RunningRegistry;
  let locked: RunningRegistry;
  const roots: string[] = [];

  before(async () => {
    d = await startDaemon({ name: 'pull' });
    const r1 = await tempDir('berth-pull-reg-');
    const r2 = await tempDir('berth-pull-reg-');
    roots.push(r1, r2);
    open = await startRegistry({ root: r1, addr: '127.0.0.1:0' });
    locked = await startRegistry({ root: r2, addr: '127.0.0.1:0', htpasswdText: `dave:${bcrypt.hashSync('pw', 5)}\n` });
  });

  after(async () => {
    await d?.cleanup();
    await open?.close();
    await locked?.close();
    for (const r of roots) await fsp.rm(r, { recursive: true, force: true });
  });

  test('tag, push, rmi, pull, images, inspect', async () => {
    const repo = `localhost:${open.port}/box`;
    ok(await d.docker(['tag', 'busybox', repo]));
    const push = ok(await d.docker(['push', repo], { timeoutMs: 60_000 }), 'push');
    assert.match(push, new RegExp(`The push refers to repository \\[${repo}\\]`));
    const digest = /latest: digest: (sha256:[a-f0-9]{64}) size: \d+/.exec(push)?.[1];
    assert.ok(digest, push);
    const again = ok(await d.docker(['push', repo]), 'second push');
    assert.match(again, /Layer already exists/);

    ok(await d.docker(['rmi', repo, 'busybox']), 'rmi');
    assert.equal(ok(await d.docker(['images', '-q'])), '');
    const pull = ok(await d.docker(['pull', repo], { timeoutMs: 60_000 }), 'pull');
    assert.match(pull, /latest: Pulling from box/);
    assert.match(pull, /Pull complete/);
    assert.match(pull, new RegExp(`Digest: ${digest}`));
    assert.match(pull, new RegExp(`Status: Downloaded newer image for ${repo}:latest`));
    assert.match(pull, new RegExp(`^${repo}:latest$`, 'm'));
    assert.match(ok(await d.docker(['pull', repo])), /Image is up to date/);
    assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{json .RepoDigests}}', repo])), JSON.stringify([`${repo}@${digest}`]));
    assert.match(ok(await d.docker(['images', '--digests', repo])), new RegExp(digest!));
    assert.match(ok(await d.docker(['pull', `${repo}@${digest}`])), /Status: (Image is up to date|Downloaded newer image) for/);

    fails(await d.docker(['pull', `${repo}:nope`]), `manifest for ${repo}:nope not found: manifest unknown: manifest unknown`);

    // GET /distribution/{name}/json (docker service create, the SDKs' inspect_distribution):
    // the pushed manifest's descriptor and its platform, read from the registry without a pull.
    const dist = await d.api('GET', `/v1.50/distribution/${repo}/json`);
    assert.equal(dist.status, 200, dist.text);
    const body = JSON.parse(dist.text);
    assert.equal(body.Descriptor.digest, digest);
    assert.match(body.Descriptor.mediaType, /manifest/);
    assert.ok(body.Descriptor.size > 0);
    assert.deepEqual(body.Platforms, [{ architecture: 'amd64', os: 'linux' }]);
    const byDigest = JSON.parse((await d.api('GET', `/distribution/${repo}@${digest}/json`)).text);
    assert.equal(byDigest.Descriptor.digest, digest);
    const unknown = await d.api('GET', `/distribution/${repo}:nope/json`);
    assert.equal(unknown.status, 404, unknown.text);
    assert.match(JSON.parse(unknown.text).message, /manifest unknown/);
    fails(await d.docker(['push', `localhost:${open.port}/nothing`]), `An image does not exist locally with the tag: localhost:${open.port}/nothing`);

    // --all-tags: the CLI sends no tag.
    ok(await d.docker(['tag', repo, `${repo}:two`]));
    ok(await d.docker(['push', `${repo}:two`]));
    ok(await d.docker(['rmi', `${repo}:two`]));
    const all = ok(await d.docker(['pull', '--all-tags', repo]), 'pull -a');
    assert.match(all, /two: Pulling from box/);
    assert.match(all, new RegExp(`Status: (Downloaded newer image|Image is up to date) for ${repo}$`, 'm'));
    assert.match(ok(await d.docker(['images', '--format', '{{.Tag}}', repo])), /two/);
  });

  test('the pull stream on the wire', async () => {
    const repo = `localhost:${open.port}/box`;
    ok(await d.docker(['rmi', '-f', ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', repo]))]));
    const r = await d.api('POST', `/v1.50/images/create?fromImage=${encodeURIComponent(repo)}&tag=latest`, undefined, { headers: { 'X-Registry-Auth': 'e30=' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    const lines = r.text.split('\r\n').filter(Boolean);
    assert.equal(lines[0], '{"status":"Pulling from box","id":"latest"}');
    assert.match(lines[1]!, /^\{"status":"Pulling fs layer","progressDetail":\{\},"id":"[a-f0-9]{12}"\}$/);
    assert.ok(lines.some((l) => /^\{"status":"Downloading","progressDetail":\{"current":\d+,"total":\d+\},"progress":"\[=*\\u003e\s*\] [^"]+","id":"[a-f0-9]{12}"\}$/.test(l)), r.text);
    assert.match(lines.at(-1)!, /^\{"status":"Status: Downloaded newer image for localhost:\d+\/box:latest"\}$/);
    const missing = await d.api('POST', `/images/create?fromImage=${encodeURIComponent(repo)}&tag=nope`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { message: `manifest for ${repo}:nope not found: manifest unknown: manifest unknown` });
  });

  test('login, push and pull with credentials', async () => {
    const host = `localhost:${locked.port}`;
    fails(await d.docker(['login', host, '-u', 'dave', '--password-stdin'], { input: 'wrong\n' }), `login attempt to http://${host}/v2/ failed with status: 401 Unauthorized`);
    assert.match(ok(await d.docker(['login', host, '-u', 'dave', '--password-stdin'], { input: 'pw\n' }), 'login'), /Login Succeeded/);
    ok(await d.docker(['pull', `localhost:${open.port}/box`]));
    ok(await d.docker(['tag', `localhost:${open.port}/box`, `${host}/secret:1`]));
    ok(await d.docker(['push', `${host}/secret:1`], { timeoutMs: 60_000 }), 'push with credentials');
    ok(await d.docker(['rmi', `${host}/secret:1`]));
    assert.match(ok(await d.docker(['pull', `${host}/secret:1`]), 'pull with credentials'), /Status: /);
    ok(await d.docker(['logout', host]));
    ok(await d.docker(['rmi', `${host}/secret:1`]));
    fails(await d.docker(['pull', `${host}/secret:1`]), /pull access denied|no basic auth credentials|unauthorized/);
  });
});
