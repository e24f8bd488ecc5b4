import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { filterPsOutput } from '../../../src/engine/containers/top.js';

describe('filterPsOutput (GET /containers/{id}/top)', () => {
  const ps = ['UID          PID    PPID  C STIME TTY          TIME CMD', 'root           1       0  0 10:00 ?        00:00:01 /sbin/init splash', 'root         812       1  0 10:01 ?        00:00:00 sleep 1000', 'root         813     812  0 10:01 ?        00:00:00 sh -c echo a b', ''].join('\n');
  it("keeps the header and only the container's rows, the command with its spaces", () => {
    const r = filterPsOutput(ps, [812, 813]);
    assert.deepEqual(r.Titles, ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
    assert.deepEqual(r.Processes, [
      ['root', '812', '1', '0', '10:01', '?', '00:00:00', 'sleep 1000'],
      ['root', '813', '812', '0', '10:01', '?', '00:00:00', 'sh -c echo a b'],
    ]);
  });
  it('answers 400 when ps prints no PID column', () => {
    assert.throws(() => filterPsOutput('USER COMMAND\nroot init\n', [1]), (e: any) => e.status === 400 && /Couldn't find PID field/.test(e.message));
  });
});
