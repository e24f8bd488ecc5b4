// A registry killed (SIGKILL) in the middle of uploads leaves no corrupt blob and no dangling
// manifest; after a restart the interrupted chunked session resumes and gc clears the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { RegistryClient, bufferSource } from '../../../src/registry/client/index.js';
import { collectGarbage } from '../../../src/registry/server/gc.js';
import { freePort, sha256, tempDir } from './helpers.js';
import { waitFor, waitForOutput } from '../support/proc.js';
import { TEMP_MARK } from '../../../src/util/fs.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/registry/server/bin.js');

async function startServer(root: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--addr', `127.0.0.1:${port}`, '--root', root, '-q'], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    // It says so on stderr once its socket listens.
    await waitForOutput(child, child.stderr!, /berth registry listening on/);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  child.stderr!.resume();
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

/** Every file in blobs/ must hash to its name. */
async function assertStoreConsistent(root: string): Promise<number> {
  let n = 0;
  const base = path.join(root, 'blobs', 'sha256');
  for (const prefix of await fsp.readdir(base)) {
    for (const name of await fsp.readdir(path.join(base, prefix))) {
      if (name.includes('.tmp-')) continue;
      assert.equal(sha256(await fsp.readFile(path.join(base, prefix, name))), `sha256:${name}`);
      n++;
    }
  }
  return n;
}

test('SIGKILL mid-upload: no corrupt blob, session resumes after restart', async () => {
  const root = await tempDir();
  const port = await freePort();
  let child = await startServer(root, port);
  const client = new RegistryClient({ credentials: () => undefined, retries: 1, retryBaseMs: 10 });
  try {
    const big = randomBytes(4 * 1024 * 1024);
    const digest = sha256(big);
    // 1. A monolithic upload whose body is cut by the kill.
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/v2/crash/blobs/uploads/?digest=${digest}`, headers: { 'Content-Length': big.length } });
    req.on('error', () => {});
    req.write(big.subarray(0, 1024 * 1024));
    // 2. A chunked session with one chunk in.
    const s = await fetch(`http://127.0.0.1:${port}/v2/crash/blobs/uploads/`, { method: 'POST' });
    const location = s.headers.get('location')!;
    const patch = await fetch(`http://127.0.0.1:${port}${location}`, { method: 'PATCH', body: big.subarray(0, 1_000_000), headers: { 'Content-Range': '0-999999' } });
    assert.equal(patch.status, 202);
    // The kill must cut the monolithic upload mid-body: wait until the server has its first bytes
    // in a temp file. (Another process's file growing has no event: poll, bounded.)
    const uploads = path.join(root, 'uploads');
    await waitFor('the monolithic upload to reach the disk', async () => {
      for (const name of await fsp.readdir(uploads)) {
        if (name.startsWith(TEMP_MARK) && (await fsp.stat(path.join(uploads, name))).size > 0) return true;
      }
      return false;
    }, 10_000, 10);
    await kill(child);
    req.destroy();
    assert.equal(await assertStoreConsistent(root), 0);

    child = await startServer(root, port);
    const target = { registry: `127.0.0.1:${port}`, repository: 'crash' };
    assert.equal(await client.blobExists(target, digest), undefined);
    // The session survived; its hash state did not, so the server re-hashes the file at the end.
    await client.resumeUpload(target, location, digest, bufferSource(big), 1024 * 1024);
    assert.equal(await client.blobExists(target, digest), big.length);
    assert.equal(await assertStoreConsistent(root), 1);
    // The manifest never existed: nothing dangles, tags list is unknown.
    assert.equal((await fetch(`http://127.0.0.1:${port}/v2/crash/tags/list`)).status, 404);
    await kill(child);
    const gc = await collectGarbage(root, { uploadMaxAgeMs: 0 });
    assert.deepEqual(gc.deleted, [digest]);
    assert.deepEqual(await fsp.readdir(path.join(root, 'uploads')), []);
    // A leftover blob still verifies: push a fresh one after gc.
    child = await startServer(root, port);
    const small = randomBytes(1000);
    await client.pushBlob(target, sha256(small), bufferSource(small));
    assert.equal(await assertStoreConsistent(root), 1);
  } finally {
    client.close();
    await kill(child);
    await fsp.rm(root, { recursive: true, force: true });
  }
});
