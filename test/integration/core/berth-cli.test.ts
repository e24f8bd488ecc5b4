// The same core flows through berth's own CLI, with outputs and exit codes matching docker's
// against the same daemon.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { integrationSkipReason, startDaemon, waitFor, BERTH, type Daemon } from '../harness.js';
import { exits, fails, ok, ID64 } from '../support/assert.js';

describe('berth CLI', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'cli' });
  });
  after(() => d?.cleanup());

  /** Runs the same arguments through both CLIs and returns [docker, berth] results. */
  const both = async (args: string[]) => [await d.docker(args), await d.berth(args)] as const;

  describe('run', () => {
    it('prints the output and passes exit codes through', async () => {
      assert.equal(ok(await d.berth(['run', '--rm', 'busybox', 'echo', 'hello'])), 'hello');
      exits(await d.berth(['run', '--rm', 'busybox', 'sh', '-c', 'exit 7']), 7);
      exits(await d.berth(['run', '--rm', 'busybox', 'nosuchcmd']), 127);
      exits(await d.berth(['run', '--rm', 'busybox', '/etc/passwd']), 126);
      exits(await d.berth(['run', '--no-such-flag', 'busybox']), 125);
      exits(await d.berth(['run', '--rm', '--pull', 'never', 'nosuchimage', 'true']), 125);
    });

    it('-d prints the ID; -e, -w, -u, -h, --entrypoint are applied', async () => {
      const id = ok(await d.berth(['run', '-d', '--name', 'bd', '-e', 'X=1', '-w', '/tmp', '-h', 'bh', 'busybox', 'sh', '-c', 'echo $X $(pwd) $(hostname); sleep 300']));
      assert.match(id, ID64);
      await waitFor('output', async () => (await d.berth(['logs', 'bd'])).stdout.includes('1 /tmp bh'));
      assert.equal(ok(await d.berth(['run', '--rm', '-u', 'nobody', 'busybox', 'id', '-u'])), '65534');
      assert.equal(ok(await d.berth(['run', '--rm', '--entrypoint', 'echo', 'busybox', 'ep'])), 'ep');
    });

    it('-i passes piped stdin', async () => {
      assert.equal(ok(await d.berth(['run', '--rm', '-i', 'busybox', 'cat'], { input: 'piped\n' })), 'piped');
    });

    it('-it runs a shell on a terminal', async () => {
      const r = await d.pty(`${process.execPath} ${BERTH} run --rm -it busybox sh`, {
        steps: [
          { waitFor: '# ', send: 'echo $((6*7))\r' },
          { waitFor: '42', send: 'exit 2\r' },
        ],
      });
      assert.equal(r.code, 2, r.output);
    });

    it('a taken name gives Docker’s conflict message', async () => {
      const r = exits(await d.berth(['run', '-d', '--name', 'bd', 'busybox', 'true']), 125);
      assert.match(r.stderr, /Conflict\. The container name "\/bd" is already in use by container "[0-9a-f]{64}"/);
    });
  });

  describe('listings match docker’s', () => {
    before(async () => {
      ok(await d.docker(['run', '--name', 'done', '-l', 'k=v', 'busybox', 'true']));
      ok(await d.docker(['volume', 'create', 'bv']));
      ok(await d.docker(['tag', 'busybox', 'other:2']));
    });

    it('ps', async () => {
      for (const args of [
        ['ps', '--format', '{{.ID}} {{.Image}} {{.Command}} {{.Names}} {{.State}}'],
        ['ps', '-a', '--format', 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.Names}}'],
        ['ps', '-q'],
        ['ps', '-aq', '--no-trunc'],
        ['ps', '-a', '--filter', 'status=exited', '--format', '{{.Names}}'],
        ['ps', '-a', '--filter', 'label=k=v', '-q'],
        ['ps', '-n', '1', '--format', '{{.Names}}'],
      ]) {
        const [dr, br] = await both(args);
        ok(dr, `docker ${args.join(' ')}`);
        assert.equal(br.stdout, dr.stdout, args.join(' '));
        assert.equal(br.code, 0);
      }
      // The default table: same columns and row count. Times are relative and the two calls
      // run a moment apart, so the STATUS text (and with it the column padding) may differ.
      const [dr, br] = await both(['ps', '-a']);
      const columns = (out: string) => out.split('\n')[0].split(/\s{2,}/);
      assert.deepEqual(columns(br.stdout), columns(dr.stdout));
      assert.equal(br.stdout.split('\n').length, dr.stdout.split('\n').length);
    });

    it('images', async () => {
      for (const args of [['images'], ['images', '-q'], ['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}'], ['image', 'ls', 'other']]) {
        const [dr, br] = await both(args);
        ok(dr, `docker ${args.join(' ')}`);
        // The docker CLI groups an image's tags by repository in a Go map, so the rows of one
        // image come in random order: compare the table header (when there is one), then the
        // rows as a set.
        const table = !args.includes('--format') && !args.includes('-q');
        const dLines = dr.stdout.split('\n');
        const bLines = br.stdout.split('\n');
        if (table) assert.equal(bLines.shift(), dLines.shift(), args.join(' '));
        assert.deepEqual([...bLines].sort(), [...dLines].sort(), args.join(' '));
      }
    });

    it('volume ls and inspect', async () => {
      const [dr, br] = await both(['volume', 'ls']);
      ok(dr);
      assert.equal(br.stdout, dr.stdout);
      const [di, bi] = await both(['volume', 'inspect', 'bv']);
      assert.deepEqual(JSON.parse(bi.stdout), JSON.parse(ok(di)));
    });

    it('inspect', async () => {
      const [dr, br] = await both(['inspect', 'done']);
      assert.deepEqual(JSON.parse(br.stdout), JSON.parse(ok(dr)));
      const [df, bf] = await both(['inspect', '-f', '{{.State.ExitCode}} {{.Config.Labels.k}}', 'done']);
      assert.equal(bf.stdout, df.stdout);
      assert.equal(bf.stdout, '0 v\n');
    });

    it('--format json', async () => {
      const out = ok(await d.berth(['ps', '-a', '--filter', 'name=done', '--format', 'json']));
      assert.equal(JSON.parse(out).Names, 'done');
    });
  });

  describe('other verbs', () => {
    it('logs, exec, stop, start, rm', async () => {
      assert.match(ok(await d.berth(['logs', 'bd'])), /1 \/tmp bh/);
      assert.equal(ok(await d.berth(['exec', 'bd', 'echo', 'inside'])), 'inside');
      exits(await d.berth(['exec', 'bd', 'sh', '-c', 'exit 9']), 9);
      assert.equal(ok(await d.berth(['exec', '-i', 'bd', 'cat'], { input: 'in\n' })), 'in');
      assert.equal(ok(await d.berth(['stop', '-t', '1', 'bd'])), 'bd');
      assert.equal(ok(await d.berth(['wait', 'bd'])), '137');
      assert.equal(ok(await d.berth(['start', 'bd'])), 'bd');
      assert.equal(ok(await d.berth(['rm', '-f', 'bd'])), 'bd');
    });

    it('errors read like docker’s', async () => {
      const [dr, br] = await both(['rm', 'nosuch']);
      assert.equal(br.code, dr.code);
      assert.equal(br.stderr, dr.stderr);
      fails(br, 'Error response from daemon: No such container: nosuch');
      const [di, bi] = await both(['rmi', 'nosuch']);
      assert.equal(bi.code, di.code);
      assert.equal(bi.stderr, di.stderr);
    });

    it('volume create, rm; image tag, rmi; container prune', async () => {
      assert.equal(ok(await d.berth(['volume', 'create', 'bv2'])), 'bv2');
      assert.equal(ok(await d.berth(['volume', 'rm', 'bv2'])), 'bv2');
      ok(await d.berth(['tag', 'busybox', 'bt:1']));
      assert.equal(ok(await d.berth(['rmi', 'bt:1'])), 'Untagged: bt:1');
      const out = ok(await d.berth(['container', 'prune', '-f']));
      assert.match(out, /Deleted Containers:/);
    });
  });
});
