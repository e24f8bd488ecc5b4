// `docker network` verbs against berthd: create (subnet, gateway, ip-range, internal, labels,
// driver options, macvlan/ipvlan on a veth parent made here), ls filters, inspect, rm, prune, and
// bad input answered with Docker's status codes and messages, leaving nothing half-made.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { runCommand } from '../support/proc.js';
import { cleanupWithNetworks, netState, sh } from './docker-support.js';

/** A veth pair on the host, as a parent for macvlan/ipvlan (this kernel has no dummy links). */
const PARENT = `bnp${process.pid % 10000}a`;
const PEER = `bnp${process.pid % 10000}b`;

async function kernelHasIpvlan(): Promise<boolean> {
  const probe = `bnp${process.pid % 10000}i`;
  const r = await runCommand('ip', ['link', 'add', 'link', PARENT, 'name', probe, 'type', 'ipvlan', 'mode', 'l2']);
  if (r.code === 0) await runCommand('ip', ['link', 'del', probe]);
  return r.code === 0;
}

describe('docker network verbs', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'nnet' });
    ok(await runCommand('ip', ['link', 'add', PARENT, 'type', 'veth', 'peer', 'name', PEER]));
    ok(await runCommand('ip', ['link', 'set', PARENT, 'up']));
    // macvlan bridge mode forwards between its children only while the parent has a carrier.
    ok(await runCommand('ip', ['link', 'set', PEER, 'up']));
  });
  after(async () => {
    await cleanupWithNetworks(d);
    await runCommand('ip', ['link', 'del', PARENT]);
  });

  const inspect = async (name: string) => JSON.parse(ok(await d.docker(['network', 'inspect', name])))[0];
  const names = async (args: string[] = []) => ok(await d.docker(['network', 'ls', '--format', '{{.Name}}', ...args])).split('\n').filter(Boolean).sort();

  describe('create, inspect, ls, rm, prune', () => {
    it('create with subnet, gateway, ip-range, labels and options; inspect shows them', async () => {
      const id = ok(await d.docker(['network', 'create', '--subnet', '10.221.0.0/24', '--gateway', '10.221.0.254', '--ip-range', '10.221.0.128/25', '--label', 'team=net', '--label', 'tier=1', '-o', 'com.docker.network.driver.mtu=1400', 'cfgnet']));
      assert.match(id, /^[0-9a-f]{64}$/);
      const n = await inspect('cfgnet');
      assert.equal(n.Id, id);
      assert.equal(n.Driver, 'bridge');
      assert.equal(n.Scope, 'local');
      assert.deepEqual(n.IPAM.Config, [{ Subnet: '10.221.0.0/24', Gateway: '10.221.0.254', IPRange: '10.221.0.128/25' }]);
      assert.deepEqual(n.Labels, { team: 'net', tier: '1' });
      assert.equal(n.Options['com.docker.network.driver.mtu'], '1400');
      assert.equal(n.Internal, false);
      const out = ok(await sh(d, ['--network', 'cfgnet'], 'ip addr show eth0; ip route'));
      assert.match(out, /mtu 1400/);
      assert.match(out, /inet 10\.221\.0\.(12[89]|1[3-9]\d|2[0-4]\d|25[0-3])\/24/, 'an address from the ip-range');
      assert.match(out, /default via 10\.221\.0\.254/);
    });

    it('inspect lists attached containers with their addresses', async () => {
      const cid = ok(await d.docker(['run', '-d', '--name', 'member', '--network', 'cfgnet', 'busybox', 'sleep', '60']));
      const n = await inspect('cfgnet');
      const c = n.Containers[cid];
      assert.ok(c, JSON.stringify(n.Containers));
      assert.equal(c.Name, 'member');
      assert.match(c.IPv4Address, /^10\.221\.0\.\d+\/24$/);
      assert.match(c.MacAddress, /^02:42:/);
      assert.match(c.EndpointID, /^[0-9a-f]{64}$/);
    });

    it('ls filters by name, label, driver, type and dangling', async () => {
      ok(await d.docker(['network', 'create', '--subnet', '10.222.0.0/24', '--label', 'team=other', 'spare']));
      assert.deepEqual(await names(), ['bridge', 'cfgnet', 'host', 'none', 'spare']);
      assert.deepEqual(await names(['--filter', 'name=cfg']), ['cfgnet']);
      assert.deepEqual(await names(['--filter', 'label=team=net']), ['cfgnet']);
      assert.deepEqual(await names(['--filter', 'label=team']), ['cfgnet', 'spare']);
      assert.deepEqual(await names(['--filter', 'driver=null']), ['none']);
      assert.deepEqual(await names(['--filter', 'type=custom']), ['cfgnet', 'spare']);
      assert.deepEqual(await names(['--filter', 'type=builtin']), ['bridge', 'host', 'none']);
      assert.deepEqual(await names(['--filter', 'dangling=true']), ['spare']);
      const q = ok(await d.docker(['network', 'ls', '-q', '--filter', 'name=spare']));
      assert.match(q, /^[0-9a-f]{12}$/);
    });

    it('rm with a container attached is refused (403) and keeps the network', async () => {
      const r = await d.api('DELETE', '/networks/cfgnet');
      assert.equal(r.status, 403, r.text);
      assert.match(r.json.message, /^error while removing network: network cfgnet id [0-9a-f]{64} has active endpoints/);
      const cli = await d.docker(['network', 'rm', 'cfgnet']);
      assert.notEqual(cli.code, 0);
      assert.match(cli.stderr, /has active endpoints/);
      assert.ok((await names()).includes('cfgnet'));
    });

    it('prune removes unused user networks only, honouring label filters', async () => {
      ok(await d.docker(['network', 'create', '--subnet', '10.223.0.0/24', '--label', 'keep=yes', 'keeper']));
      const out = ok(await d.docker(['network', 'prune', '-f', '--filter', 'label!=keep=yes']));
      assert.match(out, /Deleted Networks:\nspare/);
      assert.deepEqual(await names(), ['bridge', 'cfgnet', 'host', 'keeper', 'none']);
      ok(await d.docker(['network', 'rm', 'keeper']));
    });

    it('rm removes the network, its bridge and its rules once the container is gone', async () => {
      const dev = `br-${(await inspect('cfgnet')).Id.slice(0, 12)}`;
      assert.equal((await runCommand('ip', ['link', 'show', dev])).code, 0);
      ok(await d.docker(['rm', '-f', 'member']));
      assert.equal(ok(await d.docker(['network', 'rm', 'cfgnet'])), 'cfgnet');
      assert.notEqual((await runCommand('ip', ['link', 'show', dev])).code, 0);
      const st = await netState(d);
      assert.ok(!st.rules.some((l) => l.includes(dev)), st.rules.join('\n'));
      assert.equal((await d.api('GET', '/networks/cfgnet')).status, 404);
    });

    it('a bridge keeps its MAC while containers come and go (others keep reaching the gateway)', async () => {
      ok(await d.docker(['network', 'create', '--subnet', '10.229.0.0/24', 'macnet']));
      const dev = `br-${(await inspect('macnet')).Id.slice(0, 12)}`;
      const mac = async () => (await fsp.readFile(`/sys/class/net/${dev}/address`, 'utf8')).trim();
      ok(await d.docker(['run', '-d', '--name', 'stayer', '--network', 'macnet', 'busybox', 'sleep', '60']));
      const first = await mac();
      for (let i = 0; i < 3; i++) ok(await d.docker(['run', '--rm', '--network', 'macnet', 'busybox', 'ping', '-c1', '-W2', '10.229.0.1']));
      assert.equal(await mac(), first);
      const out = ok(await d.docker(['exec', 'stayer', 'sh', '-c', 'ping -c1 -W2 10.229.0.1 >/dev/null && echo gw-ok']));
      assert.match(out, /gw-ok/);
      ok(await d.docker(['rm', '-f', 'stayer']));
      ok(await d.docker(['network', 'rm', 'macnet']));
    });

    it('predefined networks cannot be removed', async () => {
      const r = await d.api('DELETE', '/networks/bridge');
      assert.equal(r.status, 403);
      assert.match(r.json.message, /bridge is a pre-defined network and cannot be removed/);
    });
  });

  describe('macvlan and ipvlan', () => {
    it('macvlan on a veth parent gives containers addresses in its subnet', async () => {
      ok(await d.docker(['network', 'create', '-d', 'macvlan', '--subnet', '10.224.0.0/24', '-o', `parent=${PARENT}`, 'mvnet']));
      const n = await inspect('mvnet');
      assert.equal(n.Driver, 'macvlan');
      assert.equal(n.Options.parent, PARENT);
      ok(await d.docker(['run', '-d', '--name', 'mv1', '--network', 'mvnet', '--ip', '10.224.0.20', 'busybox', 'sleep', '60']));
      const out = ok(await sh(d, ['--network', 'mvnet'], 'ip -4 addr show eth0; ping -c1 -W2 10.224.0.20 >/dev/null && echo peer-ok'));
      assert.match(out, /inet 10\.224\.0\.\d+\/24/);
      assert.match(out, /peer-ok/);
      assert.ok(Object.values((await inspect('mvnet')).Containers as Record<string, { Name: string }>).some((c) => c.Name === 'mv1'));
      ok(await d.docker(['rm', '-f', 'mv1']));
      ok(await d.docker(['network', 'rm', 'mvnet']));
      assert.equal((await runCommand('ip', ['link', 'show', PARENT])).code, 0, 'the parent must survive');
    });

    it('ipvlan: create and inspect; containers get addresses where the kernel has ipvlan, else fail cleanly', async () => {
      ok(await d.docker(['network', 'create', '-d', 'ipvlan', '--subnet', '10.225.0.0/24', '-o', `parent=${PARENT}`, '-o', 'ipvlan_mode=l2', 'ivnet']));
      const n = await inspect('ivnet');
      assert.equal(n.Driver, 'ipvlan');
      assert.equal(n.Options.ipvlan_mode, 'l2');
      const before = await netState(d);
      const r = await d.docker(['run', '--rm', '--network', 'ivnet', '--ip', '10.225.0.9', 'busybox', 'ip', '-4', 'addr', 'show', 'eth0']);
      if (await kernelHasIpvlan()) {
        assert.match(ok(r), /inet 10\.225\.0\.9\/24/);
      } else {
        assert.equal(r.code, 125, r.stderr);
        assert.match(r.stderr, /ipvlan/);
      }
      assert.deepEqual(await netState(d), before);
      ok(await d.docker(['network', 'rm', 'ivnet']));
    });

    it('a missing parent is refused and nothing is made', async () => {
      const r = await d.docker(['network', 'create', '-d', 'macvlan', '--subnet', '10.226.0.0/24', '-o', 'parent=nosuchnic0', 'badmv']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /-o parent interface was not found on the host: nosuchnic0/);
      assert.ok(!(await names()).includes('badmv'));
    });
  });

  describe('bad input', () => {
    before(async () => {
      ok(await d.docker(['network', 'create', '--subnet', '10.227.0.0/24', 'taken']));
    });

    it('a name in use: 409 and Docker’s message', async () => {
      const r = await d.api('POST', '/networks/create', { Name: 'taken' });
      assert.equal(r.status, 409, r.text);
      assert.equal(r.json.message, 'network with name taken already exists');
      const cli = await d.docker(['network', 'create', 'taken']);
      assert.equal(cli.code, 1);
      assert.match(cli.stderr, /network with name taken already exists/);
    });

    it('an overlapping subnet: 403, nothing made', async () => {
      const before = await names();
      const r = await d.api('POST', '/networks/create', { Name: 'overlap', IPAM: { Config: [{ Subnet: '10.227.0.128/25' }] } });
      assert.equal(r.status, 403, r.text);
      assert.equal(r.json.message, 'invalid pool request: Pool overlaps with other one on this address space');
      assert.deepEqual(await names(), before);
    });

    it('a gateway outside the subnet: 400', async () => {
      const r = await d.api('POST', '/networks/create', { Name: 'badgw', IPAM: { Config: [{ Subnet: '10.228.0.0/24', Gateway: '10.229.0.1' }] } });
      assert.equal(r.status, 400, r.text);
      assert.ok(!(await names()).includes('badgw'));
    });

    it('an address outside the subnet: 400 on start, container not running, nothing left', async () => {
      const before = await netState(d);
      const r = await d.docker(['run', '-d', '--name', 'outside', '--network', 'taken', '--ip', '10.99.0.5', 'busybox', 'sleep', '60']);
      assert.equal(r.code, 125, r.stderr);
      assert.match(r.stderr, /no configured subnet or ip-range contain the IP address 10\.99\.0\.5/);
      assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Running}}', 'outside'])), 'false');
      const start = await d.api('POST', '/containers/outside/start');
      assert.equal(start.status, 400, start.text);
      assert.deepEqual(await netState(d), before);
      ok(await d.docker(['rm', 'outside']));
    });

    it('a taken address: 403 "Address already in use", nothing left', async () => {
      ok(await d.docker(['run', '-d', '--name', 'owner', '--network', 'taken', '--ip', '10.227.0.5', 'busybox', 'sleep', '60']));
      const before = await netState(d);
      ok(await d.docker(['create', '--name', 'squatter', '--network', 'taken', '--ip', '10.227.0.5', 'busybox', 'sleep', '60']));
      const r = await d.api('POST', '/containers/squatter/start');
      assert.equal(r.status, 403, r.text);
      assert.equal(r.json.message, 'Address already in use');
      assert.deepEqual(await netState(d), before);
      assert.equal(ok(await d.docker(['inspect', '-f', '{{.NetworkSettings.Networks.taken.IPAddress}}', 'owner'])), '10.227.0.5');
      ok(await d.docker(['rm', '-f', 'owner', 'squatter']));
    });

    it('--ip on the default bridge is refused', async () => {
      const r = await d.docker(['run', '--rm', '--ip', '172.31.0.9', 'busybox', 'true']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /user specified IP address is supported on user defined networks only/);
    });

    it('unknown networks: 404 with Docker’s message', async () => {
      const r = await d.api('GET', '/networks/nosuch');
      assert.equal(r.status, 404);
      assert.equal(r.json.message, 'network nosuch not found');
      const c = await d.docker(['network', 'connect', 'nosuch', 'owner-less']);
      assert.match(c.stderr, /network nosuch not found|No such container/);
    });

    it('names as dockerd takes them: any but blank and predefined ones, kept as given', async () => {
      for (const name of ['bridge', 'host', 'none', 'default']) {
        const r = await d.api('POST', '/networks/create', { Name: name });
        assert.equal(r.status, 403, r.text);
        assert.equal(r.json.message, `operation is not permitted on predefined ${name} network `);
      }
      const cli = await d.docker(['network', 'create', 'default']);
      assert.equal(cli.code, 1);
      assert.match(cli.stderr, /operation is not permitted on predefined default network/);
      for (const blank of ['', '   ']) {
        const r = await d.api('POST', '/networks/create', { Name: blank });
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.message, 'invalid name: name is empty');
      }
      // dockerd checks no characters: these are all fine, and found again by their exact names.
      for (const name of ['_under', 'with space', 'dots.and:colons', 'Ünï', 'Bridge']) {
        ok(await d.docker(['network', 'create', name]), name);
        assert.equal(ok(await d.docker(['network', 'inspect', '-f', '{{.Name}}', name])), name);
        ok(await d.docker(['network', 'rm', name]), name);
      }
      const lead = await d.api('POST', '/networks/create', { Name: ' padded ' });
      assert.equal(lead.status, 201, lead.text);
      assert.equal((await d.api('GET', `/networks/${lead.json.Id}`)).json.Name, ' padded ');
      ok(await d.docker(['network', 'rm', lead.json.Id]));
    });

    it('an ID prefix two networks share is ambiguous: 400 in dockerd’s words', async () => {
      const made: string[] = [];
      try {
        // Until two networks' IDs share a first hex digit (at most 17 networks in all).
        let prefix: string | undefined;
        for (let i = 0; !prefix; i++) {
          const ids = ok(await d.docker(['network', 'ls', '-q', '--no-trunc'])).split('\n');
          prefix = '0123456789abcdef'.split('').find((c) => ids.filter((id) => id.startsWith(c)).length > 1);
          if (prefix) break;
          ok(await d.docker(['network', 'create', '--subnet', `10.240.${i}.0/24`, `amb${i}`]));
          made.push(`amb${i}`);
        }
        const inspect = await d.api('GET', `/networks/${prefix}`);
        assert.equal(inspect.status, 400, inspect.text);
        assert.match(inspect.json.message, new RegExp(`^\\d+ matches found based on ID prefix: network ${prefix} is ambiguous$`));
        const rm = await d.docker(['network', 'rm', prefix]);
        assert.equal(rm.code, 1);
        assert.match(rm.stderr, new RegExp(`network ${prefix} is ambiguous \\(\\d+ matches found based on ID prefix\\)`));
        // A name wins over an ID prefix, as in dockerd.
        ok(await d.docker(['network', 'create', '--subnet', '10.241.0.0/24', prefix]));
        made.push(prefix);
        assert.equal(ok(await d.docker(['network', 'inspect', '-f', '{{.Name}}', prefix])), prefix);
      } finally {
        for (const n of made) await d.docker(['network', 'rm', n]);
      }
    });

    // dockerd creates the container and fails its start with the 404; a 404 from create makes the
    // CLI think the image is missing and try to pull it (ContainerService.create resolves the network).
    it('docker run --network <unknown> says the network is not found', async () => {
      const run = await d.docker(['run', '--rm', '--pull', 'never', '--network', 'nosuch', 'busybox', 'true']);
      assert.equal(run.code, 125);
      assert.match(run.stderr, /network nosuch not found/);
    });
  });
});
