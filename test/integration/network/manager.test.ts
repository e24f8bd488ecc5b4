// NetworkManager against the real kernel: CNI bridge/macvlan plugins, netns, iptables, the
// embedded DNS. Traffic goes only to loopback and to namespaces these tests create.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { countVeths, fakeContainer, inNetns, iptablesLines, makeHarness, tcpGet, tcpServerIn } from './helpers.js';
import { run } from '../../../src/engine/network/run.js';
import { NETNS_POOL_PREFIX, NetworkManager } from '../../../src/engine/network/manager.js';
import { EventBus } from '../../../src/engine/events.js';

test('predefined networks, create / inspect / remove with Docker errors', async (t) => {
  const h = await makeHarness();
  t.after(() => h.cleanup());
  const names = h.mgr.list().map((n) => n.Name).sort();
  assert.deepEqual(names, ['bridge', 'host', 'none']);
  const bridge = h.mgr.inspect('bridge');
  assert.equal(bridge.Driver, 'bridge');
  assert.equal(bridge.Options['com.docker.network.bridge.name'], h.bridgeName);
  assert.ok(existsSync(`/sys/class/net/${h.bridgeName}`));
  assert.match(bridge.IPAM.Config[0].Subnet!, /^(172\.(1[7-9]|2\d|3[01])\.0\.0\/16|192\.168\.\d+\.0\/20)$/);

  const { Id } = await h.mgr.create({ Name: 'tnet1', IPAM: { Config: [{ Subnet: '10.231.0.0/24' }] }, Labels: { a: 'b' } });
  const v = h.mgr.inspect('tnet1');
  assert.equal(v.Id, Id);
  assert.deepEqual(v.IPAM.Config, [{ Subnet: '10.231.0.0/24', Gateway: '10.231.0.1' }]);
  assert.equal(h.mgr.inspect(Id.slice(0, 6)).Name, 'tnet1');
  assert.ok(existsSync(`/sys/class/net/br-${Id.slice(0, 12)}`));

  await assert.rejects(h.mgr.create({ Name: 'tnet1' }), { status: 409, message: 'network with name tnet1 already exists' });
  await assert.rejects(h.mgr.create({ Name: 'tnet2', IPAM: { Config: [{ Subnet: '10.231.0.128/25' }] } }), {
    status: 403,
    message: 'invalid pool request: Pool overlaps with other one on this address space',
  });
  await assert.rejects(h.mgr.create({ Name: 'v6', EnableIPv6: true, IPAM: { Config: [{ Subnet: 'fd42:5::1/64' }] } }), {
    status: 400,
    message: 'invalid network config:\ninvalid subnet fd42:5::1/64: it should be fd42:5::/64',
  });
  await assert.rejects(h.mgr.create({ Name: 'mv', Driver: 'macvlan', Options: { parent: 'nosuchif0' } }), {
    status: 400,
    message: '-o parent interface was not found on the host: nosuchif0',
  });
  assert.throws(() => h.mgr.inspect('nosuch'), { status: 404, message: 'network nosuch not found' });
  await assert.rejects(h.mgr.remove('bridge'), { status: 403 });
  assert.deepEqual(h.mgr.list(new Map([['label', ['a=b']]])).map((n) => n.Name), ['tnet1']);

  // A picked subnet avoids the one above and the default bridge.
  await h.mgr.create({ Name: 'tnet3' });
  const s3 = h.mgr.inspect('tnet3').IPAM.Config[0].Subnet;
  assert.notEqual(s3, bridge.IPAM.Config[0].Subnet);

  await h.mgr.remove('tnet1');
  assert.ok(!existsSync(`/sys/class/net/br-${Id.slice(0, 12)}`));
  assert.deepEqual((await h.mgr.prune()).NetworksDeleted, ['tnet3']);
});

