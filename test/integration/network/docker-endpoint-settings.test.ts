// Endpoint settings real clients send, honoured as dockerd 28 honours them: --mac-address (per
// endpoint from API 1.44, container-wide before, migrated as dockerd's router does) and
// --link-local-ip (on run and on network connect), seen inside the container with `ip` and in inspect.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { cleanupWithNetworks, sh } from './docker-support.js';

describe('endpoint settings: --mac-address, --link-local-ip (docker CLI)', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'nep' });
    ok(await d.docker(['network', 'create', '--subnet', '10.233.0.0/24', 'epnet']));
  });
  after(async () => {
    await cleanupWithNetworks(d);
  });

  const inspect = async (name: string) => JSON.parse(ok(await d.docker(['inspect', name])))[0];

  it('--mac-address on the default bridge and on a user network: the interface has it, inspect shows it', async () => {
    assert.match(ok(await sh(d, ['--mac-address', '02:aa:bb:cc:dd:01'], 'ip link show eth0')), /link\/ether 02:aa:bb:cc:dd:01 /);
    ok(await d.docker(['run', '-d', '--name', 'macuser', '--network', 'epnet', '--mac-address', '02:AA:BB:CC:DD:02', 'busybox', 'sleep', '60']));
    const c = await inspect('macuser');
    assert.equal(c.NetworkSettings.Networks.epnet.MacAddress, '02:aa:bb:cc:dd:02');
    assert.match(ok(await d.docker(['exec', 'macuser', 'ip', 'link', 'show', 'eth0'])), /link\/ether 02:aa:bb:cc:dd:02 /);
    const n = JSON.parse(ok(await d.docker(['network', 'inspect', 'epnet'])))[0];
    assert.equal(n.Containers[c.Id].MacAddress, '02:aa:bb:cc:dd:02');
  });

  it('a container-wide MacAddress: moved to the endpoint before API 1.44, and with a deprecation warning after', async () => {
    const old = await d.api('POST', '/v1.43/containers/create?name=macold', { Image: 'busybox', Cmd: ['sleep', '60'], MacAddress: '02:aa:bb:cc:dd:03' });
    assert.equal(old.status, 201, old.text);
    ok(await d.docker(['start', 'macold']));
    assert.match(ok(await d.docker(['exec', 'macold', 'ip', 'link', 'show', 'eth0'])), /link\/ether 02:aa:bb:cc:dd:03 /);
    const now = await d.api('POST', '/v1.50/containers/create?name=macnew', { Image: 'busybox', Cmd: ['sleep', '60'], MacAddress: '02:aa:bb:cc:dd:04', HostConfig: { NetworkMode: 'epnet' } });
    assert.equal(now.status, 201, now.text);
    assert.deepEqual(now.json.Warnings, ['The container-wide MacAddress field is now deprecated. It should be specified in EndpointsConfig instead.']);
    ok(await d.docker(['start', 'macnew']));
    assert.equal((await inspect('macnew')).NetworkSettings.Networks.epnet.MacAddress, '02:aa:bb:cc:dd:04');
    const clash = await d.api('POST', '/v1.50/containers/create', {
      Image: 'busybox',
      MacAddress: '02:aa:bb:cc:dd:05',
      HostConfig: { NetworkMode: 'epnet' },
      NetworkingConfig: { EndpointsConfig: { epnet: { MacAddress: '02:aa:bb:cc:dd:06' } } },
    });
    assert.equal(clash.status, 400, clash.text);
    assert.equal(clash.json.message, 'the container-wide MAC address must match the endpoint-specific MAC address for the main network, or be left empty');
    const hostMode = await d.api('POST', '/v1.43/containers/create', { Image: 'busybox', MacAddress: '02:aa:bb:cc:dd:07', HostConfig: { NetworkMode: 'host' } });
    assert.equal(hostMode.status, 400, hostMode.text);
    assert.equal(hostMode.json.message, 'conflicting options: mac-address and the network mode');
  });

  it('an invalid MAC address is refused in dockerd’s words', async () => {
    const r = await d.api('POST', '/containers/create?name=badmac', { Image: 'busybox', HostConfig: { NetworkMode: 'epnet' }, NetworkingConfig: { EndpointsConfig: { epnet: { MacAddress: '02:zz' } } } });
    assert.equal(r.status, 201, r.text);
    const start = await d.api('POST', '/containers/badmac/start');
    assert.equal(start.status, 400, start.text);
    assert.equal(start.json.message, 'invalid MAC address 02:zz');
  });

  it('--link-local-ip on run and on network connect: addresses on the interface, echoed by inspect', async () => {
    ok(await d.docker(['run', '-d', '--name', 'll', '--network', 'epnet', '--link-local-ip', '169.254.10.10', '--link-local-ip', 'fe80::1:2', 'busybox', 'sleep', '60']));
    const addrs = ok(await d.docker(['exec', 'll', 'ip', 'addr', 'show', 'eth0']));
    assert.match(addrs, /inet 169\.254\.10\.10\/16 /);
    assert.match(addrs, /inet6 fe80::1:2\/64 /);
    assert.deepEqual((await inspect('ll')).NetworkSettings.Networks.epnet.IPAMConfig, { LinkLocalIPs: ['169.254.10.10', 'fe80::1:2'] });

    ok(await d.docker(['network', 'create', '--subnet', '10.234.0.0/24', 'epnet2']));
    ok(await d.docker(['network', 'connect', '--link-local-ip', '169.254.20.20', 'epnet2', 'll']));
    assert.match(ok(await d.docker(['exec', 'll', 'ip', 'addr', 'show', 'eth1'])), /inet 169\.254\.20\.20\/16 /);
    assert.deepEqual((await inspect('ll')).NetworkSettings.Networks.epnet2.IPAMConfig, { LinkLocalIPs: ['169.254.20.20'] });

    const bad = await d.docker(['run', '--rm', '--network', 'epnet', '--link-local-ip', '0.0.0.0', 'busybox', 'true']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid link-local IP address: 0\.0\.0\.0/);
  });
});
