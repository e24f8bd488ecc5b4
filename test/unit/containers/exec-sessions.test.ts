// Exec sessions are collected: never-started ones after a bounded time, a stopped container's at
// once. The ExecManager here runs against a stand-in container service (records only, no runtime).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExecManager } from '../../../src/engine/containers/exec.js';
import { NotFoundError } from '../../../src/engine/errors.js';
import type { ContainerService } from '../../../src/engine/containers/service.js';

function fakeService(root: string) {
  const rec = { id: 'c'.repeat(64), name: '/x', state: { Running: true, Paused: false }, execIds: [] as string[] };
  const svc = {
    o: { execRoot: root },
    socketDir: path.join(root, 's'),
    get: () => rec,
    store: { find: (id: string) => (id === rec.id ? rec : undefined) },
    emit: () => undefined,
  };
  return { rec, svc: svc as unknown as ContainerService };
}

/** Resolves once `check` holds, polling each few ms (the sweeper runs on a timer). */
async function until(what: string, check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('exec sessions', () => {
  it('drops a session created and never started once its time is up', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'exec-gc-'));
    try {
      const { rec, svc } = fakeService(root);
      const execs = new ExecManager(svc, { unstarted: 50 });
      const { Id } = execs.create(rec.id, { Cmd: ['true'] });
      assert.equal(execs.size, 1);
      assert.deepEqual(rec.execIds, [Id]);
      await until('the unstarted session to go', () => execs.size === 0);
      assert.throws(() => execs.get(Id), NotFoundError);
      assert.deepEqual(rec.execIds, []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('keeps a session created and not yet due', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'exec-gc-'));
    try {
      const { rec, svc } = fakeService(root);
      const execs = new ExecManager(svc, { unstarted: 60_000 });
      const { Id } = execs.create(rec.id, { Cmd: ['true'] });
      assert.equal(execs.get(Id).id, Id);
      execs.containerStopped(rec.id);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("drops a stopped container's sessions at once and clears its ExecIDs", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'exec-gc-'));
    try {
      const { rec, svc } = fakeService(root);
      const execs = new ExecManager(svc, { unstarted: 60_000 });
      execs.create(rec.id, { Cmd: ['true'] });
      execs.create(rec.id, { Cmd: ['sh'] });
      assert.equal(execs.size, 2);
      rec.state.Running = false;
      execs.containerStopped(rec.id);
      assert.equal(execs.size, 0);
      assert.deepEqual(rec.execIds, []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
