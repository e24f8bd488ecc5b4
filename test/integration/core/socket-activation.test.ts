// berthd -H fd:// serves on a listening socket passed by socket activation (LISTEN_PID,
// LISTEN_FDS, descriptor 3), as systemd does for contrib/systemd/berthd.socket. The wrapper is a
// stand-in for systemd: it binds and listens, moves the socket to descriptor 3, sets the
// variables for its own pid and execs berthd (which keeps that pid).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { apiRequest, integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';

const ACTIVATE = `
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(128)
if s.fileno() != 3: os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ['LISTEN_PID'] = str(os.getpid()); os.environ['LISTEN_FDS'] = '1'
os.execv(sys.argv[2], sys.argv[2:])
`;

describe('berthd -H fd:// (socket activation)', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let activated: string;
  before(async () => {
    let sockPath = '';
    d = await startDaemon({
      name: 'sockact',
      loadBusybox: false,
      wrap: (argv) => {
        sockPath = path.join(path.dirname(argv[argv.indexOf('--data-root') + 1]!), 'activated.sock');
        return ['python3', '-c', ACTIVATE, sockPath, ...argv, '-H', 'fd://'];
      },
    });
    activated = sockPath;
  });
  after(() => d?.cleanup());

  it('answers the API on the passed socket', async () => {
    const ping = await apiRequest(activated, 'GET', '/_ping');
    assert.equal(ping.status, 200);
    assert.equal(ping.body.toString(), 'OK');
    assert.match(d.log(), /API listen on fd:\/\/3 \(socket activation\)/);
    const version = ok(await d.docker(['-H', `unix://${activated}`, 'version', '--format', '{{.Server.APIVersion}}']));
    assert.match(version, /^1\.\d+$/);
  });
});
