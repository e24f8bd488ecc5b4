import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { CRASH_EXIT_CODE, exitOnUncaughtErrors } from '../../../src/daemon/crash.js';

function wired(): { proc: EventEmitter; logged: string[]; exits: number[] } {
  const proc = new EventEmitter();
  const logged: string[] = [];
  const exits: number[] = [];
  exitOnUncaughtErrors(proc as never, (m) => logged.push(m), (code) => exits.push(code));
  return { proc, logged, exits };
}

test('an uncaught exception is logged with its stack and berthd exits non-zero', () => {
  const { proc, logged, exits } = wired();
  proc.emit('uncaughtException', new Error('boom in a handler'));
  assert.deepEqual(exits, [CRASH_EXIT_CODE]);
  assert.notEqual(CRASH_EXIT_CODE, 0);
  assert.equal(logged.length, 1);
  assert.match(logged[0]!, /^uncaught exception, exiting .*: Error: boom in a handler\n\s+at /);
});

test('an unhandled rejection is logged and berthd exits non-zero, whatever was rejected', () => {
  const { proc, logged, exits } = wired();
  proc.emit('unhandledRejection', new TypeError('not a function'), Promise.resolve());
  proc.emit('unhandledRejection', 'a bare string');
  assert.deepEqual(exits, [CRASH_EXIT_CODE, CRASH_EXIT_CODE]);
  assert.match(logged[0]!, /^unhandled rejection, exiting .*TypeError: not a function/);
  assert.match(logged[1]!, /^unhandled rejection, exiting .*: a bare string$/);
});
