// Pure parts of the network subsystem: address math, pool picking, port requests, resolv.conf
// and hosts content, the iptables rule text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cidrContains, cidrOverlaps, formatCidr, formatIPv4, macForIPv4, parseCidr, parseIPv4 } from '../../../src/engine/network/ipv4.js';
import { defaultPools, parseProcNetRoute, pickFreeSubnet } from '../../../src/engine/network/subnets.js';
import { PortAllocator, parsePortKey, portRequests, portsView } from '../../../src/engine/network/ports.js';
import { parseExtraHosts, parseResolvConf, renderHosts, resolvConfFor } from '../../../src/engine/network/etcfiles.js';
import { renderRules } from '../../../src/engine/network/firewall.js';
import { renderDnsNat } from '../../../src/engine/network/dns-nat.js';

test('IPv4 parse/format round-trips and CIDR math', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => parseIPv4(formatIPv4(n)) === n),
  );
  assert.equal(parseIPv4('256.1.1.1'), undefined);
  assert.equal(parseIPv4('1.2.3'), undefined);
  const c = parseCidr('10.1.2.3/16')!;
  assert.equal(formatCidr(c), '10.1.0.0/16');
  assert.ok(cidrContains(c, parseIPv4('10.1.255.255')!));
  assert.ok(!cidrContains(c, parseIPv4('10.2.0.0')!));
  assert.ok(cidrOverlaps(parseCidr('10.0.0.0/8')!, parseCidr('10.5.0.0/24')!));
  assert.ok(!cidrOverlaps(parseCidr('10.0.0.0/24')!, parseCidr('10.0.1.0/24')!));
  assert.equal(macForIPv4(parseIPv4('172.17.0.2')!), '02:42:ac:11:00:02');
});

test('subnet pools skip host routes and used subnets', () => {
  const routes = parseProcNetRoute(
    'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n' +
      'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n' +
      'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n',
  );
  assert.deepEqual(routes.map(formatCidr), ['172.17.0.0/16']);
  assert.equal(formatCidr(pickFreeSubnet(routes)!), '172.18.0.0/16');
  const all172 = defaultPools().filter((p) => p.prefix === 16);
  assert.equal(formatCidr(pickFreeSubnet(all172)!), '192.168.0.0/20');
  assert.equal(pickFreeSubnet([parseCidr('0.0.0.0/1')!, parseCidr('128.0.0.0/1')!]), undefined);
});

test('port requests from bindings and -P', () => {
  assert.deepEqual(parsePortKey('80'), { proto: 'tcp', start: 80, end: 80 });
  assert.deepEqual(parsePortKey('53/udp'), { proto: 'udp', start: 53, end: 53 });
  assert.throws(() => parsePortKey('x/tcp'), { status: 400 });
  const reqs = portRequests(
    { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }], '443/tcp': [{ HostIp: '::', HostPort: '8443' }] },
    true,
    { '80/tcp': {}, '9000/tcp': {} },
  );
  // As dockerd: no host address means [::] too (relayed to an IPv4-only container, TCP only here).
  assert.deepEqual(reqs, [
    { proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPortStart: 8080, hostPortEnd: 8080 },
    { proto: 'tcp', containerPort: 80, hostIp: '::', hostPortStart: 8080, hostPortEnd: 8080, twinOf: 0 },
    { proto: 'udp', containerPort: 53, hostIp: '127.0.0.1', hostPortStart: 0, hostPortEnd: 0 },
    { proto: 'tcp', containerPort: 443, hostIp: '::', hostPortStart: 8443, hostPortEnd: 8443 },
    { proto: 'tcp', containerPort: 9000, hostIp: '0.0.0.0', hostPortStart: 0, hostPortEnd: 0 },
    { proto: 'tcp', containerPort: 9000, hostIp: '::', hostPortStart: 0, hostPortEnd: 0, twinOf: 4 },
  ]);
  const view = portsView([{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080 }], { '80/tcp': {}, '81/tcp': {} });
  assert.deepEqual(view, { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }], '81/tcp': null });
});

test('port allocator refuses a held port with Docker\'s message and is all-or-nothing', async () => {
  const a = new PortAllocator();
  a.restore('c1', { proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 38080 });
  await assert.rejects(
    a.allocate('c2', [
      { proto: 'tcp', containerPort: 81, hostIp: '127.0.0.1', hostPortStart: 0, hostPortEnd: 0 },
      { proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPortStart: 38080, hostPortEnd: 38080 },
    ]),
    { message: 'Bind for 127.0.0.1:38080 failed: port is already allocated' },
  );
  // Nothing of c2 is held: its random port is free again, and another udp binding is fine.
  const got = await a.allocate('c3', [{ proto: 'udp', containerPort: 80, hostIp: '0.0.0.0', hostPortStart: 38080, hostPortEnd: 38080 }]);
  assert.equal(got[0].hostPort, 38080);
  a.releaseOwner('c1');
  const again = await a.allocate('c4', [{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPortStart: 38080, hostPortEnd: 38080 }]);
  assert.equal(again[0].hostPort, 38080);
});

