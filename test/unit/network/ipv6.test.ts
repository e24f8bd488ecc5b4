// IPv6 arithmetic, the daemon's ULA pool, the IPv6 subnet checks, the ip6tables rule set and
// the [::] twins of published ports: pure parts of dual-stack networking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidr6Contains, formatCidr6, formatIPv6, parseCidr6, parseIPv6 } from '../../../src/engine/network/ipv6.js';
import { ulaBaseNetwork, validateIpam6 } from '../../../src/engine/network/ipam6.js';
import { renderRules } from '../../../src/engine/network/firewall.js';
import { portRequests } from '../../../src/engine/network/ports.js';

test('IPv6 addresses parse and print as Go’s netip does', () => {
  const cases: [string, string][] = [
    ['::', '::'],
    ['::1', '::1'],
    ['FD42:0001:0000:0000:0000:0000:0000:0010', 'fd42:1::10'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['fe80::1:2', 'fe80::1:2'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['::ffff:10.1.2.3', '::ffff:a01:203'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ];
  for (const [text, printed] of cases) assert.equal(formatIPv6(parseIPv6(text)!), printed, text);
  for (const bad of ['', '1.2.3.4', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7::8']) assert.equal(parseIPv6(bad), undefined, bad);
  const net = parseCidr6('fd42:1::/64')!;
  assert.equal(formatCidr6(net), 'fd42:1::/64');
  assert.ok(cidr6Contains(net, parseIPv6('fd42:1::ffff')!));
  assert.ok(!cidr6Contains(net, parseIPv6('fd42:2::1')!));
});

test('the ULA pool is a /48 in fd00::/8 derived from the host ID, stable for one ID', () => {
  const a = ulaBaseNetwork('host-a');
  assert.equal(a.prefix, 48);
  assert.match(formatCidr6(a), /^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/48$/);
  assert.equal(formatCidr6(ulaBaseNetwork('host-a')), formatCidr6(a));
  assert.notEqual(formatCidr6(ulaBaseNetwork('host-b')), formatCidr6(a));
});

test('IPv6 IPAM configs are checked in dockerd’s words', () => {
  assert.deepEqual(validateIpam6(undefined), {});
  assert.equal(formatCidr6(validateIpam6({ Subnet: 'fd42::/64' }).subnet!), 'fd42::/64');
  assert.throws(() => validateIpam6({ Subnet: 'fd42::1/64' }), { message: 'invalid network config:\ninvalid subnet fd42::1/64: it should be fd42::/64' });
  assert.throws(() => validateIpam6({ Subnet: 'fd42::/64', Gateway: 'fd43::1' }), {
    message: "invalid network config:\ninvalid gateway fd43::1: parent subnet fd42::/64 doesn't contain this address",
  });
  assert.throws(() => validateIpam6({ Subnet: 'fd42::/64', IPRange: 'fd42::/48' }), /CIDR block is bigger than its parent subnet fd42::\/64/);
  assert.throws(() => validateIpam6({ Subnet: 'fd42::/zz' }), /invalid subnet fd42::\/zz: invalid CIDR block notation/);
});

test('ip6tables rules mirror the iptables ones: bracketed DNAT targets, /128 hosts, no ::1 DNAT or 127/8 masquerade', () => {
  const text = renderRules(
    [{ bridge: 'br-x', subnet: 'fd42:1::/64', internal: false, masquerade: true }],
    [{ proto: 'tcp', hostIp: '::', hostPort: 8080, containerIp: 'fd42:1::2', containerPort: 80, bridge: 'br-x' }],
    'BT1',
    6,
  );
  assert.match(text, /^-A BT1-DNAT -p tcp -m tcp --dport 8080 -j DNAT --to-destination \[fd42:1::2\]:80$/m);
  assert.match(text, /^-A BT1-PUBLISHED -d fd42:1::2\/128 ! -i br-x -o br-x -p tcp -m tcp --dport 80 -j ACCEPT$/m);
  assert.match(text, /^-A BT1-POSTROUTING -s fd42:1::\/64 ! -o br-x -j MASQUERADE$/m);
  assert.doesNotMatch(text, /127\.0\.0\.0/);
});

test('a port published on no host address gets an IPv6 twin on [::]; UDP only for a container with IPv6', () => {
  const bindings = {
    '80/tcp': [{ HostPort: '8080' }],
    '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
    '81/tcp': [{ HostIp: '::1', HostPort: '8181' }],
    '54/udp': [{ HostPort: '5454' }],
  };
  const v4 = portRequests(bindings, false, undefined, false);
  assert.deepEqual(
    v4.map((r) => [r.hostIp, r.containerPort, r.twinOf]),
    [
      ['0.0.0.0', 80, undefined],
      ['::', 80, 0],
      ['127.0.0.1', 53, undefined],
      ['::1', 81, undefined],
      ['0.0.0.0', 54, undefined],
    ],
  );
  const v6 = portRequests(bindings, false, undefined, true);
  assert.deepEqual(
    v6.map((r) => [r.hostIp, r.containerPort, r.twinOf]),
    [
      ['0.0.0.0', 80, undefined],
      ['::', 80, 0],
      ['127.0.0.1', 53, undefined],
      ['::1', 81, undefined],
      ['0.0.0.0', 54, undefined],
      ['::', 54, 4],
    ],
  );
});