test('two containers on a user network reach each other and resolve names via the embedded DNS', async (t) => {
  const h = await makeHarness();
  t.after(() => h.cleanup());
  await h.mgr.create({ Name: 'appnet', IPAM: { Config: [{ Subnet: '10.232.0.0/24' }] } });
  const a = await fakeContainer(h, 'alpha');
  const b = await fakeContainer(h, 'beta');
  const sa = await h.mgr.attachContainer({ containerId: a.id, name: '/alpha', hostname: 'alpha', netnsPath: a.netns, endpoints: { appnet: {} } });
  const sb = await h.mgr.attachContainer({ containerId: b.id, name: '/beta', hostname: 'beta', netnsPath: b.netns, endpoints: { appnet: { Aliases: ['db'] } } });
  const ipA = sa.Networks.appnet.IPAddress;
  const ipB = sb.Networks.appnet.IPAddress;
  assert.equal(ipA, '10.232.0.2');
  assert.equal(ipB, '10.232.0.3');
  assert.equal(sa.Networks.appnet.MacAddress, '02:42:0a:e8:00:02');
  assert.deepEqual(sb.Networks.appnet.DNSNames, ['beta', 'db', b.id.slice(0, 12)]);
  assert.equal(sa.SandboxKey, a.netns);

  const ping = await inNetns(a.netns, ['busybox', 'ping', '-c', '1', '-W', '2', ipB]);
  assert.equal(ping.code, 0, ping.stdout + ping.stderr);

  const resolv = await h.mgr.resolvConfFor(a.id, {});
  assert.match(resolv, /^nameserver 127\.0\.0\.11$/m);
  assert.match(resolv, /ndots:0/);
  for (const name of ['beta', 'db', b.id.slice(0, 12)]) {
    const r = await inNetns(a.netns, ['busybox', 'nslookup', name, '127.0.0.11']);
    assert.match(r.stdout, new RegExp(`Address:\\s+${ipB.replace(/\./g, '\\.')}`), `${name}: ${r.stdout}${r.stderr}`);
  }
  const inspect = h.mgr.inspect('appnet');
  assert.deepEqual(Object.keys(inspect.Containers).sort(), [a.id, b.id].sort());
  assert.equal(inspect.Containers[a.id].IPv4Address, '10.232.0.2/24');
  await assert.rejects(h.mgr.remove('appnet'), { status: 403, message: /has active endpoints/ });

  // --ip: taken and outside the subnet.
  const c = await fakeContainer(h, 'gamma');
  await assert.rejects(
    h.mgr.attachContainer({ containerId: c.id, name: 'gamma', hostname: 'g', netnsPath: c.netns, endpoints: { appnet: { IPAMConfig: { IPv4Address: ipB } } } }),
    { status: 403, message: 'Address already in use' },
  );
  await assert.rejects(
    h.mgr.attachContainer({ containerId: c.id, name: 'gamma', hostname: 'g', netnsPath: c.netns, endpoints: { appnet: { IPAMConfig: { IPv4Address: '10.9.9.9' } } } }),
    { status: 400 },
  );
  const sc = await h.mgr.attachContainer({ containerId: c.id, name: 'gamma', hostname: 'g', netnsPath: c.netns, endpoints: { appnet: { IPAMConfig: { IPv4Address: '10.232.0.77' } } } });
  assert.equal(sc.Networks.appnet.IPAddress, '10.232.0.77');

  await h.mgr.detachContainer(b.id);
  await h.mgr.detachContainer(b.id); // twice is fine
  const gone = await inNetns(a.netns, ['busybox', 'nslookup', 'beta', '127.0.0.11']);
  assert.doesNotMatch(gone.stdout, /Address:\s+10\.232\.0\.3/);
  // Names berth does not know go to the upstream resolver (the harness's fake one on loopback).
  const up = await inNetns(a.netns, ['busybox', 'nslookup', 'upstream.test', '127.0.0.11']);
  assert.match(up.stdout, /Address:\s+192\.0\.2\.200/);
});