test('resolv.conf: host resolvers minus loopback on the default bridge, gateway DNS on user networks', () => {
  const host = parseResolvConf('# c\nnameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch corp.example\noptions edns0\n');
  assert.equal(resolvConfFor(host, {}), 'search corp.example\nnameserver 10.0.0.2\noptions edns0\n');
  assert.equal(resolvConfFor(parseResolvConf('nameserver 127.0.0.1\n'), {}), 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n');
  assert.equal(resolvConfFor(host, { dns: ['1.1.1.1'], dnsSearch: ['a.b'], dnsOptions: ['ndots:2'] }), 'search a.b\nnameserver 1.1.1.1\noptions ndots:2\n');
  assert.equal(resolvConfFor(host, {}, '10.9.0.1'), 'search corp.example\nnameserver 10.9.0.1\noptions ndots:0 edns0\n');
});

test('hosts file with --add-host host-gateway and links', () => {
  const extra = parseExtraHosts(['a:1.2.3.4', 'gw:host-gateway', 'v6=[::1]'], '172.18.0.1');
  assert.deepEqual(extra, [
    { ip: '1.2.3.4', names: ['a'] },
    { ip: '172.18.0.1', names: ['gw'] },
    { ip: '::1', names: ['v6'] },
  ]);
  const text = renderHosts(extra, [{ ip: '172.18.0.5', names: ['db', 'abc', 'postgres'] }], { ip: '172.18.0.6', names: ['me'] });
  assert.match(text, /^127\.0\.0\.1\tlocalhost$/m);
  assert.match(text, /^172\.18\.0\.5\tdb abc postgres$/m);
  assert.ok(text.endsWith('172.18.0.6\tme\n'));
});

test('iptables rules: isolation, internal, masquerade, published ports; prefix swap', () => {
  const text = renderRules(
    [
      { bridge: 'br-a', subnet: '10.1.0.0/24', internal: false, masquerade: true },
      { bridge: 'br-i', subnet: '10.2.0.0/24', internal: true, masquerade: true },
    ],
    [{ proto: 'tcp', hostIp: '127.0.0.1', hostPort: 8080, containerIp: '10.1.0.2', containerPort: 80, bridge: 'br-a' }],
    'BTEST',
  );
  assert.ok(!text.includes('BERTH-'));
  assert.match(text, /^-A BTEST-ISOLATION-1 -i br-a ! -o br-a -j BTEST-ISOLATION-2$/m);
  assert.match(text, /^-A BTEST-ISOLATION-2 -o br-i -j DROP$/m);
  assert.match(text, /^-A BTEST-ISOLATION-1 -i br-i ! -d 10\.2\.0\.0\/24 -j DROP$/m);
  assert.match(text, /^-A BTEST-POSTROUTING -s 10\.1\.0\.0\/24 ! -o br-a -j MASQUERADE$/m);
  assert.doesNotMatch(text, /-s 10\.2\.0\.0\/24 ! -o br-i -j MASQUERADE/);
  assert.match(text, /^-A BTEST-DNAT -p tcp -d 127\.0\.0\.1\/32 -m tcp --dport 8080 -j DNAT --to-destination 10\.1\.0\.2:80$/m);
  assert.match(text, /^:BTEST-DNAT - \[0:0\]$/m);
});

test('embedded DNS NAT rules in a container netns: dockerd’s chains, jumps only on the first write', () => {
  const first = renderDnsNat({ udp: 40001, tcp: 40002 }, true);
  assert.match(first, /^:DOCKER_OUTPUT - \[0:0\]$/m);
  assert.match(first, /^-A OUTPUT -d 127\.0\.0\.11\/32 -j DOCKER_OUTPUT$/m);
  assert.match(first, /^-A DOCKER_OUTPUT -d 127\.0\.0\.11\/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127\.0\.0\.11:40001$/m);
  assert.match(first, /^-A DOCKER_OUTPUT -d 127\.0\.0\.11\/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination 127\.0\.0\.11:40002$/m);
  assert.match(first, /^-A DOCKER_POSTROUTING -s 127\.0\.0\.11\/32 -p udp -m udp --sport 40001 -j SNAT --to-source :53$/m);
  assert.match(first, /COMMIT\n$/);
  const again = renderDnsNat({ udp: 40003, tcp: 40004 }, false);
  assert.doesNotMatch(again, /-A (OUTPUT|POSTROUTING) /);
  assert.match(again, /--to-destination 127\.0\.0\.11:40003$/m);
});
