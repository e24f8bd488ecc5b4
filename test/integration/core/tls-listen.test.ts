// berthd on tcp:// as dockerd 27+: --tlsverify with the real docker CLI's --tlsverify, client
// certificates checked against the given CA only, plain TCP refused off loopback before anything
// changes on disk, and the unix socket's group (-G). Certificates are made here with openssl.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp, existsSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BERTHD, integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { runCommand } from '../support/proc.js';
import { ok } from '../support/assert.js';

const haveOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const skip = integrationSkipReason() ?? (haveOpenssl ? false : 'openssl is not installed');

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA, and a certificate signed by it for `name` with the given extensions. */
function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=${name}`]);
}
async function makeCert(dir: string, ca: string, name: string, ext: string): Promise<void> {
  await fsp.writeFile(path.join(dir, `${name}.ext`), ext);
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}-key.pem`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`]);
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('berthd on tcp:// with TLS (docker --tlsverify)', { skip }, () => {
  let d: Daemon;
  let certs: string;
  let host: string;
  before(async () => {
    certs = await fsp.mkdtemp('/tmp/berth-tls-');
    makeCa(certs, 'ca');
    makeCa(certs, 'otherca');
    await makeCert(certs, 'ca', 'server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    await makeCert(certs, 'ca', 'client', 'extendedKeyUsage=clientAuth\n');
    await makeCert(certs, 'otherca', 'stranger', 'extendedKeyUsage=clientAuth\n');
    const port = await freePort();
    host = `tcp://127.0.0.1:${port}`;
    const f = (n: string) => path.join(certs, n);
    d = await startDaemon({ name: 'tls', args: ['-H', host, '--tlsverify', '--tlscacert', f('ca.pem'), '--tlscert', f('server.pem'), '--tlskey', f('server-key.pem'), '-G', '4242'] });
  });
  after(async () => {
    await d?.cleanup();
    if (certs) await fsp.rm(certs, { recursive: true, force: true });
  });

  const dockerTls = (cert: string | undefined, args: string[]) => {
    const f = (n: string) => path.join(certs, n);
    const tlsArgs = ['--tlsverify', '--tlscacert', f('ca.pem'), ...(cert ? ['--tlscert', f(`${cert}.pem`), '--tlskey', f(`${cert}-key.pem`)] : [])];
    // DOCKER_HOST unset so -H alone names the daemon; DOCKER_CERT_PATH pointed at an empty place
    // so no ~/.docker files are picked up.
    return d.docker(['-H', host, ...tlsArgs, ...args], { env: { DOCKER_HOST: undefined, DOCKER_CERT_PATH: path.join(certs, 'none') } });
  };

  it('the docker CLI with a client certificate from the CA talks to berthd, attach included', async () => {
    const v = await dockerTls('client', ['version', '--format', '{{.Server.APIVersion}}']);
    ok(v);
    assert.match(v.stdout.trim(), /^1\.\d+$/);
    const run = await dockerTls('client', ['run', '--rm', '--network', 'none', 'busybox', 'echo', 'over tls']);
    ok(run);
    assert.equal(run.stdout, 'over tls\n');
  });

  it('a certificate from another CA, or none, is refused at the handshake', async () => {
    const stranger = await dockerTls('stranger', ['version', '--format', '{{.Server.APIVersion}}']);
    assert.notEqual(stranger.code, 0);
    assert.doesNotMatch(stranger.stdout, /^1\.\d+/);
    const none = await dockerTls(undefined, ['version', '--format', '{{.Server.APIVersion}}']);
    assert.notEqual(none.code, 0);
  });

  it('plain HTTP to the TLS port gets nothing from the API', async () => {
    const r = await d.docker(['-H', host, 'version', '--format', '{{.Server.APIVersion}}'], { env: { DOCKER_HOST: undefined, DOCKER_TLS_VERIFY: undefined } });
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stdout, /^1\.\d+/);
  });

  it('-G gives the unix socket to that group, mode 0660', () => {
    const st = statSync(d.sock);
    assert.equal(st.gid, 4242);
    assert.equal(st.mode & 0o777, 0o660);
  });
});

describe('berthd refuses unsafe listeners before it changes anything', { skip: integrationSkipReason() }, () => {
  const tryStart = async (extra: string[]) => {
    const root = await fsp.mkdtemp('/tmp/berth-refuse-');
    const cfg = path.join(root, 'daemon.json');
    await fsp.writeFile(cfg, '{}\n');
    const args = [BERTHD, '-H', `unix://${root}/d.sock`, '--data-root', path.join(root, 'data'), '--exec-root', path.join(root, 'exec'), '--config-file', cfg, ...extra];
    try {
      const r = await runCommand(process.execPath, args, { timeoutMs: 15_000 });
      return { r, dataMade: existsSync(path.join(root, 'data')) };
    } finally {
      await fsp.rm(root, { recursive: true, force: true });
    }
  };

  it('plain TCP on a non-loopback address is refused (exit 1) and the data root is never made', async () => {
    const { r, dataMade } = await tryStart(['-H', 'tcp://0.0.0.0:1']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /failed to load listeners: refusing to listen on tcp:\/\/0\.0\.0\.0:1 without TLS/);
    assert.equal(dataMade, false);
  });

  it('--tlsverify with a missing CA file, and an unknown socket group, are refused the same way', async () => {
    const missing = await tryStart(['-H', 'tcp://127.0.0.1:1', '--tlsverify', '--tlscacert', '/nonexistent/ca.pem', '--tlscert', '/nonexistent/c.pem', '--tlskey', '/nonexistent/k.pem']);
    assert.equal(missing.r.code, 1, missing.r.stderr);
    assert.match(missing.r.stderr, /failed to load listeners: .*\/nonexistent\/ca\.pem/);
    const group = await tryStart(['-G', 'no-such-group-berth']);
    assert.equal(group.r.code, 1, group.r.stderr);
    assert.match(group.r.stderr, /failed to load listeners: group no-such-group-berth not found/);
  });
});
