// The embedded DNS lives inside each container's network namespace at 127.0.0.11, as Docker's:
// nothing of berth listens on port 53 of the host, so a DNS server of the host's own on
// 0.0.0.0:53 (a stand-in here, started before berthd) keeps its port; containers still resolve
// each other by name, their own port 53 is free, and answers are scoped to the asking container's
// networks. Unknown names go (from the host's namespace) to the containers' --dns, which is the
// stand-in on a gateway address: no query leaves the machine.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import * as dnsPacket from 'dns-packet';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { runCommand } from '../support/proc.js';
import { cleanupWithNetworks, sh, startWeb } from './docker-support.js';

const STANDIN_NAME = 'standin.test';
const STANDIN_IP = '192.0.2.77';

interface StandIn {
  udp: dgram.Socket;
  tcp: net.Server;
  /** Names the stand-in was asked for. */
  asked: string[];
}

function answer(msg: Buffer, asked: string[]): Buffer {
  const q = dnsPacket.decode(msg);
  const question = q.questions?.[0];
  asked.push(question?.name ?? '');
  const known = question?.name === STANDIN_NAME && question.type === 'A';
  return dnsPacket.encode({
    type: 'response',
    id: q.id,
    flags: known ? dnsPacket.RECURSION_AVAILABLE : dnsPacket.RECURSION_AVAILABLE | 3,
    questions: q.questions,
    answers: known ? [{ type: 'A', name: STANDIN_NAME, ttl: 60, class: 'IN', data: STANDIN_IP }] : [],
  });
}

/** Node's own code (no modules) asking 127.0.0.11:53 over TCP for argv[1]'s A record; prints the first address. */
const TCP_QUERY = `
const name = process.argv[1];
const labels = Buffer.concat([...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0, 0, 1, 0, 1])]);
const msg = Buffer.concat([Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), labels]);
const s = require('net').connect(53, '127.0.0.11', () => s.write(Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 255]), msg])));
let buf = Buffer.alloc(0);
s.on('data', (b) => {
  buf = Buffer.concat([buf, b]);
  if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
  const m = buf.subarray(2);
  const an = m.readUInt16BE(6);
  if (!an) { console.log('no answer, rcode ' + (m[3] & 15)); s.destroy(); return; }
  const skipName = (o) => { while (m[o] && m[o] < 0xc0) o += m[o] + 1; return m[o] >= 0xc0 ? o + 2 : o + 1; };
  let o = skipName(12) + 4; // the question: name, type, class
  o = skipName(o) + 2 + 2 + 4 + 2; // the answer: name, type, class, ttl, rdlength
  console.log([...m.subarray(o, o + 4)].join('.'));
  s.destroy();
});
setTimeout(() => { console.log('timeout'); process.exit(1); }, 8000).unref();
`;

/** A host DNS server on 0.0.0.0:53 (UDP and TCP, exclusive), or why it cannot be had. */
async function startStandIn(): Promise<StandIn | string> {
  const asked: string[] = [];
  const udp = dgram.createSocket({ type: 'udp4', reuseAddr: false });
  udp.on('message', (m, r) => udp.send(answer(m, asked), r.port, r.address));
  const udpErr = await new Promise<Error | undefined>((resolve) => {
    udp.once('error', resolve);
    udp.bind({ port: 53, address: '0.0.0.0', exclusive: true }, () => resolve(undefined));
  });
  if (udpErr) {
    udp.close();
    return `UDP port 53 of the host is taken by something else (${udpErr.message})`;
  }
  const tcp = net.createServer((s) => {
    s.once('data', (b: Buffer) => {
      const reply = answer(b.subarray(2, 2 + b.readUInt16BE(0)), asked);
      const head = Buffer.alloc(2);
      head.writeUInt16BE(reply.length);
      s.end(Buffer.concat([head, reply]));
    });
    s.on('error', () => s.destroy());
  });
  const tcpErr = await new Promise<Error | undefined>((resolve) => {
    tcp.once('error', resolve);
    tcp.listen({ port: 53, host: '0.0.0.0', exclusive: true }, () => resolve(undefined));
  });
  if (tcpErr) {
    udp.close();
    return `TCP port 53 of the host is taken by something else (${tcpErr.message})`;
  }
  return { udp, tcp, asked };
}

/** Port-53 sockets on the host (`ss` in berthd's namespace) that belong to process pid. */
async function port53SocketsOf(pid: number): Promise<string[]> {
  const lines: string[] = [];
  for (const flags of ['-lnup', '-lntp']) {
    const r = await runCommand('ss', [flags, 'sport = :53'], { timeoutMs: 10_000 });
    lines.push(...r.stdout.split('\n').filter((l) => l.includes(`pid=${pid},`)));
  }
  return lines;
}

