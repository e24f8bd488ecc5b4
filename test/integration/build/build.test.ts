// `docker build` (classic builder, DOCKER_BUILDKIT=0) and `berth build` against a real berthd:
// RUN steps as real containers, multi-stage COPY --from, the persistent cache (hits, misses,
// restarts, prune), .dockerignore, build args, heredocs, failures, and the CLI flags.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import http from 'node:http';
import { describeResult, integrationSkipReason, jsonLines, startDaemon, waitFor, type CmdResult, type Daemon } from '../harness.js';
import { runCommand } from '../support/proc.js';

const CLASSIC = { DOCKER_BUILDKIT: '0' };

async function writeContext(dir: string, files: Record<string, string>): Promise<string> {
  await fsp.rm(dir, { recursive: true, force: true });
  for (const [p, content] of Object.entries(files)) {
    await fsp.mkdir(path.dirname(path.join(dir, p)), { recursive: true });
    await fsp.writeFile(path.join(dir, p), content);
  }
  return dir;
}

function ok(r: CmdResult, what: string): CmdResult {
  assert.equal(r.code, 0, `${what}: ${describeResult(r)}`);
  return r;
}

describe('build through the docker CLI and berth', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let ctxRoot: string;
  const build = (args: string[], cwd?: string): Promise<CmdResult> => d.docker(['build', '--network', 'none', ...args], { env: CLASSIC, timeoutMs: 120_000, cwd });
  const noContainers = async (): Promise<void> => {
    const ps = ok(await d.docker(['ps', '-aq']), 'ps -a');
    assert.equal(ps.stdout.trim(), '', 'no step container may be left');
  };

  before(async () => {
    d = await startDaemon({ name: 'build' });
    ctxRoot = path.join(d.root, 'ctx');
  });
  after(() => d?.cleanup());

  test('multi-stage COPY --from; USER and WORKDIR visible in docker run', async () => {
    const ctx = await writeContext(path.join(ctxRoot, 'multi'), {
      Dockerfile: [
        'FROM busybox AS builder',
        'RUN mkdir /out && echo built-in-stage > /out/artifact',
        'FROM busybox',
        'COPY --from=builder /out/artifact /app/artifact',
        'RUN echo "u:x:1500:1500::/app:/bin/sh" >> /etc/passwd && chown 1500 /app',
        'USER u',
        'WORKDIR /app/work',
        'CMD ["sh", "-c", "id -u; pwd; cat /app/artifact"]',
        '',
      ].join('\n'),
    });
    const r = ok(await build(['-t', 'multi:1', ctx]), 'build');
    assert.match(r.stdout, /Step 1\/8 : FROM busybox AS builder/);
    assert.match(r.stdout, /Successfully tagged multi:1/);
    const run = ok(await d.docker(['run', '--rm', '--network', 'none', 'multi:1']), 'run');
    assert.equal(run.stdout, '1500\n/app/work\nbuilt-in-stage\n');
    await noContainers();
  });

  test('cache: a rebuild uses the cache for every step; a changed file invalidates from its COPY on', async () => {
    const ctx = await writeContext(path.join(ctxRoot, 'cache'), {
      Dockerfile: 'FROM busybox\nRUN echo one > /one\nCOPY data.txt /data.txt\nRUN cat /data.txt > /copy\nCMD ["cat", "/copy"]\n',
      'data.txt': 'v1\n',
    });
    const first = ok(await build(['-t', 'cache:1', ctx]), 'first build');
    assert.doesNotMatch(first.stdout, /Using cache/);
    const second = ok(await build(['-t', 'cache:1', ctx]), 'second build');
    assert.equal(second.stdout.match(/Using cache/g)?.length, 4, second.stdout);
    assert.doesNotMatch(second.stdout, /Running in/);
    const id1 = ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'cache:1']), 'inspect').stdout.trim();

    await fsp.writeFile(path.join(ctx, 'data.txt'), 'v2\n');
    const third = ok(await build(['-t', 'cache:1', ctx]), 'third build');
    const steps = third.stdout.split(/(?=Step \d)/);
    assert.match(steps.find((s) => s.includes('RUN echo one'))!, /Using cache/);
    assert.doesNotMatch(steps.find((s) => s.includes('COPY data.txt'))!, /Using cache/);
    assert.doesNotMatch(steps.find((s) => s.includes('RUN cat /data.txt'))!, /Using cache/);
    const id2 = ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'cache:1']), 'inspect').stdout.trim();
    assert.notEqual(id1, id2);
    assert.equal(ok(await d.docker(['run', '--rm', '--network', 'none', 'cache:1']), 'run').stdout, 'v2\n');

    // --no-cache runs everything again.
    const nc = ok(await build(['--no-cache', '-t', 'cache:1', ctx]), 'no-cache build');
    assert.doesNotMatch(nc.stdout, /Using cache/);
    await noContainers();
  });

  test('the cache survives a daemon restart; builder prune empties it', async () => {
    const ctx = await writeContext(path.join(ctxRoot, 'restart'), {
      Dockerfile: 'FROM busybox\nRUN echo persisted > /p\nENV X=1\n',
    });
    ok(await build(['-t', 'restart:1', ctx]), 'first build');
    await d.restart();
    const again = ok(await build(['-t', 'restart:1', ctx]), 'build after restart');
    assert.equal(again.stdout.match(/Using cache/g)?.length, 2, again.stdout);

    ok(await d.docker(['rmi', 'restart:1']), 'rmi');
    const prune = ok(await d.docker(['builder', 'prune', '-f']), 'builder prune');
    assert.match(prune.stdout, /Total reclaimed space:/);
    const api = await d.api('POST', '/build/prune');
    assert.equal(api.status, 200);
    assert.ok('CachesDeleted' in api.json && typeof api.json.SpaceReclaimed === 'number', api.text);
    const cold = ok(await build(['-t', 'restart:1', ctx]), 'build after prune');
    assert.doesNotMatch(cold.stdout, /Using cache/);
  });

  test('.dockerignore, build args, labels and heredocs', async () => {
    const ctx = await writeContext(path.join(ctxRoot, 'features'), {
      '.dockerignore': '*.secret\nignored-dir/\n',
      'keep.txt': 'keep\n',
      'drop.secret': 'secret\n',
      'ignored-dir/x': 'x\n',
      Dockerfile: [
        'FROM busybox',
        'ARG GREETING=hello',
        'ARG UNUSED',
        'COPY . /ctx/',
        'RUN echo "$GREETING" > /greeting',
        'RUN <<EOF',
        'echo from-heredoc > /heredoc',
        'echo second-line >> /heredoc',
        'EOF',
        'COPY <<EOT /inline.txt',
        'inline content',
        'EOT',
        '',
      ].join('\n'),
    });
    const r = ok(await build(['-t', 'features:1', '--build-arg', 'GREETING=bonjour', '--label', 'com.example.a=1', '--label', 'b=two', ctx]), 'build');
    assert.match(r.stdout, /Successfully built [0-9a-f]{12}/);
    const run = ok(
      await d.docker(['run', '--rm', '--network', 'none', 'features:1', 'sh', '-c', 'ls /ctx; cat /greeting /heredoc /inline.txt']),
      'run',
    );
    assert.equal(run.stdout, 'Dockerfile\nkeep.txt\nbonjour\nfrom-heredoc\nsecond-line\ninline content\n');
    const labels = JSON.parse(ok(await d.docker(['image', 'inspect', '-f', '{{json .Config.Labels}}', 'features:1']), 'inspect').stdout);
    assert.deepEqual(labels, { 'com.example.a': '1', b: 'two' });
    await noContainers();
  });

  test('a failing RUN: dockerd\'s message and exit code, no image tagged, the failed step\'s container kept unless --force-rm', async () => {
    const ctx = await writeContext(path.join(ctxRoot, 'fail'), {
      Dockerfile: 'FROM busybox\nRUN echo partial > /p\nRUN echo to-stderr >&2 && echo debris > /debris && exit 7\nCMD ["true"]\n',
    });
    const r = await build(['-t', 'fail:1', ctx]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The command '\/bin\/sh -c echo to-stderr >&2 && echo debris > \/debris && exit 7' returned a non-zero code: 7/);
    assert.match(r.stdout + r.stderr, /to-stderr/);
    const insp = await d.docker(['image', 'inspect', 'fail:1']);
    assert.notEqual(insp.code, 0);
    // As dockerd's evaluator (rm without forcerm): the successful step's container went, the failed
    // one stays, exited with the step's code, for the user to look into.
    const running = /---> Running in ([0-9a-f]{12})/g;
    const ids = [...r.stdout.matchAll(running)].map((m) => m[1]);
    assert.equal(ids.length, 2, r.stdout);
    const left = ok(await d.docker(['ps', '-aq']), 'ps -a').stdout.trim();
    assert.equal(left, ids[1], 'only the failed step\'s container is left');
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', left]), 'inspect').stdout.trim(), 'exited 7');
    assert.equal(ok(await d.docker(['cp', `${left}:/debris`, '-']), 'cp').stdout.includes('debris'), true);
    ok(await d.docker(['rm', left]), 'rm the kept container');

    // --force-rm: nothing left.
    const forced = await build(['--force-rm', '-t', 'fail:1', ctx]);
    assert.notEqual(forced.code, 0);
    await noContainers();

    // The stream carries dockerd's errorDetail with the exit code.
    const tar = ok(await runCommand('tar', ['-C', ctx, '-c', '.']), 'tar');
    const api = await d.api('POST', '/build?networkmode=none&forcerm=1', tar.stdoutBuf, { headers: { 'Content-Type': 'application/x-tar' }, timeoutMs: 60_000 });
    assert.equal(api.status, 200);
    const last = jsonLines(api.text).pop();
    const message = "The command '/bin/sh -c echo to-stderr >&2 && echo debris > /debris && exit 7' returned a non-zero code: 7";
    assert.deepEqual(last, { errorDetail: { code: 7, message }, error: message });
    await noContainers();
  });

  test('--cache-from: a build on a daemon that never built it reuses a loaded image\'s layers, as dockerd\'s classic builder does', async () => {
    const ctx = await writeContext(path.join(ctxRoot, 'cachefrom'), {
      Dockerfile: 'FROM busybox\nRUN head -c 16 /dev/urandom | od -An -tx1 > /rand\nENV STAGE=two\nCOPY f /f\nRUN cat /rand /f > /both\nCMD ["cat", "/both"]\n',
      f: 'file-content\n',
    });
    ok(await build(['-t', 'cachesrc:1', ctx]), 'first build');
    const srcId = ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'cachesrc:1']), 'inspect').stdout.trim();
    const rand = ok(await d.docker(['run', '--rm', '--network', 'none', 'cachesrc:1']), 'run').stdout;
    // As if pulled on a fresh daemon: only the image, with no build cache and no parent chain.
    const saved = ok(await d.docker(['save', 'cachesrc:1']), 'save').stdoutBuf;
    ok(await d.docker(['rmi', 'cachesrc:1']), 'rmi');
    ok(await d.docker(['builder', 'prune', '-af']), 'builder prune');
    ok(await d.docker(['load'], { input: saved }), 'load');

    const r = ok(await build(['--cache-from', 'cachesrc:1', '-t', 'cachedst:1', ctx]), 'build with --cache-from');
    assert.equal(r.stdout.match(/---> Using cache/g)?.length, 5, r.stdout);
    assert.doesNotMatch(r.stdout, /Running in/);
    assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'cachedst:1']), 'inspect').stdout.trim(), srcId, 'the last step is the source image itself');
    assert.equal(ok(await d.docker(['run', '--rm', '--network', 'none', 'cachedst:1']), 'run').stdout, rand);

    // A changed file: the steps before it come from the source, the rest run.
    await fsp.writeFile(path.join(ctx, 'f'), 'changed\n');
    const partial = ok(await build(['--cache-from', 'cachesrc:1', '-t', 'cachedst:2', ctx]), 'build after a change');
    assert.equal(partial.stdout.match(/---> Using cache/g)?.length, 2, partial.stdout);
    const out = ok(await d.docker(['run', '--rm', '--network', 'none', 'cachedst:2']), 'run').stdout;
    assert.equal(out, rand.replace('file-content', 'changed'), 'the random layer is the source\'s');

    // Without --cache-from nothing matches the loaded image: the first RUN runs again.
    const cold = ok(await build(['--no-cache', '-t', 'cachedst:3', ctx]), 'build without --cache-from');
    assert.match(cold.stdout, /Running in/);
    await noContainers();
    ok(await d.docker(['rmi', 'cachesrc:1', 'cachedst:1', 'cachedst:2', 'cachedst:3']), 'rmi');
  });

  test('--rm=false keeps the intermediate containers, as Docker does', async () => {
    const ctx = await writeContext(path.join(ctxRoot, 'keep'), { Dockerfile: 'FROM busybox\nRUN true\n' });
    const r = ok(await build(['--rm=false', '--no-cache', ctx]), 'build');
    assert.doesNotMatch(r.stdout, /Removing intermediate container/);
    const ps = ok(await d.docker(['ps', '-aq']), 'ps').stdout.trim().split('\n').filter(Boolean);
    assert.equal(ps.length, 1);
    ok(await d.docker(['rm', '-f', ...ps]), 'rm');
  });

  test('-f, --target, -q, --iidfile and several -t', async () => {
    const ctx = await writeContext(path.join(ctxRoot, 'flags'), {
      'Other.Dockerfile': 'FROM busybox AS first\nRUN echo first > /which\nFROM busybox AS second\nRUN echo second > /which\n',
      Dockerfile: 'FROM busybox\nRUN echo default > /which\n',
    });
    const iid = path.join(d.root, 'iid');
    const r = ok(await build(['-q', '-f', path.join(ctx, 'Other.Dockerfile'), '--target', 'first', '--iidfile', iid, '-t', 'flags:a', '-t', 'flags:b', ctx]), 'build');
    assert.match(r.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
    assert.equal(readFileSync(iid, 'utf8').trim(), r.stdout.trim());
    for (const t of ['flags:a', 'flags:b']) {
      const id = ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', t]), 'inspect').stdout.trim();
      assert.equal(id, r.stdout.trim());
    }
    assert.equal(ok(await d.docker(['run', '--rm', '--network', 'none', 'flags:a', 'cat', '/which']), 'run').stdout, 'first\n');
  });

  test('a Dockerfile from stdin (-f -) with a context directory', async () => {
    const ctx = await writeContext(path.join(ctxRoot, 'stdin'), { 'f.txt': 'from-context\n' });
    const r = await d.docker(['build', '--network', 'none', '-t', 'stdin:1', '-f', '-', ctx], {
      env: CLASSIC,
      input: 'FROM busybox\nCOPY f.txt /f.txt\n',
      timeoutMs: 60_000,
    });
    ok(r, 'build');
    assert.equal(ok(await d.docker(['run', '--rm', '--network', 'none', 'stdin:1', 'cat', '/f.txt']), 'run').stdout, 'from-context\n');
  });

  test('errors before any output are HTTP errors; a gzip context works', async () => {
    const bad = await runCommand('tar', ['-C', await writeContext(path.join(ctxRoot, 'bad'), { Dockerfile: 'FROM busybox\nNOPE x\n' }), '-c', '.']);
    const r1 = await d.api('POST', '/build', bad.stdoutBuf, { headers: { 'Content-Type': 'application/x-tar' } });
    assert.equal(r1.status, 400);
    assert.match(r1.json.message, /unknown instruction: NOPE/);
    const r2 = await d.api('POST', '/build?t=Bad%20Tag', bad.stdoutBuf, { headers: { 'Content-Type': 'application/x-tar' } });
    assert.equal(r2.status, 400);
    assert.match(r2.json.message, /invalid reference format/);
    const r3 = await d.api('POST', '/build?dockerfile=missing', bad.stdoutBuf, { headers: { 'Content-Type': 'application/x-tar' } });
    assert.ok(r3.status >= 400, r3.text);
    assert.match(r3.json.message, /Cannot locate specified Dockerfile: missing/);

    const good = await runCommand('tar', ['-C', await writeContext(path.join(ctxRoot, 'gz'), { Dockerfile: 'FROM busybox\nLABEL gz=yes\n' }), '-c', '.']);
    const r4 = await d.api('POST', '/build?t=gz:1', gzipSync(good.stdoutBuf), { headers: { 'Content-Type': 'application/x-tar' } });
    assert.equal(r4.status, 200);
    const msgs = jsonLines(r4.text);
    assert.ok(msgs.some((m) => m.aux?.ID), r4.text);
    assert.ok(msgs.some((m) => m.stream === 'Successfully tagged gz:1\n'), r4.text);
    assert.ok(r4.text.includes('---\\u003e'), 'arrows are escaped as Go escapes them');
    const cancel = await d.api('POST', '/build/cancel?id=nothing');
    assert.equal(cancel.status, 200);
  });

  test('a client that goes away cancels the build: the RUN container is killed and removed', async () => {
    const ctx = await writeContext(path.join(ctxRoot, 'cancel'), { Dockerfile: 'FROM busybox\nRUN echo started && sleep 60\n' });
    const tar = ok(await runCommand('tar', ['-C', ctx, '-c', '.']), 'tar');
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ socketPath: d.sock, method: 'POST', path: '/build?networkmode=none', headers: { 'Content-Type': 'application/x-tar' } }, (res) => {
        res.on('data', (c: Buffer) => {
          if (c.toString().includes('started')) {
            req.destroy();
            resolve();
          }
        });
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined);
      setTimeout(() => reject(new Error('the RUN step never started')), 30_000);
      req.end(tar.stdoutBuf);
    });
    await waitFor('the cancelled step container to be removed', async () => (await d.docker(['ps', '-aq'])).stdout.trim() === '', 20_000, 200);
  });

  test('a daemon killed mid-build: berthd start-up removes the step container and scratch', async () => {
    const ctx = await writeContext(path.join(ctxRoot, 'crash'), { Dockerfile: 'FROM busybox\nRUN echo started && sleep 60\n' });
    const tar = ok(await runCommand('tar', ['-C', ctx, '-c', '.']), 'tar');
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ socketPath: d.sock, method: 'POST', path: '/build?networkmode=none', headers: { 'Content-Type': 'application/x-tar' } }, (res) => {
        res.on('data', (c: Buffer) => {
          if (c.toString().includes('started')) resolve();
        });
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined);
      setTimeout(() => reject(new Error('the RUN step never started')), 30_000);
      req.end(tar.stdoutBuf);
    });
    await d.kill9();
    await d.restart();
    // berthd sweeps a dead build's scratch and step container when it starts.
    assert.deepEqual(await fsp.readdir(path.join(d.dataRoot, 'build-tmp')).catch(() => []), [], 'start-up swept the dead build scratch');
    await noContainers();
    const small = await writeContext(path.join(ctxRoot, 'after-crash'), { Dockerfile: 'FROM busybox\nLABEL after=crash\n' });
    ok(await build(['-t', 'after-crash:1', small]), 'build after the crash');
    await noContainers();
  });

  test('the build scratch directory is empty afterwards', async () => {
    const left = await fsp.readdir(path.join(d.dataRoot, 'build-tmp'));
    assert.deepEqual(left, []);
    const mounts = await fsp.readFile('/proc/self/mountinfo', 'utf8');
    assert.ok(!mounts.includes(path.join(d.dataRoot, 'build-tmp')), 'no overlay left mounted');
  });

  test('berth build: progress, -q, --iidfile, -t', async () => {
    const ctx = await writeContext(path.join(ctxRoot, 'berth'), {
      Dockerfile: 'FROM busybox\nCOPY a.txt /a.txt\nRUN cat /a.txt > /b.txt\nCMD ["cat", "/b.txt"]\n',
      'a.txt': 'via berth\n',
    });
    const r = await d.berth(['build', '--network', 'none', '-t', 'viaberth:1', ctx], { timeoutMs: 120_000 });
    ok(r, 'berth build');
    assert.match(r.stdout, /Step 3\/4 : RUN cat \/a.txt > \/b.txt/);
    assert.match(r.stdout, /Successfully tagged viaberth:1/);
    const iid = path.join(d.root, 'berth-iid');
    const q = ok(await d.berth(['build', '-q', '--network', 'none', '--iidfile', iid, ctx], { timeoutMs: 120_000 }), 'berth build -q');
    assert.match(q.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
    assert.equal(readFileSync(iid, 'utf8').trim(), q.stdout.trim());
    assert.equal(ok(await d.docker(['run', '--rm', '--network', 'none', 'viaberth:1']), 'run').stdout, 'via berth\n');
    await noContainers();
  });

  test('berth build syncs its context with berthd: a rebuild sends no file data, a change sends only the changed file', async () => {
    const files: Record<string, string> = { Dockerfile: 'FROM busybox\nCOPY . /ctx/\nRUN cat /ctx/sub/changing.txt > /seen\nCMD ["cat", "/seen"]\n', '.dockerignore': 'secret.txt\n', 'secret.txt': 'never sent\n' };
    for (let i = 0; i < 40; i++) files[`sub/f${i}.txt`] = `file ${i}\n`.repeat(50);
    files['sub/changing.txt'] = 'first\n';
    const ctx = await writeContext(path.join(ctxRoot, 'synced'), files);
    await fsp.symlink('sub/f1.txt', path.join(ctx, 'link'));
    const sentBytes = (out: string): string => /Sending build context to berth daemon\s+(\S+)/.exec(out)?.[1] ?? '(none)';
    const first = ok(await d.berth(['build', '--network', 'none', '-t', 'synced:1', ctx], { timeoutMs: 120_000 }), 'first berth build');
    assert.notEqual(sentBytes(first.stdout), '0B', 'the first build sends the files');
    const again = ok(await d.berth(['build', '--network', 'none', '-t', 'synced:1', ctx], { timeoutMs: 120_000 }), 'rebuild');
    assert.equal(sentBytes(again.stdout), '0B', 'nothing changed: no file data sent');
    assert.equal((again.stdout.match(/Using cache/g) ?? []).length, 3, again.stdout);
    await fsp.writeFile(path.join(ctx, 'sub/changing.txt'), 'second!\n');
    const changed = ok(await d.berth(['build', '--network', 'none', '-t', 'synced:1', ctx], { timeoutMs: 120_000 }), 'rebuild after a change');
    assert.equal(sentBytes(changed.stdout), '8B', 'only the changed file is sent');
    assert.equal(ok(await d.docker(['run', '--rm', '--network', 'none', 'synced:1']), 'run').stdout, 'second!\n');
    const listing = ok(await d.docker(['run', '--rm', '--network', 'none', 'synced:1', 'sh', '-c', 'ls /ctx; readlink /ctx/link; cat /ctx/sub/f1.txt | wc -l']), 'listing').stdout;
    assert.equal(listing, 'Dockerfile\nlink\nsub\nsub/f1.txt\n50\n', 'the context arrived whole, .dockerignore applied');
    // The docker CLI (no sync) builds the same context to the same cache entries.
    const viaDocker = ok(await build(['-t', 'synced:docker', ctx]), 'docker build of the synced context');
    assert.equal((viaDocker.stdout.match(/Using cache/g) ?? []).length, 3, viaDocker.stdout);
    await noContainers();
  });
});
