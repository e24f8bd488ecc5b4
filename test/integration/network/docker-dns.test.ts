// Container networking through the real docker CLI: name resolution on user-defined networks
// (name, alias, short ID), none on the default bridge, --link, /etc/hosts and /etc/resolv.conf
// flags, --ip / --mac-address / --hostname, the host / none / container:<name> modes, isolation
// between networks and internal networks. Traffic goes only to these containers and loopback:
// lookups that must fail use --dns 127.0.0.1 (the container's own loopback), never a real resolver.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { integrationSkipReason, startDaemon, waitFor, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { cleanupWithNetworks, daemonFlag, defaultGateway, sh, startWeb } from './docker-support.js';

describe('docker networking: names, /etc files, modes', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let webId = '';
  before(async () => {
    d = await startDaemon({ name: 'ndns' });
    ok(await d.docker(['network', 'create', '--subnet', '10.201.0.0/24', 'front']));
    webId = await startWeb(d, 'web', ['--network', 'front', '--network-alias', 'www']);
  });
  after(() => cleanupWithNetworks(d));

  describe('user-defined network', () => {
    it('resolves a container by name, alias and short ID', async () => {
      const ip = ok(await d.docker(['inspect', '-f', '{{.NetworkSettings.Networks.front.IPAddress}}', 'web']));
      assert.match(ip, /^10\.201\.0\.\d+$/);
      const short = webId.slice(0, 12);
      const out = ok(await sh(d, ['--network', 'front'], `for n in web www ${short}; do nslookup $n 2>&1 | grep -A1 "^Name:" | tail -1; ping -c1 -W2 $n >/dev/null && echo ping-ok; done`));
      assert.equal(out.match(new RegExp(`Address:\\s*${ip.replace(/\./g, '\\.')}`, 'g'))?.length, 3, out);
      assert.equal(out.match(/ping-ok/g)?.length, 3, out);
    });

    it('resolves <name>.<network> too', async () => {
      const ip = ok(await d.docker(['inspect', '-f', '{{.NetworkSettings.Networks.front.IPAddress}}', 'web']));
      const out = ok(await sh(d, ['--network', 'front'], 'ping -c1 -W2 web.front | head -1'));
      assert.match(out, new RegExp(`\\(${ip.replace(/\./g, '\\.')}\\)`));
    });

    it('serves HTTP by name (wget) and accepts TCP by alias (nc)', async () => {
      const out = ok(await sh(d, ['--network', 'front'], 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://web/ && break; sleep 0.2; done; echo | nc -w2 www 80 >/dev/null && echo nc-ok'));
      assert.match(out, /hello from web/);
      assert.match(out, /nc-ok/);
    });

    it('points resolv.conf at the embedded DNS at 127.0.0.11, as Docker', async () => {
      const out = ok(await sh(d, ['--network', 'front'], 'cat /etc/resolv.conf'));
      assert.match(out, /^nameserver 127\.0\.0\.11$/m);
      assert.match(out, /ndots:0/);
    });

    it('keeps separate networks isolated (no route through the host, no names)', async () => {
      ok(await d.docker(['network', 'create', '--subnet', '10.202.0.0/24', 'back']));
      const webIp = ok(await d.docker(['inspect', '-f', '{{.NetworkSettings.Networks.front.IPAddress}}', 'web']));
      // --dns 127.0.0.1: the embedded DNS forwards no unknown name off the machine.
      const r = await sh(d, ['--network', 'back', '--dns', '127.0.0.1'], `ping -c1 -W1 ${webIp} >/dev/null && echo reached; nslookup web >/dev/null 2>&1 && echo resolved; echo done`);
      assert.equal(ok(r), 'done');
      ok(await d.docker(['network', 'rm', 'back']));
    });

    it('an internal network has no default route and cannot leave its subnet', async () => {
      ok(await d.docker(['network', 'create', '--internal', '--subnet', '10.203.0.0/24', 'inner']));
      ok(await d.docker(['run', '-d', '--name', 'inner1', '--network', 'inner', 'busybox', 'sleep', '60']));
      const gw = await defaultGateway(d);
      const out = ok(await sh(d, ['--network', 'inner'], `ip route; ping -c1 -W1 inner1 >/dev/null && echo peer-ok; ping -c1 -W1 ${gw} >/dev/null 2>&1 && echo out-ok; echo done`));
      assert.doesNotMatch(out, /^default/m);
      assert.match(out, /peer-ok/);
      assert.doesNotMatch(out, /out-ok/);
      const inspect = JSON.parse(ok(await d.docker(['network', 'inspect', 'inner'])))[0];
      assert.equal(inspect.Internal, true);
      ok(await d.docker(['rm', '-f', 'inner1']));
      ok(await d.docker(['network', 'rm', 'inner']));
    });
  });

  describe('default bridge', () => {
    it('has no name resolution between containers', async () => {
      ok(await d.docker(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '60']));
      // --dns 127.0.0.1: the failed lookup goes to the container's own loopback, nowhere else.
      const out = ok(await sh(d, ['--dns', '127.0.0.1'], 'ping -c1 -W1 plain >/dev/null 2>&1 && echo resolved; grep -c plain /etc/hosts; echo done'));
      assert.equal(out, '0\ndone');
    });

    it('connected to a user-defined network while running, it gets the embedded DNS at once', async () => {
      ok(await d.docker(['run', '-d', '--name', 'joiner', 'busybox', 'sleep', '60']));
      try {
        const before = ok(await d.docker(['exec', 'joiner', 'cat', '/etc/resolv.conf']));
        assert.doesNotMatch(before, /127\.0\.0\.11/);
        ok(await d.docker(['network', 'connect', 'front', 'joiner']));
        const after = ok(await d.docker(['exec', 'joiner', 'sh', '-c', 'cat /etc/resolv.conf; nslookup www 2>&1 | grep -c "^Name:"']));
        assert.match(after, /^nameserver 127\.0\.0\.11$/m);
        assert.match(after, /^1$/m, after);
      } finally {
        await d.docker(['rm', '-f', 'joiner']);
      }
    });

    it('does not point resolv.conf at a gateway', async () => {
      const gw = await defaultGateway(d);
      const out = ok(await sh(d, [], 'cat /etc/resolv.conf'));
      assert.ok(!out.includes(`nameserver ${gw}`), out);
    });

    it('--link writes the target into /etc/hosts under the alias, short ID and name', async () => {
      ok(await d.docker(['run', '-d', '--name', 'linked', 'busybox', 'sleep', '60']));
      const id = ok(await d.docker(['inspect', '-f', '{{.Id}}', 'linked']));
      const ip = ok(await d.docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'linked']));
      const out = ok(await sh(d, ['--link', 'linked:db'], 'cat /etc/hosts; ping -c1 -W2 db >/dev/null && echo ping-ok'));
      assert.match(out, new RegExp(`^${ip.replace(/\./g, '\\.')}\\tdb ${id.slice(0, 12)} linked$`, 'm'));
      assert.match(out, /ping-ok/);
      ok(await d.docker(['rm', '-f', 'linked']));
    });

    it('refuses --link to a container that is not running', async () => {
      ok(await d.docker(['create', '--name', 'sleeper', 'busybox', 'true']));
      const r = await d.docker(['run', '--rm', '--link', 'sleeper:s', 'busybox', 'true']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /sleeper/);
      ok(await d.docker(['rm', 'sleeper']));
    });
  });

  describe('/etc files and addresses', () => {
    it('--dns, --dns-search, --dns-option land in resolv.conf', async () => {
      const out = ok(await sh(d, ['--dns', '127.0.0.1', '--dns-search', 'a.test', '--dns-search', 'b.test', '--dns-option', 'timeout:1'], 'cat /etc/resolv.conf'));
      assert.match(out, /^search a\.test b\.test$/m);
      assert.match(out, /^nameserver 127\.0\.0\.1$/m);
      assert.match(out, /^options timeout:1$/m);
      assert.equal(out.match(/^nameserver/gm)?.length, 1, out);
    });

    it('--dns on a user network keeps the embedded DNS in resolv.conf', async () => {
      const out = ok(await sh(d, ['--network', 'front', '--dns', '127.0.0.1', '--dns-search', 'x.test'], 'cat /etc/resolv.conf; ping -c1 -W2 web >/dev/null && echo web-ok'));
      assert.match(out, /^nameserver 127\.0\.0\.11$/m);
      assert.match(out, /^search x\.test$/m);
      assert.match(out, /web-ok/);
    });

    it('--add-host (host-gateway too) and --hostname', async () => {
      const gw = await defaultGateway(d);
      const out = ok(await sh(d, ['--add-host', 'db.test:10.1.2.3', '--add-host', 'hostside:host-gateway', '--hostname', 'myhost'], 'cat /etc/hosts; echo host=$(hostname)'));
      assert.match(out, /^10\.1\.2\.3\tdb\.test$/m);
      assert.match(out, new RegExp(`^${gw.replace(/\./g, '\\.')}\\thostside$`, 'm'));
      assert.match(out, /^\S+\tmyhost$/m);
      assert.match(out, /host=myhost/);
    });

    it('host.docker.internal reaches the host from the default bridge and a user network, without flags', async () => {
      const gw = await defaultGateway(d);
      // A server of the test's own on the default bridge's gateway address: the host, as a
      // container sees it. Nothing leaves the machine.
      const srv = http.createServer((_req, res) => res.end('hello from the host\n'));
      await new Promise<void>((r) => srv.listen(0, gw, r));
      try {
        const port = (srv.address() as AddressInfo).port;
        for (const net of [[], ['--network', 'front']]) {
          const out = ok(await sh(d, net, `grep host.docker.internal /etc/hosts; wget -qO- http://host.docker.internal:${port}/`));
          assert.match(out, new RegExp(`^${gw.replace(/\./g, '\\.')}\\thost\\.docker\\.internal$`, 'm'));
          assert.match(out, /hello from the host/);
        }
        // The user's --add-host wins.
        const own = ok(await sh(d, ['--add-host', 'host.docker.internal:10.9.9.9'], 'grep host.docker.internal /etc/hosts'));
        assert.equal(own.trim(), '10.9.9.9\thost.docker.internal');
      } finally {
        await new Promise<void>((r) => srv.close(() => r()));
      }
    });

    it('--ip and --mac-address on a user network', async () => {
      const out = ok(await sh(d, ['--network', 'front', '--ip', '10.201.0.77', '--mac-address', '02:42:0a:c9:00:99'], 'ip addr show eth0'));
      assert.match(out, /inet 10\.201\.0\.77\/24/);
      assert.match(out, /link\/ether 02:42:0a:c9:00:99/);
    });

    it('--ip shows in inspect of the container and of the network', async () => {
      ok(await d.docker(['run', '-d', '--name', 'fixed', '--network', 'front', '--ip', '10.201.0.50', 'busybox', 'sleep', '60']));
      const ep = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .NetworkSettings.Networks.front}}', 'fixed'])));
      assert.equal(ep.IPAddress, '10.201.0.50');
      assert.deepEqual(ep.IPAMConfig, { IPv4Address: '10.201.0.50' });
      const net = JSON.parse(ok(await d.docker(['network', 'inspect', 'front'])))[0];
      const mine = Object.values(net.Containers as Record<string, { Name: string; IPv4Address: string }>).find((c) => c.Name === 'fixed');
      assert.equal(mine?.IPv4Address, '10.201.0.50/24');
      ok(await d.docker(['rm', '-f', 'fixed']));
    });
  });

  describe('network modes', () => {
    it('--network host sees the host interfaces', async () => {
      const bridge = daemonFlag(d, '--bridge');
      const out = ok(await sh(d, ['--network', 'host'], 'cat /proc/net/dev'));
      assert.ok(out.includes(`${bridge}:`), out);
      ok(await d.docker(['run', '-d', '--name', 'onhost', '--network', 'host', 'busybox', 'sleep', '30']));
      const nets = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'onhost'])));
      assert.deepEqual(Object.keys(nets), ['host']);
      ok(await d.docker(['rm', '-f', 'onhost']));
    });

    it('--network none has only loopback', async () => {
      const out = ok(await sh(d, ['--network', 'none'], 'ls /sys/class/net'));
      assert.deepEqual(out.split(/\s+/), ['lo']);
    });

    it('/etc/hosts and resolv.conf outside CNI networks: --add-host and --dns with none, host.docker.internal with host', async () => {
      const none = ok(await sh(d, ['--network', 'none', '--add-host', 'a.test:10.1.1.1', '--dns', '10.0.0.9', '--dns-search', 'x.test'], 'cat /etc/hosts /etc/resolv.conf'));
      assert.match(none, /^127\.0\.0\.1\tlocalhost$/m);
      assert.match(none, /^10\.1\.1\.1\ta\.test$/m);
      assert.match(none, /^nameserver 10\.0\.0\.9$/m);
      assert.match(none, /^search x\.test$/m);
      const host = ok(await sh(d, ['--network', 'host', '--add-host', 'b.test:10.2.2.2'], 'cat /etc/hosts'));
      assert.match(host, /^10\.2\.2\.2\tb\.test$/m);
      assert.match(host, /^127\.0\.0\.1\thost\.docker\.internal$/m);
    });

    it('--network container:<name> shares the other container’s interfaces', async () => {
      const ip = ok(await d.docker(['inspect', '-f', '{{.NetworkSettings.Networks.front.IPAddress}}', 'web']));
      const out = ok(await sh(d, ['--network', 'container:web'], 'ip -4 addr show eth0; wget -qO- http://127.0.0.1/'));
      assert.match(out, new RegExp(`inet ${ip.replace(/\./g, '\\.')}/24`));
      assert.match(out, /hello from web/);
    });

    it('--network container:<name> shares its hostname, /etc/hosts and resolv.conf, so names resolve as for it', async () => {
      const hostname = ok(await d.docker(['inspect', '-f', '{{.Config.Hostname}}', 'web']));
      const out = ok(await sh(d, ['--network', 'container:web'], 'hostname; cat /etc/resolv.conf; nslookup www 2>&1 | grep -c "^Name:"'));
      assert.equal(out.split('\n')[0], hostname);
      assert.match(out, /^nameserver 127\.0\.0\.11$/m);
      assert.match(out, /^1$/m, out);
    });

    it('container:<name> of a container that is not running is refused', async () => {
      ok(await d.docker(['create', '--name', 'stopped', 'busybox', 'true']));
      const r = await d.docker(['run', '--rm', '--network', 'container:stopped', 'busybox', 'true']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /cannot join network of a non running container/);
      ok(await d.docker(['rm', 'stopped']));
    });
  });

  describe('connect and disconnect on a running container', () => {
    it('adds an interface with --ip and --alias, resolvable by the alias, then takes it away', async () => {
      ok(await d.docker(['network', 'create', '--subnet', '10.204.0.0/24', 'side']));
      ok(await d.docker(['run', '-d', '--name', 'mover', '--network', 'front', 'busybox', 'sleep', '120']));
      ok(await d.docker(['network', 'connect', '--ip', '10.204.0.9', '--alias', 'mv-alias', 'side', 'mover']));
      const addrs = ok(await d.docker(['exec', 'mover', 'ip', '-4', '-o', 'addr']));
      assert.match(addrs, /eth1\s+inet 10\.204\.0\.9\/24/);
      const ep = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .NetworkSettings.Networks.side}}', 'mover'])));
      assert.equal(ep.IPAddress, '10.204.0.9');
      assert.ok(ep.Aliases.includes('mv-alias'), JSON.stringify(ep));
      const out = ok(await sh(d, ['--network', 'side'], 'ping -c1 -W2 mv-alias >/dev/null && echo alias-ok; ping -c1 -W2 mover >/dev/null && echo name-ok'));
      assert.match(out, /alias-ok/);
      assert.match(out, /name-ok/);
      const net = JSON.parse(ok(await d.docker(['network', 'inspect', 'side'])))[0];
      assert.deepEqual(Object.values(net.Containers as Record<string, { Name: string }>).map((c) => c.Name), ['mover']);

      ok(await d.docker(['network', 'disconnect', 'side', 'mover']));
      await waitFor('eth1 to go', async () => !(await d.docker(['exec', 'mover', 'ip', '-o', 'link'])).stdout.includes('eth1'));
      const nets = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'mover'])));
      assert.deepEqual(Object.keys(nets), ['front']);
      const after = JSON.parse(ok(await d.docker(['network', 'inspect', 'side'])))[0];
      assert.deepEqual(after.Containers, {});
      ok(await d.docker(['network', 'rm', 'side']));
      ok(await d.docker(['rm', '-f', 'mover']));
    });

    it('connect on a stopped container shows in inspect and takes effect at start', async () => {
      ok(await d.docker(['network', 'create', '--subnet', '10.205.0.0/24', 'later']));
      ok(await d.docker(['create', '--name', 'idle', '--network', 'front', 'busybox', 'sleep', '120']));
      ok(await d.docker(['network', 'connect', '--ip', '10.205.0.33', 'later', 'idle']));
      const nets = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'idle'])));
      assert.deepEqual(Object.keys(nets).sort(), ['front', 'later']);
      assert.equal(nets.later.IPAddress, '');
      ok(await d.docker(['start', 'idle']));
      const ep = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .NetworkSettings.Networks.later}}', 'idle'])));
      assert.equal(ep.IPAddress, '10.205.0.33');
      assert.match(ok(await d.docker(['exec', 'idle', 'ip', '-4', '-o', 'addr'])), /inet 10\.205\.0\.33\/24/);
      ok(await d.docker(['rm', '-f', 'idle']));
      ok(await d.docker(['network', 'rm', 'later']));
    });
  });
});
