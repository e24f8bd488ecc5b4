// Races and hangs in the lifecycle verbs (issue 11): a name taken by exactly one of two concurrent
// creates (or a create and a rename); kill that registers for the exit before signalling; stop
// that surfaces a runtime failure instead of waiting forever; unpause under the container's lock.
// Runtimes that misbehave on purpose are small wrappers around runc (--add-runtime).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { integrationSkipReason, startDaemon, waitFor, type Daemon } from '../harness.js';

const conflict = (name: string, id: string) => `Conflict. The container name "/${name}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`;

describe('lifecycle races and hangs', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let scripts: string;
  before(async () => {
    scripts = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-rt-'));
    // kill: signals, then answers only a second later (the exit is handled before kill returns).
    const slowKill = path.join(scripts, 'slowkill');
    await fsp.writeFile(slowKill, '#!/bin/sh\nfor a in "$@"; do if [ "$a" = kill ]; then runc "$@"; rc=$?; sleep 1; exit $rc; fi; done\nexec runc "$@"\n', { mode: 0o755 });
    // kill: always fails, as a broken runtime would.
    const noKill = path.join(scripts, 'nokill');
    await fsp.writeFile(noKill, '#!/bin/sh\nfor a in "$@"; do if [ "$a" = kill ]; then echo \'time="2026-01-01T00:00:00Z" level=error msg="simulated kill failure"\' >&2; exit 1; fi; done\nexec runc "$@"\n', { mode: 0o755 });
    // resume: thaws, then answers only a second later (the container exits meanwhile).
    const slowResume = path.join(scripts, 'slowresume');
    await fsp.writeFile(slowResume, '#!/bin/sh\nfor a in "$@"; do if [ "$a" = resume ]; then runc "$@"; rc=$?; sleep 1; exit $rc; fi; done\nexec runc "$@"\n', { mode: 0o755 });
    d = await startDaemon({ name: 'race', args: ['--add-runtime', `slowkill=${slowKill}`, '--add-runtime', `nokill=${noKill}`, '--add-runtime', `slowresume=${slowResume}`] });
  });
  after(async () => {
    await d?.cleanup();
    if (scripts) await fsp.rm(scripts, { recursive: true, force: true });
  });

  const create = (name: string, extra: Record<string, unknown> = {}) =>
    d.api('POST', `/containers/create?name=${name}`, { Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { NetworkMode: 'none', ...extra } });
  const inspect = async (ref: string) => (await d.api('GET', `/containers/${ref}/json`)).json;

  it('of concurrent creates with one name exactly one wins; the others get dockerd 409', async () => {
    const rs = await Promise.all(Array.from({ length: 6 }, () => create('dup')));
    const won = rs.filter((r) => r.status === 201);
    assert.equal(won.length, 1, rs.map((r) => `${r.status} ${r.text}`).join('\n'));
    for (const r of rs.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 409);
      assert.equal(r.json.message, conflict('dup', won[0].json.Id));
    }
    const list = (await d.api('GET', '/containers/json?all=1')).json.filter((c: any) => c.Names.includes('/dup'));
    assert.equal(list.length, 1);
    assert.equal(list[0].Id, won[0].json.Id);
  });

  it('a create and a rename to the same name: exactly one gets it', async () => {
    for (let i = 0; i < 4; i++) {
      const src = await create(`src${i}`);
      assert.equal(src.status, 201);
      const [c, r] = await Promise.all([create(`target${i}`), d.api('POST', `/containers/src${i}/rename?name=target${i}`)]);
      const ok = [c.status === 201, r.status === 204].filter(Boolean).length;
      assert.equal(ok, 1, `round ${i}: create ${c.status} ${c.text} / rename ${r.status} ${r.text}`);
      const loser = c.status === 201 ? r : c;
      assert.equal(loser.status, 409);
      const owner = c.status === 201 ? c.json.Id : src.json.Id;
      assert.equal(loser.json.message, conflict(`target${i}`, owner));
      assert.equal((await inspect(`target${i}`)).Id, owner);
    }
  });

  it('kill returns when the exit is handled before the runtime answers (no missed exit)', async () => {
    assert.equal((await create('slowkilled', { Runtime: 'slowkill' })).status, 201);
    assert.equal((await d.api('POST', '/containers/slowkilled/start')).status, 204);
    const r = await d.api('POST', '/containers/slowkilled/kill', undefined, { timeoutMs: 15_000 });
    assert.equal(r.status, 204, r.text);
    const st = (await inspect('slowkilled')).State;
    assert.equal(st.Status, 'exited');
    assert.equal(st.ExitCode, 137);
  });

  it('a runtime that cannot signal: kill -s answers dockerd 500, stop still ends the container (no hang)', async () => {
    assert.equal((await create('unkillable', { Runtime: 'nokill' })).status, 201);
    assert.equal((await d.api('POST', '/containers/unkillable/start')).status, 204);
    const id = (await inspect('unkillable')).Id;
    const k = await d.api('POST', '/containers/unkillable/kill?signal=TERM', undefined, { timeoutMs: 15_000 });
    assert.equal(k.status, 500);
    assert.equal(k.json.message, `Cannot kill container ${id}: simulated kill failure`);
    const t0 = Date.now();
    const s = await d.api('POST', '/containers/unkillable/stop?t=1', undefined, { timeoutMs: 20_000 });
    assert.equal(s.status, 204, s.text);
    assert.ok(Date.now() - t0 < 10_000, `stop took ${Date.now() - t0} ms`);
    assert.equal((await inspect('unkillable')).State.Status, 'exited');
  });

  it('unpause holds the lock: an exit right after the thaw is not overwritten by "running"', async () => {
    const c = await d.api('POST', '/containers/create?name=thawed', { Image: 'busybox', Cmd: ['sh', '-c', 'trap "exit 3" TERM; echo ready; while :; do sleep 0.1; done'], HostConfig: { NetworkMode: 'none', Runtime: 'slowresume' } });
    assert.equal(c.status, 201);
    assert.equal((await d.api('POST', '/containers/thawed/start')).status, 204);
    await waitFor('ready', async () => (await d.api('GET', '/containers/thawed/logs?stdout=1')).text.includes('ready'));
    assert.equal((await d.api('POST', '/containers/thawed/pause')).status, 204);
    // SIGTERM waits in the frozen process; the thaw lets it exit while the runtime still "answers" resume.
    assert.equal((await d.api('POST', '/containers/thawed/kill?signal=TERM')).status, 204);
    const un = await d.api('POST', '/containers/thawed/unpause', undefined, { timeoutMs: 20_000 });
    assert.equal(un.status, 204, un.text);
    const w = await d.api('POST', '/containers/thawed/wait', undefined, { timeoutMs: 15_000 });
    assert.equal(w.json.StatusCode, 3);
    const st = (await inspect('thawed')).State;
    assert.equal(st.Status, 'exited', JSON.stringify(st));
    assert.equal(st.Running, false);
    assert.equal(st.Paused, false);
  });

  it('wait removed/next-exit: a client that goes away withdraws its waiter', async () => {
    assert.equal((await create('waited')).status, 201);
    // Aborted waits (client timeouts) do not stop a later wait from being answered.
    for (let i = 0; i < 3; i++) await assert.rejects(d.api('POST', '/containers/waited/wait?condition=next-exit', undefined, { timeoutMs: 200 }));
    assert.equal((await d.api('POST', '/containers/waited/start')).status, 204);
    const w = d.api('POST', '/containers/waited/wait?condition=not-running', undefined, { timeoutMs: 15_000 });
    assert.equal((await d.api('POST', '/containers/waited/kill')).status, 204);
    assert.equal((await w).json.StatusCode, 137);
  });
});
