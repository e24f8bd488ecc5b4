// The dashboard's registry page in a real browser: `berth registry serve` on loopback (given with
// --registry) holding two tags of busybox pushed with the docker CLI through a real berthd, browsed
// repositories → tags → layers and config, one tag deleted from the page; then Debian's
// docker-registry with htpasswd and deletes off, reached through the page's log-in form.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import type { Browser, Page } from 'playwright-core';
import { BERTH, startDaemon, type Daemon } from '../integration/harness.js';
import { distributionSkip, startDistribution, type Distribution } from '../integration/support/distribution.js';
import { describeResult, waitForOutput, type CmdResult } from '../integration/support/proc.js';
import { freePort } from '../integration/registry/helpers.js';
import { RegistryClient } from '../../src/registry/client/index.js';
import { MEDIA } from '../../src/registry/oci.js';
import { e2eSkipReason, openSignedInPage, shot, startDashboard } from './support/dashboard.js';

const REPO = 'e2e/busybox';

function ok(r: CmdResult, what: string): string {
  assert.equal(r.code, 0, `${what}: ${describeResult(r)}`);
  return r.stdout;
}

/** GET on a loopback registry, as a client other than the dashboard would see it. */
async function registryGet(host: string, p: string, auth?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://${host}${p}`, { headers: auth ? { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {} });
  return { status: res.status, body: await res.json() };
}

