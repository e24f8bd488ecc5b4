// IPv6 on berth's networks through the docker CLI, as dockerd 28 does it: dual-stack bridge
// networks (`--ipv6` with a given subnet, or a /64 from the daemon's ULA pool), `--ip6` on run and
// on network connect, the inspect fields, container to container over IPv6, the embedded DNS
// answering AAAA, published ports on [::] (and [::1], relayed as docker-proxy does), ip6tables
// rules like the iptables ones, and nothing of it left after the network goes. The default
// bridge stays IPv4-only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { cleanupWithNetworks, daemonFlag, freeHostPort, httpGetEventually, ip6tablesChainsOf, iptablesRulesOf, sh, startWeb } from './docker-support.js';

describe('IPv6 networks (docker CLI)', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let prefix: string;
  before(async () => {
    d = await startDaemon({ name: 'nv6' });
    prefix = daemonFlag(d, '--iptables-prefix');
  });
  after(async () => {
    await cleanupWithNetworks(d);
  });

  const inspect = async (args: string[]) => JSON.parse(ok(await d.docker(['inspect', ...args])))[0];

  it('the default bridge stays IPv4-only, and no ip6tables chains exist without an IPv6 network', async () => {
    const n = JSON.parse(ok(await d.docker(['network', 'inspect', 'bridge'])))[0];
    assert.equal(n.EnableIPv6, false);
    assert.equal(n.IPAM.Config.length, 1);
    const out = ok(await sh(d, [], 'ip -6 addr show dev eth0 scope global'));
    assert.equal(out, '');
    assert.deepEqual(await ip6tablesChainsOf(prefix), []);
  });

  it('--ipv6 with a subnet and gateway: inspect, addresses in the container, --ip6, ping and HTTP over IPv6', async () => {
    ok(await d.docker(['network', 'create', '--ipv6', '--subnet', '10.231.0.0/24', '--subnet', 'fd42:1::/64', '--gateway', 'fd42:1::1', 'v6net']));
    const n = JSON.parse(ok(await d.docker(['network', 'inspect', 'v6net'])))[0];
    assert.equal(n.EnableIPv6, true);
    assert.equal(n.EnableIPv4, true);
    assert.deepEqual(n.IPAM.Config, [{ Subnet: '10.231.0.0/24', Gateway: '10.231.0.1' }, { Subnet: 'fd42:1::/64', Gateway: 'fd42:1::1' }]);

    const web = await startWeb(d, 'web6', ['--network', 'v6net', '--ip6', 'fd42:1::10'], 'hello over six');
    const c = await inspect(['web6']);
    const ep = c.NetworkSettings.Networks.v6net;
    assert.equal(ep.GlobalIPv6Address, 'fd42:1::10');
    assert.equal(ep.GlobalIPv6PrefixLen, 64);
    assert.equal(ep.IPv6Gateway, 'fd42:1::1');
    assert.deepEqual(ep.IPAMConfig, { IPv6Address: 'fd42:1::10' });
    assert.match(ep.IPAddress, /^10\.231\.0\.\d+$/);
    const nAfter = JSON.parse(ok(await d.docker(['network', 'inspect', 'v6net'])))[0];
    assert.equal(nAfter.Containers[web].IPv6Address, 'fd42:1::10/64');

    // Another container: its address comes from the subnet, its default IPv6 route via the gateway.
    const out = ok(
      await sh(
        d,
        ['--network', 'v6net'],
        'ip -6 addr show dev eth0 scope global; ip -6 route show default; ping -6 -c 1 -W 5 fd42:1::10 >/dev/null && echo PING-OK; ' +
          // nc, not wget: the static busybox's wget crashes resolving an IPv6 literal (glibc NSS).
          'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 5 fd42:1::10 80',
      ),
    );
    assert.match(out, /inet6 fd42:1::2\/64/);
    assert.match(out, /default via fd42:1::1 dev eth0/);
    assert.match(out, /PING-OK/);
    assert.match(out, /hello over six/);
  });

  it('the embedded DNS answers AAAA with the container’s IPv6 address, and /etc/hosts has it', async () => {
    const out = ok(await sh(d, ['--network', 'v6net'], 'nslookup -type=AAAA web6; echo ---; nslookup -type=A web6'));
    const [aaaa, a] = out.split('---');
    assert.match(aaaa, /fd42:1::10/);
    assert.match(a, /10\.231\.0\.\d+/);
    assert.doesNotMatch(a, /fd42/);
    const hosts = ok(await d.docker(['exec', 'web6', 'cat', '/etc/hosts']));
    assert.match(hosts, /^fd42:1::10\t/m);
  });

  it('a published port answers on 0.0.0.0, [::] and [::1]; ip6tables has the DNAT and masquerade', async () => {
    const port = await freeHostPort();
    await startWeb(d, 'pub6', ['--network', 'v6net', '-p', `${port}:80`], 'published six');
    const ports = (await inspect(['pub6'])).NetworkSettings.Ports['80/tcp'];
    assert.deepEqual(ports, [
      { HostIp: '0.0.0.0', HostPort: String(port) },
      { HostIp: '::', HostPort: String(port) },
    ]);
    assert.equal((await httpGetEventually(port, '127.0.0.1')).body.trim(), 'published six');
    assert.equal((await httpGetEventually(port, '::1')).body.trim(), 'published six');
    const v6ip = (await inspect(['pub6'])).NetworkSettings.Networks.v6net.GlobalIPv6Address;
    const rules = (await iptablesRulesOf(prefix, 'ip6tables')).join('\n');
    assert.match(rules, new RegExp(`-A ${prefix}-DNAT -p tcp -m tcp --dport ${port} -j DNAT --to-destination \\[${v6ip}\\]:80`));
    assert.match(rules, new RegExp(`-A ${prefix}-POSTROUTING -s fd42:1::/64 ! -o \\S+ -j MASQUERADE`));
    assert.match(rules, new RegExp(`-A ${prefix}-ISOLATION-1 -i \\S+ ! -o \\S+ -j ${prefix}-ISOLATION-2`));
    assert.match(ok(await d.docker(['port', 'pub6'])), new RegExp(`80/tcp -> \\[::\\]:${port}`));
    ok(await d.docker(['rm', '-f', 'pub6']));
    assert.doesNotMatch((await iptablesRulesOf(prefix, 'ip6tables')).join('\n'), new RegExp(`--dport ${port}\\b`));
  });

  it('network connect --ip6 gives a running container an IPv6 address', async () => {
    ok(await d.docker(['network', 'create', '--ipv6', '--subnet', 'fd42:2::/64', 'v6two']));
    ok(await d.docker(['network', 'connect', '--ip6', 'fd42:2::99', 'v6two', 'web6']));
    const ep = (await inspect(['web6'])).NetworkSettings.Networks.v6two;
    assert.equal(ep.GlobalIPv6Address, 'fd42:2::99');
    assert.equal(ep.IPv6Gateway, 'fd42:2::1');
    assert.match(ok(await d.docker(['exec', 'web6', 'ip', '-6', 'addr', 'show', 'dev', 'eth1'])), /inet6 fd42:2::99\/64/);
    ok(await d.docker(['network', 'disconnect', 'v6two', 'web6']));
    ok(await d.docker(['network', 'rm', 'v6two']));
  });

  it('--ipv6 without an IPv6 subnet takes a /64 of the daemon’s ULA pool, the same /48 each time', async () => {
    ok(await d.docker(['network', 'create', '--ipv6', 'v6auto1']));
    ok(await d.docker(['network', 'create', '--ipv6', 'v6auto2']));
    const cfg = async (name: string) => JSON.parse(ok(await d.docker(['network', 'inspect', name])))[0].IPAM.Config.find((c: { Subnet: string }) => c.Subnet.includes(':'));
    const a = await cfg('v6auto1');
    const b = await cfg('v6auto2');
    assert.match(a.Subnet, /^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/64$/);
    assert.equal(a.Gateway, a.Subnet.replace('::/64', '::1'));
    assert.notEqual(a.Subnet, b.Subnet);
    const net48 = (s: string) => s.split(':').slice(0, 3).join(':');
    assert.equal(net48(a.Subnet), net48(b.Subnet));
    const out = ok(await sh(d, ['--network', 'v6auto1'], 'ip -6 addr show dev eth0 scope global'));
    assert.ok(out.includes(a.Subnet.replace('::/64', '::2/64')), out);
    ok(await d.docker(['network', 'rm', 'v6auto1', 'v6auto2']));
  });

  it('refusals in dockerd’s words: --ip6 without IPv6, a bad IPv6 subnet, IPv6 on the default bridge', async () => {
    ok(await d.docker(['network', 'create', '--subnet', '10.232.0.0/24', 'v4only']));
    const r = await d.docker(['run', '--rm', '--network', 'v4only', '--ip6', 'fd42:9::5', 'busybox', 'true']);
    assert.equal(r.code, 125, r.stderr);
    assert.match(r.stderr, /user specified IP address is supported only when connecting to networks with user configured subnets/);
    ok(await d.docker(['network', 'rm', 'v4only']));
    const bad = await d.api('POST', '/networks/create', { Name: 'badv6', EnableIPv6: true, IPAM: { Config: [{ Subnet: 'fd42:3::1/64' }] } });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.message, 'invalid network config:\ninvalid subnet fd42:3::1/64: it should be fd42:3::/64');
    const gw = await d.api('POST', '/networks/create', { Name: 'badv6', EnableIPv6: true, IPAM: { Config: [{ Subnet: 'fd42:3::/64', Gateway: 'fd42:4::1' }] } });
    assert.equal(gw.status, 400, gw.text);
    assert.equal(gw.json.message, "invalid network config:\ninvalid gateway fd42:4::1: parent subnet fd42:3::/64 doesn't contain this address");
    const onBridge = await d.docker(['run', '--rm', '--ip6', 'fd42:9::5', 'busybox', 'true']);
    assert.notEqual(onBridge.code, 0);
    assert.match(onBridge.stderr, /user specified IP address is supported on user defined networks only/);
  });

  it('after a berthd restart: the bridge keeps its IPv6 gateway, rules and [::1] publication come back', async () => {
    const port = await freeHostPort();
    await startWeb(d, 'pubr', ['--network', 'v6net', '-p', `${port}:80`], 'still six');
    assert.equal((await httpGetEventually(port, '::1')).body.trim(), 'still six');
    await d.restart();
    assert.equal((await httpGetEventually(port, '::1')).body.trim(), 'still six');
    assert.match((await iptablesRulesOf(prefix, 'ip6tables')).join('\n'), new RegExp(`--dport ${port} -j DNAT`));
    assert.match(ok(await sh(d, ['--network', 'v6net'], 'ping -6 -c 1 -W 5 fd42:1::10 >/dev/null && echo PING-OK')), /PING-OK/);
    ok(await d.docker(['rm', '-f', 'pubr']));
  });

  it('removing the last IPv6 network leaves no ip6tables chain or rule of berth', async () => {
    ok(await d.docker(['rm', '-f', 'web6']));
    assert.notDeepEqual(await ip6tablesChainsOf(prefix), []);
    ok(await d.docker(['network', 'rm', 'v6net']));
    assert.deepEqual(await ip6tablesChainsOf(prefix), []);
    assert.deepEqual(await iptablesRulesOf(prefix, 'ip6tables'), []);
  });
});

