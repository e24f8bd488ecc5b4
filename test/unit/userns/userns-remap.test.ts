// --userns-remap's pure parts: subordinate-ID files, the mapping, the spec it puts in config.json,
// the daemon flag and config key, and the create fields it refuses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freeRange, procMapText, rootPair, subordinateRanges, toContainer, toHost, toIdRanges } from '../../../src/engine/userns/id-mapping.js';
import { parseDaemonArgs } from '../../../src/daemon/config.js';
import { verifyCreateFields } from '../../../src/engine/containers/create-fields.js';

const SUBUID = 'alice:100000:65536\n# comment\nberth-remap:165536:65536\n1001:300000:1000\nberth-remap:400000:10\n';

describe('subordinate ID ranges', () => {
  it("reads a user's ranges in file order, by name or number", () => {
    assert.deepEqual(subordinateRanges(SUBUID, ['berth-remap']), [{ start: 165536, count: 65536 }, { start: 400000, count: 10 }]);
    assert.deepEqual(subordinateRanges(SUBUID, ['bob', '1001']), [{ start: 300000, count: 1000 }]);
    assert.deepEqual(subordinateRanges(SUBUID, ['nobody']), []);
  });

  it('lays ranges end to end from container ID 0, as dockerd', () => {
    const uids = toIdRanges(subordinateRanges(SUBUID, ['berth-remap']));
    assert.deepEqual(uids, [
      { containerID: 0, hostID: 165536, size: 65536 },
      { containerID: 65536, hostID: 400000, size: 10 },
    ]);
    assert.equal(toHost(uids, 0), 165536);
    assert.equal(toHost(uids, 65537), 400001);
    assert.throws(() => toHost(uids, 65546));
    assert.equal(toContainer(uids, 165537), 1);
    assert.equal(toContainer(uids, 0), undefined);
    assert.deepEqual(rootPair({ uids, gids: toIdRanges([{ start: 200000, count: 5 }]) }), { uid: 165536, gid: 200000 });
    assert.equal(procMapText(uids), '0 165536 65536\n65536 400000 10\n');
  });

  it('finds the first free 65536 IDs from 100000 past the ranges in use', () => {
    assert.equal(freeRange(''), 100000);
    assert.equal(freeRange('a:100000:65536\n'), 165536);
    assert.equal(freeRange('a:300000:65536\nb:100000:65536\n'), 165536);
    assert.equal(freeRange('a:150000:65536\n'), 215536);
    assert.equal(freeRange('a:1000:10\n'), 100000);
  });
});

describe('userns-remap setting', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-userns-'));
  const empty = path.join(dir, 'empty.json');
  writeFileSync(empty, '{}');

  it('comes from --userns-remap, else the config file, and is off by default', () => {
    assert.equal(parseDaemonArgs(['--config-file', empty]).usernsRemapSpec, undefined);
    assert.equal(parseDaemonArgs(['--config-file', empty, '--userns-remap', 'default']).usernsRemapSpec, 'default');
    const file = path.join(dir, 'remap.json');
    writeFileSync(file, JSON.stringify({ 'userns-remap': 'alice:staff' }));
    assert.equal(parseDaemonArgs(['--config-file', file]).usernsRemapSpec, 'alice:staff');
    assert.equal(parseDaemonArgs(['--config-file', file, '--userns-remap=bob']).usernsRemapSpec, 'bob');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('create fields under userns-remap', () => {
  const verify = (hc: Record<string, unknown>, usernsRemap = true) => verifyCreateFields(hc as any, {}, { caps: { swapLimit: true, memorySwappiness: true, oomKillDisable: true }, cpus: 2, usernsRemap });

  it("refuses privileged, host network and host PID unless --userns=host, in dockerd's words", () => {
    assert.throws(() => verify({ Privileged: true }), /privileged mode is incompatible with user namespaces/);
    assert.throws(() => verify({ NetworkMode: 'host' }), /cannot share the host's network namespace when user namespaces are enabled/);
    assert.throws(() => verify({ PidMode: 'host' }), /cannot share the host PID namespace when user namespaces are enabled/);
    assert.doesNotThrow(() => verify({ Privileged: true, NetworkMode: 'host', PidMode: 'host', UsernsMode: 'host' }));
    assert.doesNotThrow(() => verify({ Privileged: true, NetworkMode: 'host' }, false));
  });
});
