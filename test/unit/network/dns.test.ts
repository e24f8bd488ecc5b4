// The embedded DNS server's answers, with a fake view of containers and no upstream traffic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { EmbeddedDns } from '../../../src/engine/network/dns.js';

const resolver = {
  lookup: (client: string, name: string) =>
    client === 'alpha' && name === 'web' ? { ipv4: ['10.0.0.3'], ipv6: [] as string[] } : client === 'alpha' && name === 'web6' ? { ipv4: ['10.0.0.4'], ipv6: ['fd00:1::4'] } : undefined,
  reverse: (client: string, ip: string) => (client === 'alpha' && ip === '10.0.0.3' ? 'web.net' : undefined),
  upstreams: () => [] as string[],
};

const dataOf = (a: dnsPacket.Answer): unknown => (a as { data?: unknown }).data;

function query(name: string, type: dnsPacket.RecordType): Buffer {
  return dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });
}

test('answers known names for the right client (the container a listener serves), SERVFAIL without upstreams', async () => {
  const dns = new EmbeddedDns(resolver);
  const a = dnsPacket.decode((await dns.answer(query('Web.', 'A'), 'alpha', 'udp'))!);
  assert.equal(a.id, 7);
  assert.deepEqual(a.answers?.map(dataOf), ['10.0.0.3']);
  const aaaa = dnsPacket.decode((await dns.answer(query('web', 'AAAA'), 'alpha', 'udp'))!);
  assert.equal(aaaa.answers?.length, 0);
  assert.equal((aaaa.flags ?? 0) & 15, 0);
  // On a dual-stack network: AAAA answers the IPv6 address, A the IPv4 one.
  const aaaa6 = dnsPacket.decode((await dns.answer(query('web6', 'AAAA'), 'alpha', 'udp'))!);
  assert.deepEqual(aaaa6.answers?.map((x) => [x.type, dataOf(x)]), [['AAAA', 'fd00:1::4']]);
  const a6 = dnsPacket.decode((await dns.answer(query('web6', 'A'), 'alpha', 'udp'))!);
  assert.deepEqual(a6.answers?.map((x) => [x.type, dataOf(x)]), [['A', '10.0.0.4']]);
  const other = dnsPacket.decode((await dns.answer(query('web', 'A'), 'stranger', 'udp'))!);
  assert.equal((other.flags ?? 0) & 15, 2);
  const ptr = dnsPacket.decode((await dns.answer(query('3.0.0.10.in-addr.arpa', 'PTR'), 'alpha', 'udp'))!);
  assert.deepEqual(ptr.answers?.map(dataOf), ['web.net']);
  assert.equal(await dns.answer(Buffer.from('junk'), 'alpha', 'udp'), undefined);
});

test('serves UDP on a listen address and stops on unlisten', async () => {
  // An address on loopback instead of descriptors from a container's netns: the same serving
  // code, no privileges involved. The listener, not the source address, names the client.
  const port = 20000 + Math.floor(Math.random() * 20000);
  const srv = new EmbeddedDns({ ...resolver, lookup: (c: string, n: string) => (c === 'alpha' && n === 'web' ? { ipv4: ['10.0.0.3'], ipv6: [] } : undefined) });
  await srv.listen('alpha', { host: '127.0.0.1', port });
  try {
    const sock = dgram.createSocket('udp4');
    const reply = await new Promise<Buffer>((resolve) => {
      sock.once('message', (m) => resolve(m));
      sock.send(query('web', 'A'), port, '127.0.0.1');
    });
    sock.close();
    assert.deepEqual(dnsPacket.decode(reply).answers?.map(dataOf), ['10.0.0.3']);
    assert.deepEqual(srv.listening(), ['alpha']);
    assert.ok(srv.serves('alpha') && !srv.serves('stranger'));
  } finally {
    await srv.close();
  }
  assert.deepEqual(srv.listening(), []);
});