test('published ports answer on 127.0.0.1; a taken port is refused and leaves nothing behind', async (t) => {
  const h = await makeHarness();
  t.after(() => h.cleanup());
  const before = await iptablesLines(h);
  const a = await fakeContainer(h, 'web');
  const s = await h.mgr.attachContainer({
    containerId: a.id,
    name: 'web',
    hostname: 'web',
    netnsPath: a.netns,
    endpoints: { bridge: {} },
    portBindings: { '80/tcp': [{ HostIp: '', HostPort: '18080' }], '81/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
    exposedPorts: { '80/tcp': {}, '81/tcp': {}, '90/udp': {} },
  });
  assert.deepEqual(s.Ports['80/tcp'], [
    { HostIp: '0.0.0.0', HostPort: '18080' },
    { HostIp: '::', HostPort: '18080' },
  ]);
  assert.equal(s.Ports['90/udp'], null);
  const random = Number(s.Ports['81/tcp']![0].HostPort);
  assert.ok(random >= 1024);
  await tcpServerIn(h, a.netns, 80, 'web80');
  await tcpServerIn(h, a.netns, 81, 'web81');
  assert.equal(await tcpGet('127.0.0.1', 18080), 'hello from web80');
  assert.equal(await tcpGet('127.0.0.1', random), 'hello from web81');
  assert.equal(s.Gateway, h.mgr.hostGateway());
  assert.match(h.mgr.hostsFor(a.id, { extraHosts: ['host.docker.internal:host-gateway'] }), new RegExp(`${h.mgr.hostGateway()}\\thost.docker.internal`));

  // --link on the default bridge: an /etc/hosts entry with alias, short ID and name.
  const l = await fakeContainer(h, 'client');
  await h.mgr.attachContainer({ containerId: l.id, name: 'client', hostname: 'client', netnsPath: l.netns, endpoints: { bridge: {} }, links: ['/web:/client/webby'] });
  assert.match(h.mgr.hostsFor(l.id), new RegExp(`^${s.IPAddress.replace(/\./g, '\\.')}\twebby ${a.id.slice(0, 12)} web$`, 'm'));
  // The harness's host resolver is on loopback: the default bridge falls back to Docker's defaults.
  assert.match(await h.mgr.resolvConfFor(l.id), /^nameserver 8\.8\.8\.8$/m);
  await h.mgr.detachContainer(l.id);

  const b = await fakeContainer(h, 'web2');
  const rulesMid = await iptablesLines(h);
  await assert.rejects(
    h.mgr.attachContainer({ containerId: b.id, name: 'web2', hostname: 'w', netnsPath: b.netns, endpoints: { bridge: {} }, portBindings: { '80/tcp': [{ HostPort: '18080' }] } }),
    (e: Error) => /Bind for 0\.0\.0\.0:18080 failed: port is already allocated/.test(e.message),
  );
  assert.equal(await iptablesLines(h), rulesMid);
  assert.equal(h.mgr.networkSettings(b.id)?.Networks.bridge, undefined);
  await h.mgr.detachContainer(b.id);
  await h.mgr.detachContainer(a.id);
  await assert.rejects(tcpGet('127.0.0.1', 18080));
  assert.equal(await iptablesLines(h), before);
});

test('isolation: different user networks cannot talk; internal networks have no way out', async (t) => {
  const h = await makeHarness();
  t.after(() => h.cleanup());
  await h.mgr.create({ Name: 'n1', IPAM: { Config: [{ Subnet: '10.233.1.0/24' }] } });
  await h.mgr.create({ Name: 'n2', IPAM: { Config: [{ Subnet: '10.233.2.0/24' }] } });
  await h.mgr.create({ Name: 'inner', Internal: true, IPAM: { Config: [{ Subnet: '10.233.3.0/24' }] } });
  const a = await fakeContainer(h, 'a');
  const b = await fakeContainer(h, 'b');
  const c = await fakeContainer(h, 'c');
  await h.mgr.attachContainer({ containerId: a.id, name: 'a', hostname: 'a', netnsPath: a.netns, endpoints: { n1: {} } });
  await h.mgr.attachContainer({ containerId: b.id, name: 'b', hostname: 'b', netnsPath: b.netns, endpoints: { n2: {} } });
  await h.mgr.attachContainer({ containerId: c.id, name: 'c', hostname: 'c', netnsPath: c.netns, endpoints: { inner: {} } });
  // The gateway (host side) answers, the other network does not.
  assert.equal((await inNetns(a.netns, ['busybox', 'ping', '-c', '1', '-W', '1', '10.233.1.1'])).code, 0);
  assert.notEqual((await inNetns(a.netns, ['busybox', 'ping', '-c', '1', '-W', '1', '10.233.2.2'])).code, 0);
  const routes = await inNetns(c.netns, ['ip', 'route']);
  assert.doesNotMatch(routes.stdout, /default/);
  assert.notEqual((await inNetns(c.netns, ['busybox', 'ping', '-c', '1', '-W', '1', '10.233.1.2'])).code, 0);
});

test('connect / disconnect a running container', async (t) => {
  const h = await makeHarness();
  t.after(() => h.cleanup());
  await h.mgr.create({ Name: 'c1', IPAM: { Config: [{ Subnet: '10.234.1.0/24' }] } });
  await h.mgr.create({ Name: 'c2', IPAM: { Config: [{ Subnet: '10.234.2.0/24' }] } });
  const a = await fakeContainer(h, 'ca');
  const b = await fakeContainer(h, 'cb');
  await h.mgr.attachContainer({ containerId: a.id, name: 'ca', hostname: 'ca', netnsPath: a.netns, endpoints: { c1: {} } });
  await h.mgr.attachContainer({ containerId: b.id, name: 'cb', hostname: 'cb', netnsPath: b.netns, endpoints: { c2: {} } });
  await h.mgr.connect('c2', 'ca', { Aliases: ['second'] });
  const s = h.mgr.networkSettings(a.id)!;
  assert.equal(s.Networks.c2.IPAddress, '10.234.2.3');
  assert.match((await inNetns(a.netns, ['ip', '-o', 'addr', 'show', 'eth1'])).stdout, /10\.234\.2\.3/);
  assert.equal((await inNetns(a.netns, ['busybox', 'ping', '-c', '1', '-W', '2', '10.234.2.2'])).code, 0);
  const r = await inNetns(b.netns, ['busybox', 'nslookup', 'second', '127.0.0.11']);
  assert.match(r.stdout, /Address:\s+10\.234\.2\.3/);
  await assert.rejects(h.mgr.connect('c2', 'ca'), { status: 403 });
  await h.mgr.disconnect('c2', 'ca');
  assert.equal(h.mgr.networkSettings(a.id)!.Networks.c2, undefined);
  assert.notEqual((await inNetns(a.netns, ['ip', 'link', 'show', 'eth1'])).code, 0);
  // dockerd: not connected is an error (a plain one, 500); forced, the endpoint is not found (404).
  await assert.rejects(h.mgr.disconnect('c2', 'ca'), { status: 500 });
  await assert.rejects(h.mgr.disconnect('c2', 'ca', true), { status: 404 });
});

test('macvlan on a dummy parent', async (t) => {
  const h = await makeHarness();
  // A veth end as the parent: macvlan's bridge mode switches between siblings locally, and
  // nothing reaches a real interface (this kernel has no dummy module).
  const parent = `bmv${Math.random().toString(36).slice(2, 7)}`;
  await run('ip', ['link', 'add', parent, 'type', 'veth', 'peer', 'name', `${parent}p`]);
  await run('ip', ['link', 'set', `${parent}p`, 'up']);
  await run('ip', ['link', 'set', parent, 'up']);
  t.after(async () => {
    await h.cleanup();
    await run('ip', ['link', 'del', parent]);
  });
  await h.mgr.create({ Name: 'mv', Driver: 'macvlan', Options: { parent }, IPAM: { Config: [{ Subnet: '10.235.0.0/24' }] } });
  const a = await fakeContainer(h, 'ma');
  const b = await fakeContainer(h, 'mb');
  await h.mgr.attachContainer({ containerId: a.id, name: 'ma', hostname: 'ma', netnsPath: a.netns, endpoints: { mv: {} } });
  await h.mgr.attachContainer({ containerId: b.id, name: 'mb', hostname: 'mb', netnsPath: b.netns, endpoints: { mv: {} } });
  assert.equal((await inNetns(a.netns, ['busybox', 'ping', '-c', '1', '-W', '2', '10.235.0.3'])).code, 0);
  assert.match(await h.mgr.resolvConfFor(a.id), /^nameserver /m);

  // Without a parent: an internal network on a made-up parent link, removed with the network.
  const { Id } = await h.mgr.create({ Name: 'mv2', Driver: 'macvlan', IPAM: { Config: [{ Subnet: '10.235.1.0/24' }] } });
  assert.equal(h.mgr.inspect('mv2').Internal, true);
  assert.ok(existsSync(`/sys/class/net/dm-${Id.slice(0, 12)}`));
  await h.mgr.remove('mv2');
  assert.ok(!existsSync(`/sys/class/net/dm-${Id.slice(0, 12)}`));
});

test('50 attach/detach cycles leave no veth, rule, record or netns behind', async (t) => {
  const h = await makeHarness();
  t.after(() => h.cleanup());
  await h.mgr.create({ Name: 'cyc', IPAM: { Config: [{ Subnet: '10.236.0.0/24' }] } });
  // Warm up: rules for the networks exist before the baseline is taken.
  const vethsBefore = await countVeths(h);
  const rulesBefore = await iptablesLines(h);
  for (let i = 0; i < 50; i++) {
    const c = await fakeContainer(h, `cyc${i}`);
    await h.mgr.attachContainer({
      containerId: c.id,
      name: `cyc${i}`,
      hostname: 'x',
      netnsPath: c.netns,
      endpoints: i % 2 ? { cyc: {} } : { bridge: {} },
      portBindings: i % 2 ? undefined : { '80/tcp': [{ HostPort: '' }] },
    });
    await h.mgr.detachContainer(c.id);
    h.containers.delete(c.id);
  }
  assert.equal(await countVeths(h), vethsBefore);
  assert.equal(await iptablesLines(h), rulesBefore);
  assert.deepEqual(readdirSync(path.join(h.dataRoot, 'network', 'sandboxes')), []);
  // Only the pool of ready namespaces (at most its size) may be left.
  const left = readdirSync(path.join(h.execRoot, 'netns'));
  assert.ok(left.every((n) => n.startsWith(NETNS_POOL_PREFIX)) && left.length <= 2, left.join(','));
});

test('restart: running containers keep their addresses, leftovers of gone ones are swept', async (t) => {
  const h = await makeHarness();
  t.after(() => h.cleanup());
  await h.mgr.create({ Name: 'rnet', IPAM: { Config: [{ Subnet: '10.237.0.0/24' }] } });
  const keep = await fakeContainer(h, 'keep');
  const lost = await fakeContainer(h, 'lost');
  await h.mgr.attachContainer({ containerId: keep.id, name: 'keep', hostname: 'k', netnsPath: keep.netns, endpoints: { rnet: {} }, portBindings: { '80/tcp': [{ HostPort: '18181' }] } });
  await h.mgr.attachContainer({ containerId: lost.id, name: 'lost', hostname: 'l', netnsPath: lost.netns, endpoints: { rnet: {} } });
  const orphan = await fakeContainer(h, 'orphan'); // netns only, as if berthd died before attach
  const vethsWithAll = await countVeths(h);
  await h.mgr.close();

  const mgr2 = new NetworkManager({
    dataRoot: h.dataRoot,
    execRoot: h.execRoot,
    events: new EventBus(),
    defaultBridgeName: h.bridgeName,
    firewall: h.firewall,
    resolvConfPath: h.resolvConfPath,
    lookupContainer: (id) => h.containers.get(id),
  });
  h.mgr = mgr2;
  await mgr2.init();
  const swept = await mgr2.sweep((id) => id === keep.id);
  // 'lost' has a record; 'orphan' has one unless its netns came from the pool (then only a file).
  assert.ok(swept.sandboxes >= 1 && swept.sandboxes + swept.netns === 2, JSON.stringify(swept));
  assert.equal(await countVeths(h), vethsWithAll - 1);
  assert.ok(!existsSync(lost.netns) && !existsSync(orphan.netns) && existsSync(keep.netns));
  assert.equal(mgr2.networkSettings(keep.id)!.Networks.rnet.IPAddress, '10.237.0.2');
  // The kept container's port is still held: another container cannot take it.
  const n = await fakeContainer(h, 'new');
  await assert.rejects(
    mgr2.attachContainer({ containerId: n.id, name: 'new', hostname: 'n', netnsPath: n.netns, endpoints: { rnet: {} }, portBindings: { '80/tcp': [{ HostPort: '18181' }] } }),
    /port is already allocated/,
  );
  // The next address is the freed one of the lost container, not the kept one's.
  const s = await mgr2.attachContainer({ containerId: n.id, name: 'new', hostname: 'n', netnsPath: n.netns, endpoints: { rnet: {} } });
  assert.equal(s.Networks.rnet.IPAddress, '10.237.0.3');
  // DNS listens again after the restart, in the kept container's netns too (its NAT rules held).
  const k = await inNetns(keep.netns, ['busybox', 'nslookup', 'new', '127.0.0.11']);
  assert.match(k.stdout, /Address:\s+10\.237\.0\.3/);
  const r = await inNetns(n.netns, ['busybox', 'nslookup', 'keep', '127.0.0.11']);
  assert.match(r.stdout, /Address:\s+10\.237\.0\.2/);
});
