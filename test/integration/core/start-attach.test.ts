// Attach to a container that is not running waits for its next run, as dockerd's does: that is
// how `docker start -a` of an exited container, docker-py's attach-then-start and docker-compose's
// `run` see the output. Before, berthd ended such an attach at once and the output was lost.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Socket } from 'node:net';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { exits, ok } from '../support/assert.js';

/** A hijacked attach (stdout+stderr, stream=1) over the daemon's socket; resolves with the socket once upgraded. */
function hijackAttach(d: Daemon, id: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      socketPath: d.sock,
      method: 'POST',
      path: `/v1.41/containers/${id}/attach?stream=1&stdout=1&stderr=1`,
      headers: { Connection: 'Upgrade', Upgrade: 'tcp' },
    });
    req.on('upgrade', (_res, socket, head) => {
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    req.on('response', (res) => reject(new Error(`attach answered ${res.statusCode} without upgrading`)));
    req.on('error', reject);
    req.end();
  });
}

/** Everything the socket sends until the daemon closes it. */
function readToEnd(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

/** The payloads of Docker's 8-byte-header frames, by stream number. */
function demux(buf: Buffer): { stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  for (let off = 0; off + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(off + 4);
    const data = buf.subarray(off + 8, off + 8 + len).toString('utf8');
    if (buf[off] === 1) stdout += data;
    else stderr += data;
    off += 8 + len;
  }
  return { stdout, stderr };
}

describe('attach to a container that is not running', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'satt' });
  });
  after(() => d?.cleanup());

  it('docker start -a and berth start -a of an exited container print the new run and return its code', async () => {
    exits(await d.docker(['run', '--name', 'again', 'busybox', 'sh', '-c', 'echo run-output; exit 3']), 3, 'docker run');
    const viaDocker = exits(await d.docker(['start', '-a', 'again']), 3, 'docker start -a');
    assert.equal(viaDocker.stdout, 'run-output\n');
    const viaBerth = exits(await d.berth(['start', '-a', 'again']), 3, 'berth start -a');
    assert.equal(viaBerth.stdout, 'run-output\n');
    ok(await d.docker(['rm', 'again']));
  });

  it('a hijacked attach on an exited container streams the next run and ends at its exit', async () => {
    const id = ok(await d.docker(['create', 'busybox', 'sh', '-c', 'echo to-stdout; echo to-stderr >&2']));
    ok(await d.docker(['start', '-a', id]));
    const socket = await hijackAttach(d, id);
    const body = readToEnd(socket);
    ok(await d.docker(['start', id]));
    const { stdout, stderr } = demux(await body);
    assert.equal(stdout, 'to-stdout\n');
    assert.equal(stderr, 'to-stderr\n');
    ok(await d.docker(['rm', id]));
  });

  it('removing the container ends an attach that waits for a run', async () => {
    const id = ok(await d.docker(['create', 'busybox', 'true']));
    const socket = await hijackAttach(d, id);
    const body = readToEnd(socket);
    ok(await d.docker(['rm', id]));
    assert.equal((await body).length, 0);
  });
});