describe('embedded DNS inside the containers, host port 53 left to the host', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let standIn: StandIn | string = 'not started';
  let webIp = '';
  let gwA = '';
  let gwB = '';
  before(async () => {
    standIn = await startStandIn();
    if (typeof standIn === 'string') return;
    d = await startDaemon({ name: 'dns53' });
    ok(await d.docker(['network', 'create', '--subnet', '10.246.1.0/24', 'dnsa']));
    ok(await d.docker(['network', 'create', '--subnet', '10.246.2.0/24', 'dnsb']));
    await startWeb(d, 'web', ['--network', 'dnsa', '--network-alias', 'www']);
    ok(await d.docker(['run', '-d', '--name', 'lonely', '--network', 'dnsb', 'busybox', 'sleep', '300']));
    webIp = ok(await d.docker(['inspect', '-f', '{{.NetworkSettings.Networks.dnsa.IPAddress}}', 'web']));
    gwA = ok(await d.docker(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Gateway}}', 'dnsa']));
    gwB = ok(await d.docker(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Gateway}}', 'dnsb']));
  });
  after(async () => {
    await cleanupWithNetworks(d);
    if (typeof standIn !== 'string') {
      standIn.udp.close();
      await new Promise((r) => (standIn as StandIn).tcp.close(r));
    }
  });

  it('berthd holds no socket on port 53 of the host', async (t) => {
    if (typeof standIn === 'string') return t.skip(standIn);
    const pid = d.process?.pid;
    assert.ok(pid);
    assert.deepEqual(await port53SocketsOf(pid), []);
  });

  it('containers resolve each other by name through 127.0.0.11 (nslookup, ping), with their own port 53 free', async (t) => {
    if (typeof standIn === 'string') return t.skip(standIn);
    const out = ok(
      await sh(
        d,
        ['--network', 'dnsa', '--dns', gwA],
        // A DNS server of the container's own on 0.0.0.0:53 does not stand in the embedded one's way.
        `cat /etc/resolv.conf; (nc -lu -p 53 >/dev/null 2>&1 &); for n in web www; do nslookup $n 2>&1 | grep -A1 "^Name:" | tail -1; done; echo explicit $(nslookup -type=a web 127.0.0.11 | grep -c "^Address: ${webIp}"); ping -c1 -W2 www >/dev/null && echo ping-ok`,
      ),
    );
    assert.match(out, /^nameserver 127\.0\.0\.11$/m);
    assert.match(out, /^options ndots:0/m);
    assert.equal(out.match(new RegExp(`Address:\\s*${webIp.replace(/\./g, '\\.')}`, 'g'))?.length, 2, out);
    assert.match(out, /^explicit 1$/m);
    assert.match(out, /ping-ok/);
    // Names berth knows never reach the host's server.
    assert.ok(!standIn.asked.some((n) => /^(web|www)\b/.test(n)), standIn.asked.join(','));
  });

  it('unknown names are forwarded to the --dns server over UDP and TCP; TCP at 127.0.0.11:53 answers too', async (t) => {
    if (typeof standIn === 'string') return t.skip(standIn);
    const udp = ok(await sh(d, ['--network', 'dnsa', '--dns', gwA], `nslookup -type=a ${STANDIN_NAME} 2>&1`));
    assert.match(udp, new RegExp(`Address:\\s*${STANDIN_IP.replace(/\./g, '\\.')}`));
    assert.ok(standIn.asked.includes(STANDIN_NAME));
    // busybox has no DNS-over-TCP client: this test's node, in the container's network namespace.
    ok(await d.docker(['run', '-d', '--name', 'asker', '--network', 'dnsa', '--dns', gwA, 'busybox', 'sleep', '300']));
    const pid = ok(await d.docker(['inspect', '-f', '{{.State.Pid}}', 'asker']));
    for (const [name, ip] of [['www', webIp], [STANDIN_NAME, STANDIN_IP]]) {
      const r = await runCommand('nsenter', [`--net=/proc/${pid}/ns/net`, process.execPath, '-e', TCP_QUERY, name], { timeoutMs: 15_000 });
      assert.equal(r.stdout.trim(), ip, r.stdout + r.stderr);
    }
  });

  it('answers are scoped to the asking container’s networks', async (t) => {
    if (typeof standIn === 'string') return t.skip(standIn);
    // From dnsb, web (on dnsa) is unknown to berth: the query goes on to the stand-in, which says NXDOMAIN.
    const fromB = await sh(d, ['--network', 'dnsb', '--dns', gwB], `nslookup web 2>&1; echo; nslookup lonely 2>&1 | grep -A1 "^Name:" | tail -1; echo done`);
    const outB = ok(fromB);
    assert.ok(!outB.includes(webIp), outB);
    const lonelyIp = ok(await d.docker(['inspect', '-f', '{{.NetworkSettings.Networks.dnsb.IPAddress}}', 'lonely']));
    assert.match(outB, new RegExp(`Address:\\s*${lonelyIp.replace(/\./g, '\\.')}`));
    // A running container on dnsb sees lonely, not web; one on dnsa the other way round.
    const execB = ok(await d.docker(['exec', 'lonely', 'sh', '-c', `nslookup web 127.0.0.11 >/dev/null 2>&1 || echo no-web`]));
    assert.equal(execB, 'no-web');
    const execA = ok(await d.docker(['exec', 'web', 'sh', '-c', `nslookup lonely 127.0.0.11 >/dev/null 2>&1 || echo no-lonely`]));
    assert.equal(execA, 'no-lonely');
  });

  it('the default bridge keeps the host resolvers, as Docker', async (t) => {
    if (typeof standIn === 'string') return t.skip(standIn);
    const out = ok(await sh(d, [], 'cat /etc/resolv.conf'));
    assert.doesNotMatch(out, /127\.0\.0\.11/);
  });
});
