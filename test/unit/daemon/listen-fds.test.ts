import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fdsForHost, takeListenFds } from '../../../src/daemon/listen-fds.js';

test('takeListenFds returns fds 3… when they were passed to this process, and clears the variables', () => {
  const env: NodeJS.ProcessEnv = { LISTEN_PID: '42', LISTEN_FDS: '2', LISTEN_FDNAMES: 'a:b', PATH: '/bin' };
  assert.deepEqual(takeListenFds(env, 42), [3, 4]);
  assert.deepEqual(env, { PATH: '/bin' });
});

test('takeListenFds ignores descriptors meant for another process or malformed counts', () => {
  assert.deepEqual(takeListenFds({ LISTEN_PID: '41', LISTEN_FDS: '1' }, 42), []);
  assert.deepEqual(takeListenFds({ LISTEN_FDS: '1' }, 42), []);
  assert.deepEqual(takeListenFds({ LISTEN_PID: '42', LISTEN_FDS: 'x' }, 42), []);
  assert.deepEqual(takeListenFds({ LISTEN_PID: '42', LISTEN_FDS: '0' }, 42), []);
});

test('fd:// names every passed descriptor, fd://N one of them; naming none is an error', () => {
  assert.deepEqual(fdsForHost('fd://', [3, 4]), [3, 4]);
  assert.deepEqual(fdsForHost('fd://4', [3, 4]), [4]);
  assert.throws(() => fdsForHost('fd://', []), /no sockets were passed/);
  assert.throws(() => fdsForHost('fd://5', [3, 4]), /descriptor 5 was not passed/);
});