describe('IPv6 on the default bridge (daemon --ipv6 --fixed-cidr-v6)', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'nv6b', args: ['--ipv6', '--fixed-cidr-v6', 'fd42:b::/64'] });
  });
  after(async () => {
    await cleanupWithNetworks(d);
  });

  it('the default bridge is dual-stack: inspect, the container’s address and route, a port on [::1]', async () => {
    const n = JSON.parse(ok(await d.docker(['network', 'inspect', 'bridge'])))[0];
    assert.equal(n.EnableIPv6, true);
    assert.deepEqual(n.IPAM.Config[1], { Subnet: 'fd42:b::/64', Gateway: 'fd42:b::1' });
    const out = ok(await sh(d, [], 'ip -6 addr show dev eth0 scope global; ip -6 route show default'));
    assert.match(out, /inet6 fd42:b::2\/64/);
    assert.match(out, /default via fd42:b::1 dev eth0/);
    const port = await freeHostPort();
    await startWeb(d, 'bweb', ['-p', `${port}:80`], 'default six');
    const s = JSON.parse(ok(await d.docker(['inspect', 'bweb'])))[0].NetworkSettings;
    assert.equal(s.GlobalIPv6Address, 'fd42:b::2');
    assert.equal(s.IPv6Gateway, 'fd42:b::1');
    assert.equal(s.GlobalIPv6PrefixLen, 64);
    assert.equal((await httpGetEventually(port, '::1')).body.trim(), 'default six');
  });
});
