// The engine-side hooks: ensureImage's pull policies, Docker Hub references through a configured
// mirror, and a pull abandoned by its client (signal) leaving nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Engine } from '../../../src/engine/engine.js';
import { removeIptablesChains } from '../support/cleanup.js';
import { runCommand } from '../support/proc.js';
import { ensureImage, pullIntoStore } from '../../../src/engine/images/pull.js';
import { pushFromStore } from '../../../src/engine/images/push.js';
import { NotFoundError } from '../../../src/engine/errors.js';
import { startRegistry } from '../../../src/registry/server/server.js';
import { canRun, layeredImage, loadBusybox, newStore, recorder, settings, tempDir } from './helpers.js';

// The engine brings up its network manager: give it its own bridge and iptables chains (never the
// production berth0/BERTH a real berthd on this host may use), removed again by closeEngine.
const TAG = randomBytes(2).toString('hex');
const BRIDGE = `bp${TAG}0`;
const CHAIN_PREFIX = `BP${TAG.toUpperCase()}`;

async function closeEngine(engine: Engine): Promise<void> {
  await engine.close();
  await removeIptablesChains(CHAIN_PREFIX);
  await runCommand('ip', ['link', 'del', BRIDGE], { timeoutMs: 5000 }).catch(() => undefined);
}

async function openEngine(root: string, mirrors: string[] = []): Promise<Engine> {
  return Engine.open({
    defaultBridge: BRIDGE,
    iptablesPrefix: CHAIN_PREFIX,
    dataRoot: path.join(root, 'data'),
    execRoot: path.join(root, 'exec'),
    defaultRuntime: 'runc',
    runtimes: { runc: 'runc' },
    conmonPath: 'conmon',
    storageDriver: 'vfs',
    insecureRegistries: [],
    registryMirrors: mirrors,
  });
}

test('ensureImage: never, missing, always; Docker Hub names through a mirror', { skip: canRun }, async () => {
  const regRoot = await tempDir('berth-pull-reg-');
  const reg = await startRegistry({ root: regRoot, addr: '127.0.0.1:0' });
  const src = await newStore();
  const root = await tempDir('berth-pull-engine-');
  const engine = await openEngine(root, [`http://${reg.host}`]);
  try {
    const img = await loadBusybox(src.store);
    // The mirror serves docker.io/library/busybox as library/busybox.
    await src.store.tag(img.id, `${reg.host}/library/busybox:latest`);
    await pushFromStore(src.store, settings, `${reg.host}/library/busybox:latest`);

    await assert.rejects(ensureImage(engine, 'busybox', { pull: 'never' }), (e: Error) => e instanceof NotFoundError && e.message === 'No such image: busybox:latest');
    const events: string[] = [];
    engine.events.on('event', (e) => events.push(`${e.Action} ${e.Actor.ID}`));
    const p = recorder();
    const got = await ensureImage(engine, 'busybox', { pull: 'missing', progress: p.sink });
    assert.equal(got.id, img.id);
    assert.deepEqual(p.messages[0], { status: 'Pulling from library/busybox', id: 'latest' });
    assert.ok(events.includes('pull busybox:latest'), events.join(','));
    assert.deepEqual(engine.images.get('busybox').repoTags, ['busybox:latest']);

    // Present: no registry needed for `missing`; `always` asks it again.
    await reg.close();
    assert.equal((await ensureImage(engine, 'busybox:latest', { pull: 'missing' })).id, img.id);
    await assert.rejects(ensureImage(engine, 'busybox', { pull: 'always' }), /connection refused|ECONNREFUSED|no such host|lookup/);
    await assert.rejects(ensureImage(engine, 'busybox', { pull: 'missing', platform: 'linux/s390x' }));
  } finally {
    await reg.close().catch(() => {});
    await closeEngine(engine);
    await src.close();
    await fsp.rm(root, { recursive: true, force: true });
    await fsp.rm(regRoot, { recursive: true, force: true });
  }
});

test('a pull whose client goes away stops and leaves no image', { skip: canRun }, async () => {
  const regRoot = await tempDir('berth-pull-reg-');
  const reg = await startRegistry({ root: regRoot, addr: '127.0.0.1:0' });
  const a = await newStore();
  const b = await newStore();
  try {
    const img = await layeredImage(a.store, `${reg.host}/gone:1`, [8_000_000]);
    await pushFromStore(a.store, settings, `${reg.host}/gone:1`);
    const ctl = new AbortController();
    const sink = (m: { status?: string }) => {
      if (m.status === 'Downloading') ctl.abort(new Error('client disconnected'));
    };
    await assert.rejects(pullIntoStore(b.store, settings, `${reg.host}/gone:1`, { progress: sink, signal: ctl.signal }), /client disconnected/);
    assert.equal(b.store.find(img.id), undefined);
    assert.equal(b.store.find(`${reg.host}/gone:1`), undefined);
    // Nothing half-done is left: no staged downloads, no temp unpack dirs or blobs.
    const leftovers = async (dir: string) => (await fsp.readdir(dir).catch(() => [] as string[])).filter((n) => n.includes('.tmp-'));
    assert.deepEqual(await fsp.readdir(path.join(b.root, 'distribution', 'tmp')).catch(() => []), []);
    assert.deepEqual(await leftovers(path.join(b.root, 'layers')), []);
    assert.deepEqual(await leftovers(path.join(b.root, 'blobs', 'sha256')), []);
    const again = await pullIntoStore(b.store, settings, `${reg.host}/gone:1`);
    assert.equal(again.images[0]!.id, img.id);
  } finally {
    await a.close();
    await b.close();
    await reg.close();
    await fsp.rm(regRoot, { recursive: true, force: true });
  }
});