describe('berth dashboard registry page in a browser', { skip: e2eSkipReason() }, () => {
  let dir: string;
  let registry: ChildProcess | undefined;
  let regHost: string;
  let d: Daemon;
  let dash: { proc: ChildProcess; loginUrl: string; base: string };
  let browser: Browser;
  let page: Page;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'berth-e2e-registry-'));
    regHost = `127.0.0.1:${await freePort()}`;
    registry = spawn(process.execPath, [BERTH, 'registry', 'serve', '--addr', regHost, '--root', path.join(dir, 'berth-registry'), '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    await waitForOutput(registry, registry.stderr!, /listening on /);
    d = await startDaemon({ name: 'dashreg', defaultNetwork: 'none' });
    // Two tags with different manifests (a tag deleted by digest must not take the other along).
    ok(await d.docker(['tag', 'busybox', `${regHost}/${REPO}:one`]), 'tag');
    ok(await d.docker(['create', '--name', 'dashreg-two', 'busybox', 'true']), 'create');
    ok(await d.docker(['commit', '-c', 'LABEL e2e.tag=two', 'dashreg-two', `${regHost}/${REPO}:two`]), 'commit');
    for (const tag of ['one', 'two']) ok(await d.docker(['push', `${regHost}/${REPO}:${tag}`], { timeoutMs: 90_000 }), `push ${tag}`);
    // A manifest list over the two, as buildx would push it (the docker CLI cannot).
    const client = new RegistryClient({ credentials: () => undefined, retries: 1 });
    try {
      const entry = async (tag: string, architecture: string) => {
        const head = (await client.headManifest({ registry: regHost, repository: REPO, tag }))!;
        return { mediaType: head.mediaType, digest: head.digest, size: head.size, platform: { os: 'linux', architecture } };
      };
      const list = { schemaVersion: 2, mediaType: MEDIA.dockerManifestList, manifests: [await entry('one', 'amd64'), await entry('two', 'arm64')] };
      await client.putManifest({ registry: regHost, repository: REPO, tag: 'multi' }, Buffer.from(JSON.stringify(list)), MEDIA.dockerManifestList);
    } finally {
      client.close();
    }
    dash = await startDashboard(d, ['--registry', regHost]);
    ({ browser, page } = await openSignedInPage(dash.loginUrl, { width: 1280, height: 900 }));
  });
  after(async () => {
    await browser?.close();
    dash?.proc.kill('SIGTERM');
    if (registry && registry.exitCode === null) {
      const exited = new Promise((r) => registry!.once('exit', r));
      registry.kill('SIGTERM');
      await exited;
    }
    await d?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('browses repositories → tags → layers and config, and deletes a tag from the page', async () => {
    await page.click('header nav a[href="#/registry"]');
    const repoRow = `section[data-registry="${regHost}"] tr[data-repo="${REPO}"]`;
    await page.waitForSelector(`${repoRow}[data-tags="3"]`);
    await shot(page, 'registry');

    await page.click(`${repoRow} td.name a`);
    await page.waitForSelector('.registry-repo tr[data-tag="one"]');
    await page.waitForSelector('.registry-repo tr[data-tag="two"]');
    await page.waitForSelector('.registry-repo tr[data-tag="multi"] a.platform[data-platform="linux/arm64"]');
    await shot(page, 'registry-tags');
    const one = await registryGet(regHost, `/v2/${REPO}/manifests/one`);
    assert.equal(one.status, 200);
    const digestOne = await page.getAttribute('tr[data-tag="one"]', 'data-digest');
    const digestTwo = await page.getAttribute('tr[data-tag="two"]', 'data-digest');
    assert.match(digestOne ?? '', /^sha256:[a-f0-9]{64}$/);
    assert.notEqual(digestOne, digestTwo);
    // The size is the sum of the layers the registry holds.
    const layerSum = (one.body.layers as { size: number }[]).reduce((a, l) => a + l.size, 0);
    assert.ok(layerSum > 0);
    assert.match((await page.textContent('tr[data-tag="one"] td.size')) ?? '', /\d+(\.\d)? (B|KiB|MiB)/);

    await page.click('tr[data-tag="one"] td.name a');
    await page.waitForSelector('.registry-manifest table.layers tr[data-layer]');
    const layers = await page.$$eval('.registry-manifest table.layers tr[data-layer]', (rows) => rows.map((r) => r.getAttribute('data-layer')));
    assert.deepEqual(layers, (one.body.layers as { digest: string }[]).map((l) => l.digest));
    assert.equal(await page.getAttribute('.registry-manifest', 'data-digest'), digestOne);
    assert.match((await page.textContent('.registry-manifest .config')) ?? '', /PATH=/);
    await shot(page, 'registry-tag');

    // The list's arm64 entry is tag two's manifest: its config carries the label the commit set.
    await page.click('.registry-manifest h2 a[href*="busybox"]');
    await page.click('tr[data-tag="multi"] a.platform[data-platform="linux/arm64"]');
    await page.waitForSelector('.registry-manifest table.labels');
    assert.equal(await page.getAttribute('.registry-manifest', 'data-digest'), digestTwo);
    assert.match((await page.textContent('.registry-manifest table.labels')) ?? '', /e2e\.tag\s*two/);

    // The registry routes keep the dashboard's rules: no session, nothing; a DELETE without the CSRF header, refused.
    const manifestUrl = `${dash.base}api/registries/${encodeURIComponent(regHost)}/repositories/${encodeURIComponent(REPO)}/manifests/${digestTwo}`;
    assert.equal((await fetch(`${dash.base}api/registries`)).status, 401);
    assert.equal(await page.evaluate(async (u) => (await fetch(u, { method: 'DELETE' })).status, manifestUrl), 403);
    await page.click('.registry-manifest h2 a[href*="busybox"]');
    await page.click('tr[data-tag="two"] button[data-action="delete"]');
    await page.waitForSelector('tr[data-tag="two"]', { state: 'detached' });
    await page.waitForSelector('tr[data-tag="one"]');
    assert.deepEqual((await registryGet(regHost, `/v2/${REPO}/tags/list`)).body.tags.sort(), ['multi', 'one']);
  });

  it('logs in to a registry with htpasswd from the page and shows its error when deletes are off', { skip: distributionSkip }, async () => {
    const distDir = path.join(dir, 'distribution');
    mkdirSync(distDir);
    let dist: Distribution | undefined;
    try {
      dist = await startDistribution(distDir, { htpasswd: `dave:${bcrypt.hashSync('pw', 5)}\n` });
      ok(await d.docker(['login', dist.host, '-u', 'dave', '--password-stdin'], { input: 'pw' }), 'docker login');
      ok(await d.docker(['tag', 'busybox', `${dist.host}/private/busybox:latest`]), 'tag');
      ok(await d.docker(['push', `${dist.host}/private/busybox:latest`], { timeoutMs: 90_000 }), 'push');

      await page.goto(`${dash.base}#/registry`);
      await page.fill('.registry-login input[name="registry"]', dist.host);
      await page.fill('.registry-login input[name="username"]', 'dave');
      await page.fill('.registry-login input[name="password"]', 'wrong');
      await page.click('.registry-login button[type="submit"]');
      await page.waitForSelector('.registry-login .error');
      assert.match((await page.textContent('.registry-login .error')) ?? '', /401|unauthorized/i);

      await page.fill('.registry-login input[name="password"]', 'pw');
      await page.click('.registry-login button[type="submit"]');
      await page.waitForSelector(`section[data-registry="${dist.host}"] tr[data-repo="private/busybox"][data-tags="1"]`);
      // The password went to the dashboard server, not back to the page.
      const listed = await page.evaluate(async () => (await fetch('/api/registries')).text());
      assert.doesNotMatch(listed, /"pw"/);
      assert.match(listed, /"user":"dave"/);

      // A repository opens by name too (registries without a catalog).
      await page.fill(`section[data-registry="${dist.host}"] .open-repo input`, 'private/busybox');
      await page.click(`section[data-registry="${dist.host}"] .open-repo button`);
      await page.click('tr[data-tag="latest"] button[data-action="delete"]');
      await page.waitForSelector('.registry-repo .action-error');
      assert.match((await page.textContent('.registry-repo .action-error')) ?? '', /405.*UNSUPPORTED/);
      assert.deepEqual((await registryGet(dist.host, '/v2/private/busybox/tags/list', 'dave:pw')).body.tags, ['latest']);
    } finally {
      await dist?.stop();
    }
  });
});
