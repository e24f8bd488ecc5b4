// Exec as the SDKs and the docker CLI drive it, against a real berthd: the Python SDK (Debian's
// python3-docker) decides the terminal at create and sends Tty:false on start, and sends its
// detach keys at create as `detachKeys`; the docker CLI reads an exec's 126/127 from inspect.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { runCommand, describeResult } from '../support/proc.js';
import { ok } from '../support/assert.js';

const PYTHON = '/usr/bin/python3';

/** Skips when Debian's python3-docker is not installed. */
function pythonSdkSkipReason(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} not installed`;
  return undefined;
}

/** Runs a Python script that has `api` (docker.APIClient on the test daemon) and prints one JSON value. */
async function python(d: Daemon, script: string, args: string[] = []): Promise<any> {
  const prelude = 'import docker, json, os, sys\napi = docker.APIClient(base_url=os.environ["DOCKER_HOST"], version="1.41")\n';
  const r = await runCommand(PYTHON, ['-c', prelude + script, ...args], { env: { ...d.env, PYTHONPATH: undefined }, timeoutMs: 30_000 });
  assert.equal(r.code, 0, `python failed: ${describeResult(r)}`);
  return JSON.parse(r.stdout);
}

describe('exec as the SDKs and the docker CLI drive it', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let cid: string;
  before(async () => {
    d = await startDaemon({ name: 'exc', defaultNetwork: 'none' });
    cid = ok(await d.docker(['run', '-d', '--network', 'none', 'busybox', 'sleep', '600']));
  });
  after(() => d?.cleanup());

  it('an exec created with Tty runs on a pseudo-terminal though start says Tty:false (Python SDK)', { skip: pythonSdkSkipReason() }, async () => {
    const out = await python(
      d,
      `ex = api.exec_create(sys.argv[1], ["sh", "-c", "tty; echo a; echo b"], tty=True)
out = api.exec_start(ex["Id"])
print(json.dumps({"out": out.decode(), "code": api.exec_inspect(ex["Id"])["ExitCode"]}))`,
      [cid],
    );
    assert.match(out.out, /^\/dev\/pts\/\d+\r\na\r\nb\r\n$/, JSON.stringify(out));
    assert.equal(out.code, 0);
  });

  it('detach keys given at exec create (as the Python SDK sends them) end the stream, not the process', { skip: pythonSdkSkipReason() }, async () => {
    const out = await python(
      d,
      `ex = api.exec_create(sys.argv[1], ["cat"], stdin=True, tty=True, detach_keys="ctrl-x,x")
sock = api.exec_start(ex["Id"], socket=True, tty=True)._sock
sock.settimeout(15)
sock.sendall(b"hello\\n")
seen = b""
while b"hello" not in seen:
    chunk = sock.recv(4096)
    if not chunk: break
    seen += chunk
sock.sendall(b"\\x18x")
while True:
    chunk = sock.recv(4096)
    if not chunk: break
    seen += chunk
info = api.exec_inspect(ex["Id"])
print(json.dumps({"seen": seen.decode(errors="replace"), "running": info["Running"], "keys": info["DetachKeys"]}))`,
      [cid],
    );
    assert.match(out.seen, /hello/, JSON.stringify(out));
    assert.equal(out.running, true, 'the process runs on after the client detached');
    assert.equal(out.keys, 'ctrl-x,x');
  });

  it('exec of a missing command exits 127 and of a non-executable file 126, dockerd\'s message on stdout (docker CLI)', async () => {
    const missing = await d.docker(['exec', cid, 'nope']);
    assert.equal(missing.code, 127, describeResult(missing));
    // dockerd writes the error into the stream's stdout; the CLI then reads the code from inspect.
    assert.equal(missing.stdout, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown\r\n');
    assert.equal(missing.stderr, '');
    const notExec = await d.docker(['exec', cid, '/etc/passwd']);
    assert.equal(notExec.code, 126, describeResult(notExec));
    assert.equal(notExec.stdout, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "/etc/passwd": permission denied: unknown\r\n');
  });

  it('a detached exec start that cannot run the command is a 400, and inspect has its exit code', async () => {
    const created = await d.api('POST', `/containers/${cid}/exec`, { Cmd: ['nope'] });
    assert.equal(created.status, 201, created.text);
    const id = (created.json as { Id: string }).Id;
    const started = await d.api('POST', `/exec/${id}/start`, { Detach: true });
    assert.equal(started.status, 400, started.text);
    assert.equal((started.json as { message: string }).message, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown');
    const info = await d.api('GET', `/exec/${id}/json`);
    assert.equal((info.json as { ExitCode: number }).ExitCode, 127);
  });

  it('bad detach keys are refused at exec create, as dockerd does', async () => {
    const r = await d.api('POST', `/containers/${cid}/exec`, { Cmd: ['true'], DetachKeys: 'ctrl-1' });
    assert.equal(r.status, 500, r.text);
    assert.equal((r.json as { message: string }).message, 'Invalid escape keys (ctrl-1) provided');
  });
});
