// Container lifecycle verbs through the docker CLI: create/start/stop/kill/restart/rm/wait,
// pause, rename, top, port, inspect, ps, logs, exec, cp, export, diff, commit, prune.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fsp, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { integrationSkipReason, startDaemon, waitFor, type Daemon } from '../harness.js';
import { exits, fails, ok, ID64 } from '../support/assert.js';
import { makeTar, tarMember, tarNames } from '../support/tar.js';

describe('container lifecycle', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'life' });
  });
  after(() => d?.cleanup());

  const inspect = async (ref: string, fmt: string) => ok(await d.docker(['inspect', '-f', fmt, ref]), `inspect ${ref} ${fmt}`);
  const state = (ref: string) => inspect(ref, '{{.State.Status}}');

  describe('create, start, stop, kill, restart, rm, wait', () => {
    it('create makes a created container; start runs it', async () => {
      const id = ok(await d.docker(['create', '--name', 'c1', 'busybox', 'sleep', '300']));
      assert.match(id, ID64);
      assert.equal(await state('c1'), 'created');
      assert.equal(ok(await d.docker(['start', 'c1'])), 'c1');
      assert.equal(await state('c1'), 'running');
      assert.match(await inspect('c1', '{{.State.Pid}}'), /^[1-9]\d*$/);
    });

    it('stop -t sends SIGTERM then SIGKILL after the timeout', async () => {
      const t0 = Date.now();
      assert.equal(ok(await d.docker(['stop', '-t', '1', 'c1'])), 'c1');
      assert.ok(Date.now() - t0 < 8000);
      assert.equal(await state('c1'), 'exited');
      assert.equal(await inspect('c1', '{{.State.ExitCode}}'), '137');
      assert.notEqual(await inspect('c1', '{{.State.FinishedAt}}'), '0001-01-01T00:00:00Z');
    });

    it('stop of a stopped container succeeds', async () => {
      assert.equal(ok(await d.docker(['stop', 'c1'])), 'c1');
    });

    it('restart starts it again with a new StartedAt', async () => {
      const before = await inspect('c1', '{{.State.StartedAt}}');
      assert.equal(ok(await d.docker(['restart', '-t', '1', 'c1'])), 'c1');
      assert.equal(await state('c1'), 'running');
      assert.notEqual(await inspect('c1', '{{.State.StartedAt}}'), before);
    });

    it('kill -s delivers the signal; a trapped signal decides the exit code', async () => {
      ok(await d.docker(['run', '-d', '--name', 'trapper', 'busybox', 'sh', '-c', "trap 'exit 42' TERM; echo ready; while true; do sleep 0.1; done"]));
      await waitFor('ready', async () => (await d.docker(['logs', 'trapper'])).stdout.includes('ready'));
      assert.equal(ok(await d.docker(['kill', '-s', 'TERM', 'trapper'])), 'trapper');
      assert.equal(ok(await d.docker(['wait', 'trapper'])), '42');
    });

    it('kill defaults to SIGKILL', async () => {
      ok(await d.docker(['kill', 'c1']));
      assert.equal(ok(await d.docker(['wait', 'c1'])), '137');
    });

    it('kill of a stopped container is a 409', async () => {
      const r = fails(await d.docker(['kill', 'c1']), /is not running/);
      assert.ok(r);
    });

    it('wait prints the exit code', async () => {
      ok(await d.docker(['run', '-d', '--name', 'waiter', 'busybox', 'sh', '-c', 'sleep 1; exit 3']));
      assert.equal(ok(await d.docker(['wait', 'waiter'])), '3');
    });

    it('rm refuses a running container, rm -f removes it', async () => {
      ok(await d.docker(['run', '-d', '--name', 'busy', 'busybox', 'sleep', '300']));
      fails(await d.docker(['rm', 'busy']), /running/i);
      assert.equal(ok(await d.docker(['rm', '-f', 'busy'])), 'busy');
      fails(await d.docker(['inspect', 'busy']), /No such object: busy/);
    });

    it('rm removes stopped containers', async () => {
      assert.equal(ok(await d.docker(['rm', 'waiter', 'trapper'])), 'waiter\ntrapper');
    });
  });

  describe('pause, rename, top, port', () => {
    before(async () => {
      ok(await d.docker(['run', '-d', '--name', 'p1', 'busybox', 'sh', '-c', 'i=0; while true; do i=$((i+1)); echo $i > /tmp/tick; sleep 0.05; done']));
    });

    /** Whether the container's cgroup is frozen (v1 freezer.state, v2 cgroup.events), found from its main process. */
    const cgroupFrozen = async (name: string): Promise<boolean> => {
      const pid = await inspect(name, '{{.State.Pid}}');
      const lines = (await fsp.readFile(`/proc/${pid}/cgroup`, 'utf8')).trim().split('\n');
      const v1 = lines.find((l) => l.split(':')[1]?.split(',').includes('freezer'));
      if (v1) return (await fsp.readFile(`/sys/fs/cgroup/freezer${v1.split(':')[2]}/freezer.state`, 'utf8')).trim() === 'FROZEN';
      const rel = lines.find((l) => l.startsWith('0::'))!.slice(3);
      return /^frozen 1$/m.test(await fsp.readFile(`/sys/fs/cgroup${rel}/cgroup.events`, 'utf8'));
    };

    it('pause freezes the processes, unpause resumes them', async () => {
      assert.equal(ok(await d.docker(['pause', 'p1'])), 'p1');
      assert.equal(await state('p1'), 'paused');
      assert.equal(await inspect('p1', '{{.State.Paused}}'), 'true');
      fails(await d.docker(['exec', 'p1', 'true']), /paused/);
      // Frozen: the kernel says so for the container's cgroup (cgroup v2 cgroup.events), which
      // is the state itself rather than the absence of change over some arbitrary time.
      assert.equal(await cgroupFrozen('p1'), true);
      const c = await tarMember((await d.docker(['cp', 'p1:/tmp/tick', '-'])).stdoutBuf, 'tick');
      assert.equal(ok(await d.docker(['unpause', 'p1'])), 'p1');
      assert.equal(await state('p1'), 'running');
      assert.equal(await cgroupFrozen('p1'), false);
      // Resumed: the loop writes a new tick (no event for a file in the rootfs: poll, bounded).
      await waitFor('the tick to move after unpause', async () => (await tarMember((await d.docker(['cp', 'p1:/tmp/tick', '-'])).stdoutBuf, 'tick')) !== c);
    });

    it('rename changes the name', async () => {
      ok(await d.docker(['rename', 'p1', 'p2']));
      assert.equal(await inspect('p2', '{{.Name}}'), '/p2');
      fails(await d.docker(['inspect', '--type', 'container', 'p1']), /No such container: p1/);
      ok(await d.docker(['create', '--name', 'other', 'busybox']));
      fails(await d.docker(['rename', 'p2', 'other']), /Conflict|already in use/);
      ok(await d.docker(['rm', 'other']));
    });

    it('top lists the container processes', async () => {
      const out = ok(await d.docker(['top', 'p2']));
      const lines = out.split('\n');
      assert.match(lines[0], /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
      assert.ok(lines.some((l) => l.includes('sh -c i=0; while true')), out);
      const custom = ok(await d.docker(['top', 'p2', '-o', 'pid,comm']));
      assert.match(custom.split('\n')[0], /PID\s+COMMAND/);
    });

    it('top of a stopped container is refused', async () => {
      ok(await d.docker(['create', '--name', 'notrunning', 'busybox']));
      fails(await d.docker(['top', 'notrunning']), /is not running/);
      ok(await d.docker(['rm', 'notrunning']));
    });

    it('streamed stats send a sample a second and end when the container is removed', async () => {
      ok(await d.docker(['run', '-d', '--name', 'st', '--network', 'none', 'busybox', 'sleep', '300']));
      const samples: Array<{ id?: string; read?: string }> = [];
      let twoSamples!: () => void;
      const gotTwo = new Promise<void>((r) => (twoSamples = r));
      const ended = new Promise<number>((resolve, reject) => {
        const req = http.get({ socketPath: d.sock, path: '/containers/st/stats' }, (res) => {
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buf += chunk;
            for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
              samples.push(JSON.parse(buf.slice(0, i)));
              buf = buf.slice(i + 1);
              if (samples.length === 2) twoSamples();
            }
          });
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        });
        req.on('error', reject);
      });
      try {
        await gotTwo;
        assert.notEqual(samples[0].read, samples[1].read, 'a new sample, not the first one again');
        ok(await d.docker(['rm', '-f', 'st']));
        assert.equal(await ended, 200);
      } finally {
        await d.docker(['rm', '-f', 'st']);
      }
    });

    it('port prints nothing for a container without published ports', async () => {
      assert.equal(ok(await d.docker(['port', 'p2'])), '');
    });
  });

  describe('inspect', () => {
    it('has Docker’s shape', async () => {
      const id = ok(await d.docker(['run', '-d', '--name', 'shape', '-e', 'A=1', '-l', 'k=v', 'busybox', 'sleep', '300']));
      const [c] = JSON.parse(ok(await d.docker(['inspect', 'shape'])));
      assert.equal(c.Id, id);
      assert.equal(c.Name, '/shape');
      assert.equal(c.Path, 'sleep');
      assert.deepEqual(c.Args, ['300']);
      assert.match(c.Created, /^\d{4}-\d\d-\d\dT/);
      assert.equal(c.State.Status, 'running');
      assert.equal(c.State.Running, true);
      assert.equal(c.State.Paused, false);
      assert.equal(c.State.ExitCode, 0);
      assert.equal(c.State.FinishedAt, '0001-01-01T00:00:00Z');
      assert.match(c.Image, /^sha256:[0-9a-f]{64}$/);
      assert.equal(c.Config.Image, 'busybox');
      assert.deepEqual(c.Config.Cmd, ['sleep', '300']);
      assert.ok(c.Config.Env.includes('A=1'));
      assert.deepEqual(c.Config.Labels, { k: 'v' });
      assert.equal(typeof c.HostConfig, 'object');
      assert.ok('NetworkMode' in c.HostConfig);
      assert.ok(Array.isArray(c.Mounts));
      assert.equal(typeof c.NetworkSettings, 'object');
      assert.equal(typeof c.NetworkSettings.Networks, 'object');
      assert.ok(typeof c.LogPath === 'string');
      assert.equal(c.RestartCount, 0);
      assert.equal(c.Platform, 'linux');
      // By short ID and by ID prefix as well.
      assert.equal(ok(await d.docker(['inspect', '-f', '{{.Id}}', id.slice(0, 12)])), id);
      assert.equal(ok(await d.docker(['container', 'inspect', '-f', '{{.Id}}', id.slice(0, 5)])), id);
    });

    it('State.OOMKilled: true after the kernel OOM-kills the process under -m, false otherwise; an oom event before die', async (t) => {
      const memoryCgroup = existsSync('/sys/fs/cgroup/cgroup.controllers') ? readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').includes('memory') : existsSync('/sys/fs/cgroup/memory');
      if (!memoryCgroup) return t.skip('no memory cgroup controller on this host');
      const since = String(Math.floor(Date.now() / 1000) - 1);
      // The shell doubles a string until the 16 MB limit (swap included) is hit.
      const r = await d.docker(['run', '--name', 'oomer', '-m', '16m', '--memory-swap', '16m', '--network', 'none', 'busybox', 'sh', '-c', 'x=0123456789abcdef; while true; do x=$x$x; done']);
      assert.equal(r.code, 137, r.stderr);
      assert.equal(await inspect('oomer', '{{.State.OOMKilled}} {{.State.ExitCode}}'), 'true 137');
      const events = ok(await d.docker(['events', '--since', since, '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'container=oomer', '--format', '{{.Action}}']));
      const actions = events.split('\n');
      assert.ok(actions.includes('oom') && actions.indexOf('oom') < actions.indexOf('die'), events);
      ok(await d.docker(['run', '--name', 'notoom', '-m', '16m', '--network', 'none', 'busybox', 'true']));
      assert.equal(await inspect('notoom', '{{.State.OOMKilled}} {{.State.ExitCode}}'), 'false 0');
      ok(await d.docker(['rm', 'oomer', 'notoom']));
    });

    it('-s adds sizes', async () => {
      const out = ok(await d.docker(['inspect', '-s', '-f', '{{.SizeRw}} {{.SizeRootFs}}', 'shape']));
      assert.match(out, /^\d+ \d+$/);
      assert.ok(Number(out.split(' ')[1]) > 0);
    });
  });

  describe('ps', () => {
    before(async () => {
      for (const n of ['p2', 'shape', 'c1']) await d.docker(['rm', '-f', n]);
      ok(await d.docker(['run', '-d', '--name', 'up1', '-l', 'role=web', 'busybox', 'sleep', '300']));
      exits(await d.docker(['run', '--name', 'ex3', '-l', 'role=job', 'busybox', 'sh', '-c', 'exit 3']), 3);
      ok(await d.docker(['run', '--name', 'ex0', 'busybox', 'true']));
      ok(await d.docker(['create', '--name', 'cr', 'busybox']));
    });

    const names = async (...args: string[]) =>
      ok(await d.docker(['ps', ...args, '--format', '{{.Names}}']))
        .split('\n')
        .filter(Boolean)
        .sort();

    it('lists running containers; -a lists all', async () => {
      assert.deepEqual(await names(), ['up1']);
      assert.deepEqual(await names('-a'), ['cr', 'ex0', 'ex3', 'up1']);
    });

    it('prints Docker’s table', async () => {
      const out = ok(await d.docker(['ps']));
      const [head, row] = out.split('\n');
      assert.match(head, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
      assert.match(row, /^[0-9a-f]{12}\s+busybox\s+"sleep 300"\s+.+ago\s+Up .+\s+up1$/);
      const all = ok(await d.docker(['ps', '-a']));
      assert.match(all, /Exited \(3\) .+ago\s+ex3/);
      assert.match(all, /Created\s+cr/);
    });

    it('-q prints short IDs', async () => {
      const out = ok(await d.docker(['ps', '-q']));
      assert.match(out, /^[0-9a-f]{12}$/);
      assert.equal(ok(await d.docker(['ps', '-aq'])).split('\n').length, 4);
    });

    it('-n and -l pick the most recently created', async () => {
      assert.deepEqual(await names('-n', '1'), ['cr']);
      assert.deepEqual(await names('-l'), ['cr']);
      assert.deepEqual(await names('-n', '2'), ['cr', 'ex0']);
    });

    it('-s shows sizes', async () => {
      const out = ok(await d.docker(['ps', '-s', '--format', '{{.Size}}']));
      assert.match(out, /^\d+(\.\d+)?[kMG]?B \(virtual \d+(\.\d+)?[kMG]?B\)$/);
    });

    it('filters by status, name, label, ancestor, id, exited', async () => {
      assert.deepEqual(await names('--filter', 'status=exited'), ['ex0', 'ex3']);
      assert.deepEqual(await names('-a', '--filter', 'status=created'), ['cr']);
      assert.deepEqual(await names('-a', '--filter', 'name=ex'), ['ex0', 'ex3']);
      assert.deepEqual(await names('-a', '--filter', 'label=role=job'), ['ex3']);
      assert.deepEqual(await names('-a', '--filter', 'label=role'), ['ex3', 'up1']);
      assert.deepEqual(await names('-a', '--filter', 'ancestor=busybox'), ['cr', 'ex0', 'ex3', 'up1']);
      assert.deepEqual(await names('-a', '--filter', 'ancestor=busybox:latest'), ['cr', 'ex0', 'ex3', 'up1']);
      const id = await inspect('ex3', '{{.Id}}');
      assert.deepEqual(await names('-a', '--filter', `id=${id.slice(0, 10)}`), ['ex3']);
      assert.deepEqual(await names('-a', '--filter', 'exited=3'), ['ex3']);
      assert.deepEqual(await names('-a', '--filter', 'exited=0'), ['ex0']);
      assert.deepEqual(await names('-a', '--filter', 'status=exited', '--filter', 'label=role=job'), ['ex3']);
    });

    it('--format takes Go templates, table and json', async () => {
      const out = ok(await d.docker(['ps', '--format', '{{.ID}}|{{.Image}}|{{.Command}}|{{.Status}}|{{.Label "role"}}']));
      assert.match(out, /^[0-9a-f]{12}\|busybox\|"sleep 300"\|Up .+\|web$/);
      const table = ok(await d.docker(['ps', '--format', 'table {{.Names}}\t{{.Image}}']));
      assert.match(table, /^NAMES\s+IMAGE\nup1\s+busybox$/);
      const json = JSON.parse(ok(await d.docker(['ps', '--format', 'json'])));
      assert.equal(json.Names, 'up1');
      assert.equal(json.State, 'running');
    });

    it('an invalid filter is a 400', async () => {
      fails(await d.docker(['ps', '--filter', 'nosuchfilter=1']), /invalid filter/i);
    });
  });

  describe('logs', () => {
    before(async () => {
      ok(await d.docker(['run', '-d', '--name', 'talker', 'busybox', 'sh', '-c', 'echo one; echo two; echo err >&2; sleep 2; echo three; sleep 300']));
      await waitFor('line three', async () => (await d.docker(['logs', 'talker'])).stdout.includes('three'), 10_000);
    });

    it('prints stdout and stderr on their streams', async () => {
      const r = await d.docker(['logs', 'talker']);
      assert.equal(ok(r), 'one\ntwo\nthree');
      assert.equal(r.stderr, 'err\n');
    });

    it('--tail keeps the last lines', async () => {
      assert.equal(ok(await d.docker(['logs', '--tail', '1', 'talker'])), 'three');
      assert.equal(ok(await d.docker(['logs', '--tail', '0', 'talker'])), '');
    });

    it('-t prefixes RFC 3339 timestamps', async () => {
      const lines = ok(await d.docker(['logs', '-t', 'talker'])).split('\n');
      assert.equal(lines.length, 3);
      for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z (one|two|three)$/);
    });

    it('--since and --until select by time', async () => {
      const lines = ok(await d.docker(['logs', '-t', 'talker'])).split('\n');
      const tTwo = Date.parse(lines[1].split(' ')[0]);
      const tThree = Date.parse(lines[2].split(' ')[0]);
      assert.ok(tThree - tTwo > 1000, lines.join('\n'));
      const mid = new Date(tTwo + 500).toISOString();
      assert.equal(ok(await d.docker(['logs', '--since', mid, 'talker'])), 'three');
      assert.equal(ok(await d.docker(['logs', '--until', mid, 'talker'])), 'one\ntwo');
      // Unix seconds with a fraction work as well.
      assert.equal(ok(await d.docker(['logs', '--since', ((tTwo + 500) / 1000).toFixed(3), 'talker'])), 'three');
    });

    it('-f follows until the container exits', async () => {
      ok(await d.docker(['run', '-d', '--name', 'follow', 'busybox', 'sh', '-c', 'echo a; sleep 1; echo b; sleep 1; echo c']));
      const t0 = Date.now();
      const r = await d.docker(['logs', '-f', 'follow'], { timeoutMs: 15_000 });
      assert.equal(ok(r), 'a\nb\nc');
      assert.ok(Date.now() - t0 >= 1000, 'follow returned before the container finished');
      ok(await d.docker(['rm', 'follow']));
    });

    it('logs of a -t container come raw', async () => {
      ok(await d.docker(['run', '-t', '--name', 'ttylog', 'busybox', 'echo', 'tty-line']));
      assert.equal(ok(await d.docker(['logs', 'ttylog'])), 'tty-line\r');
    });
  });

  describe('exec', () => {
    before(async () => {
      ok(await d.docker(['run', '-d', '--name', 'ex', 'busybox', 'sleep', '300']));
    });

    it('runs a command and passes its output and exit code', async () => {
      assert.equal(ok(await d.docker(['exec', 'ex', 'echo', 'inside'])), 'inside');
      exits(await d.docker(['exec', 'ex', 'sh', '-c', 'exit 5']), 5);
      exits(await d.docker(['exec', 'ex', 'nosuchcmd']), 127);
    });

    it('-e, -w and -u set the environment, directory and user', async () => {
      assert.equal(ok(await d.docker(['exec', '-e', 'X=1', 'ex', 'sh', '-c', 'echo $X'])), '1');
      assert.equal(ok(await d.docker(['exec', '-w', '/etc', 'ex', 'pwd'])), '/etc');
      assert.equal(ok(await d.docker(['exec', '-u', 'nobody', 'ex', 'id', '-u'])), '65534');
      assert.equal(ok(await d.docker(['exec', '-u', '12:34', 'ex', 'sh', '-c', 'echo $(id -u):$(id -g)'])), '12:34');
    });

    it('-i passes stdin', async () => {
      assert.equal(ok(await d.docker(['exec', '-i', 'ex', 'cat'], { input: 'piped in\n' })), 'piped in');
    });

    it('-d runs in the background', async () => {
      assert.equal(ok(await d.docker(['exec', '-d', 'ex', 'sh', '-c', 'sleep 0.3; echo bg > /tmp/bg'])), '');
      await waitFor('the background exec', async () => (await d.docker(['exec', 'ex', 'cat', '/tmp/bg'])).stdout === 'bg\n');
    });

    it('-it gives a terminal', async () => {
      const r = await d.pty('docker exec -it ex sh', {
        steps: [
          { waitFor: '# ', send: 'echo $((6*7)); tty\r' },
          { waitFor: /\/dev\/pts\/\d+/, send: 'exit 3\r' },
        ],
      });
      assert.equal(r.code, 3, r.output);
      assert.match(r.output, /42/);
    });

    it('exec in a stopped container is refused', async () => {
      ok(await d.docker(['create', '--name', 'stopped', 'busybox']));
      fails(await d.docker(['exec', 'stopped', 'true']), /is not running/);
      ok(await d.docker(['rm', 'stopped']));
    });
  });

  describe('cp, export, diff, commit', () => {
    before(async () => {
      ok(await d.docker(['run', '-d', '--name', 'files', 'busybox', 'sh', '-c', 'mkdir -p /data/sub && echo deep > /data/sub/f && echo top > /data/t && rm /etc/group && echo ready && sleep 300']));
      await waitFor('setup in files', async () => (await d.docker(['logs', 'files'])).stdout.includes('ready'));
    });

    it('copies a host file into the container and back', async () => {
      const src = path.join(d.root, 'in.txt');
      await fsp.writeFile(src, 'from host\n');
      ok(await d.docker(['cp', src, 'files:/tmp/in.txt']));
      assert.equal(ok(await d.docker(['exec', 'files', 'cat', '/tmp/in.txt'])), 'from host');
      const dest = path.join(d.root, 'out.txt');
      ok(await d.docker(['cp', 'files:/tmp/in.txt', dest]));
      assert.equal(await fsp.readFile(dest, 'utf8'), 'from host\n');
    });

    it('copies directories both ways', async () => {
      const out = path.join(d.root, 'cpout');
      ok(await d.docker(['cp', 'files:/data', out]));
      assert.equal(await fsp.readFile(path.join(out, 'sub', 'f'), 'utf8'), 'deep\n');
      assert.equal(await fsp.readFile(path.join(out, 't'), 'utf8'), 'top\n');
      const hostDir = path.join(d.root, 'cpin');
      await fsp.mkdir(path.join(hostDir, 'x'), { recursive: true });
      await fsp.writeFile(path.join(hostDir, 'x', 'y'), 'yy\n');
      ok(await d.docker(['cp', hostDir, 'files:/copied']));
      assert.equal(ok(await d.docker(['exec', 'files', 'cat', '/copied/x/y'])), 'yy');
      // Into an existing directory: the source directory goes inside it.
      ok(await d.docker(['cp', hostDir, 'files:/tmp']));
      assert.equal(ok(await d.docker(['exec', 'files', 'cat', '/tmp/cpin/x/y'])), 'yy');
    });

    it('copies to and from a tar stream with -', async () => {
      const tar = (await d.docker(['cp', 'files:/etc/passwd', '-'])).stdoutBuf;
      assert.deepEqual(await tarNames(tar), ['passwd']);
      assert.match(await tarMember(tar, 'passwd'), /^root:x:0:0:/);
      const input = makeTar([
        { name: 'fromtar/', type: 'dir' },
        { name: 'fromtar/hello.txt', content: 'tar hello\n' },
      ]);
      ok(await d.docker(['cp', '-', 'files:/tmp'], { input }));
      assert.equal(ok(await d.docker(['exec', 'files', 'cat', '/tmp/fromtar/hello.txt'])), 'tar hello');
    });

    it('cp of a missing path fails with Docker’s message', async () => {
      fails(await d.docker(['cp', 'files:/nonexistent', path.join(d.root, 'x')]), /Could not find the file \/nonexistent in container files/);
    });

    it('copies into a stopped container', async () => {
      ok(await d.docker(['create', '--name', 'cold', 'busybox', 'cat', '/cold.txt']));
      const src = path.join(d.root, 'cold.txt');
      await fsp.writeFile(src, 'cold\n');
      ok(await d.docker(['cp', src, 'cold:/cold.txt']));
      assert.equal(ok(await d.docker(['start', '-a', 'cold'])), 'cold');
      ok(await d.docker(['rm', 'cold']));
    });

    it('export writes the whole filesystem as a tar', async () => {
      const r = await d.docker(['export', 'files'], { timeoutMs: 60_000 });
      ok(r);
      const names = await tarNames(r.stdoutBuf);
      for (const n of ['bin/busybox', 'etc/passwd', 'data/sub/f', 'data/t']) assert.ok(names.includes(n), `${n} missing from export`);
      assert.ok(!names.includes('etc/group'), 'deleted file exported');
      const out = path.join(d.root, 'export.tar');
      ok(await d.docker(['export', '-o', out, 'files']));
      assert.ok((await fsp.stat(out)).size > 100_000);
    });

    it('diff lists added, changed and deleted paths', async () => {
      const lines = ok(await d.docker(['diff', 'files'])).split('\n');
      for (const l of ['A /data', 'A /data/sub/f', 'A /data/t', 'C /etc', 'D /etc/group']) assert.ok(lines.includes(l), `diff lacks "${l}": ${lines.join(', ')}`);
    });

    it('commit makes an image that runs with the changes', async () => {
      const imgId = ok(await d.docker(['commit', '-m', 'with data', '-c', 'CMD ["cat", "/data/t"]', 'files', 'committed:1']));
      assert.match(imgId, /^sha256:[0-9a-f]{64}$/);
      assert.equal(ok(await d.docker(['run', '--rm', 'committed:1'])), 'top');
      const r = await d.docker(['run', '--rm', 'committed:1', 'cat', '/etc/group']);
      assert.notEqual(r.code, 0, 'deleted file came back');
      const hist = ok(await d.docker(['history', '--format', '{{.Comment}}', 'committed:1']));
      assert.match(hist, /^with data$/m);
      // A committed container is paused for the commit by default and runs on.
      assert.equal(await state('files'), 'running');
    });
  });

  describe('container prune', () => {
    it('removes stopped containers only', async () => {
      ok(await d.docker(['run', '--name', 'dead1', 'busybox', 'true']));
      const dead1 = ok(await d.docker(['inspect', '-f', '{{.Id}}', 'dead1']));
      const runningBefore = ok(await d.docker(['ps', '--format', '{{.Names}}'])).split('\n').filter(Boolean).sort();
      const r = ok(await d.docker(['container', 'prune', '-f']));
      assert.match(r, /^Deleted Containers:\n/);
      assert.ok(r.split('\n').includes(dead1), `dead1 (${dead1}) is not among the deleted:\n${r}`);
      assert.match(r, /Total reclaimed space: /);
      // What is left is exactly what ran before: every stopped container went, no running one did.
      const left = ok(await d.docker(['ps', '-a', '--format', '{{.Names}} {{.State}}'])).split('\n').filter(Boolean);
      assert.deepEqual(left.map((l) => l.split(' ')[0]).sort(), runningBefore);
      for (const l of left) assert.match(l, / running$/);
    });

    it('--filter label limits what is pruned', async () => {
      ok(await d.docker(['create', '--name', 'keepme', '-l', 'keep=1', 'busybox']));
      ok(await d.docker(['create', '--name', 'dropme', 'busybox']));
      ok(await d.docker(['container', 'prune', '-f', '--filter', 'label!=keep']));
      const names = ok(await d.docker(['ps', '-a', '--format', '{{.Names}}'])).split('\n');
      assert.ok(names.includes('keepme'));
      assert.ok(!names.includes('dropme'));
    });
  });
});
