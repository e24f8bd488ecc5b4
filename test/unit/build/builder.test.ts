import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, type BuildOptions } from '../../../src/engine/build/builder.js';
import type { BuildMessage } from '../../../src/engine/build/output.js';
import { errorMessage } from '../../../src/engine/build/output.js';
import { FakeBackend } from './fake-backend.js';
import { needsRoot } from '../support/root.js';

const BUSYBOX_CONFIG = { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] };

async function setup(files: Record<string, string>): Promise<{ backend: FakeBackend; ctx: string; busybox: string; done(): Promise<void> }> {
  const backend = await FakeBackend.create();
  const busybox = await backend.addImage('busybox:latest', structuredClone(BUSYBOX_CONFIG), {
    'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n',
    'etc/group': 'root:x:0:\napp:x:1001:\n',
  });
  const ctx = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-ctx-'));
  for (const [p, c] of Object.entries(files)) {
    await fsp.mkdir(path.dirname(path.join(ctx, p)), { recursive: true });
    await fsp.writeFile(path.join(ctx, p), c);
  }
  return {
    backend,
    ctx,
    busybox,
    done: async () => {
      await backend.dispose();
      await fsp.rm(ctx, { recursive: true, force: true });
    },
  };
}

async function run(backend: FakeBackend, opts: Partial<BuildOptions> & { contextDir: string }): Promise<{ id: string; msgs: BuildMessage[]; text: string }> {
  const msgs: BuildMessage[] = [];
  const r = await build(backend, opts, (m) => msgs.push(m));
  const text = msgs.map((m) => ('stream' in m ? m.stream : '')).join('');
  return { id: r.imageId, msgs, text };
}

async function runFail(backend: FakeBackend, opts: Partial<BuildOptions> & { contextDir: string }): Promise<{ err: any; text: string }> {
  const msgs: BuildMessage[] = [];
  try {
    await build(backend, opts, (m) => msgs.push(m));
  } catch (err) {
    return { err, text: msgs.map((m) => ('stream' in m ? m.stream : '')).join('') };
  }
  throw new Error('build should have failed');
}

test('the recorded classic build: stream shape, config and history', { skip: needsRoot('give copied files the owners the build names (chown)') }, async () => {
  const s = await setup({ Dockerfile: 'FROM busybox:latest\nRUN echo hi > /x\nCOPY a.txt /a.txt\nCMD ["cat","/x"]\n', 'a.txt': 'a\n' });
  try {
    s.backend.runHook = async (_o, rootfs) => {
      await fsp.writeFile(path.join(rootfs, 'x'), 'hi\n');
      return { exitCode: 0, stdout: 'hi\n' };
    };
    const { id, msgs, text } = await run(s.backend, { contextDir: s.ctx, tags: ['trbuild:1'] });
    const sid = s.busybox.slice(7, 19);
    assert.deepEqual(msgs.slice(0, 4), [{ stream: 'Step 1/4 : FROM busybox:latest' }, { stream: '\n' }, { stream: ` ---> ${sid}\n` }, { stream: 'Step 2/4 : RUN echo hi > /x' }]);
    assert.match(text, /Step 2\/4 : RUN echo hi > \/x\n ---> Running in ([0-9a-f]{12})\nhi\nRemoving intermediate container \1\n ---> [0-9a-f]{12}\nStep 3\/4 : COPY a.txt \/a.txt\n ---> [0-9a-f]{12}\nStep 4\/4 : CMD \["cat","\/x"\]\n ---> Running in ([0-9a-f]{12})\nRemoving intermediate container \2\n ---> [0-9a-f]{12}\nSuccessfully built [0-9a-f]{12}\nSuccessfully tagged trbuild:1\n$/);
    const auxIndex = msgs.findIndex((m) => 'aux' in m);
    assert.deepEqual(msgs[auxIndex], { aux: { ID: id } });
    assert.deepEqual(msgs[auxIndex + 1], { stream: `Successfully built ${id.slice(7, 19)}\n` });
    assert.equal(s.backend.tags.get('trbuild:1'), id);

    const img = s.backend.images.get(id)!;
    assert.deepEqual(img.config.Cmd, ['cat', '/x']);
    assert.deepEqual(img.config.Env, BUSYBOX_CONFIG.Env);
    const hist = img.history.slice(1);
    assert.equal(hist[0].created_by, '/bin/sh -c echo hi > /x');
    assert.match(hist[1].created_by, /^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \/a.txt $/);
    assert.deepEqual(hist[2], { created_by: '/bin/sh -c #(nop)  CMD ["cat" "/x"]', empty_layer: true });
    assert.equal(await fsp.readFile(path.join(img.rootfs, 'a.txt'), 'utf8'), 'a\n');
    assert.equal(await fsp.readFile(path.join(img.rootfs, 'x'), 'utf8'), 'hi\n');
    // RUN ran without entrypoint and healthcheck, with the shell form command.
    const r = s.backend.runs[0];
    assert.deepEqual(r.config.Cmd, ['/bin/sh', '-c', 'echo hi > /x']);
    assert.deepEqual(r.config.Entrypoint, ['']);
    assert.deepEqual(r.config.Healthcheck, { Test: ['NONE'] });
    assert.equal(s.backend.removed.length, 1);

    // A second build with nothing changed runs no step.
    const again = await run(s.backend, { contextDir: s.ctx });
    assert.equal(again.id, id);
    assert.equal(s.backend.runs.length, 1);
    assert.equal((again.text.match(/ ---> Using cache\n/g) ?? []).length, 3);
    assert.doesNotMatch(again.text, /Running in/);

    // Changing the copied file busts the cache from COPY on; --no-cache rebuilds everything.
    await fsp.writeFile(path.join(s.ctx, 'a.txt'), 'b\n');
    const changed = await run(s.backend, { contextDir: s.ctx });
    assert.equal((changed.text.match(/Using cache/g) ?? []).length, 1);
    assert.notEqual(changed.id, id);
    await run(s.backend, { contextDir: s.ctx, noCache: true });
    assert.equal(s.backend.runs.length, 2);
  } finally {
    await s.done();
  }
});

test('config instructions: ENV/LABEL/EXPOSE/VOLUME/USER/WORKDIR/STOPSIGNAL/HEALTHCHECK/SHELL/ENTRYPOINT/ONBUILD/MAINTAINER', async () => {
  const df = [
    'FROM busybox',
    'MAINTAINER Jo <jo@x>',
    'ENV A=1 B="two words"',
    'ENV C $A-${B}',
    'LABEL version="$A" "com.x"=y',
    'EXPOSE 80 53/udp',
    'VOLUME /data ["/logs"]',
    'WORKDIR app',
    'WORKDIR sub',
    'USER ${A}000',
    'STOPSIGNAL SIGINT',
    'HEALTHCHECK --interval=30s --retries=3 CMD wget -q localhost || exit 1',
    'SHELL ["/bin/ash", "-eo", "pipefail", "-c"]',
    'ENTRYPOINT exec top',
    'ONBUILD RUN echo triggered',
  ].join('\n');
  const s = await setup({ Dockerfile: df });
  try {
    const { id, text } = await run(s.backend, { contextDir: s.ctx });
    const img = s.backend.images.get(id)!;
    const c = img.config;
    assert.deepEqual(c.Env, [...BUSYBOX_CONFIG.Env, 'A=1', 'B=two words', 'C=1-two words']);
    assert.deepEqual(c.Labels, { version: '1', 'com.x': 'y' });
    assert.deepEqual(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
    // VOLUME's list form expands each word, so the quotes go away as in dockerd.
    assert.deepEqual(c.Volumes, { '/data': {}, '[/logs]': {} });
    assert.equal(c.WorkingDir, '/app/sub');
    assert.equal(c.User, '1000');
    assert.equal(c.StopSignal, 'SIGINT');
    assert.deepEqual(c.Healthcheck, { Test: ['CMD-SHELL', 'wget -q localhost || exit 1'], Interval: 30e9, Retries: 3 });
    assert.deepEqual(c.Shell, ['/bin/ash', '-eo', 'pipefail', '-c']);
    assert.deepEqual(c.Entrypoint, ['/bin/ash', '-eo', 'pipefail', '-c', 'exec top']);
    assert.equal(c.Cmd, null);
    assert.deepEqual(c.OnBuild, ['RUN echo triggered']);
    assert.equal(img.author, 'Jo <jo@x>');
    const h = img.history.slice(1).map((x) => x.created_by);
    assert.deepEqual(h, [
      '/bin/sh -c #(nop)  MAINTAINER Jo <jo@x>',
      '/bin/sh -c #(nop)  ENV A=1 B=two words',
      '/bin/sh -c #(nop)  ENV C=1-two words',
      '/bin/sh -c #(nop)  LABEL version=1 com.x=y',
      '/bin/sh -c #(nop)  EXPOSE 53/udp 80',
      '/bin/sh -c #(nop)  VOLUME [/data [/logs]]',
      '/bin/sh -c #(nop) WORKDIR /app',
      '/bin/sh -c #(nop) WORKDIR /app/sub',
      '/bin/sh -c #(nop)  USER 1000',
      '/bin/sh -c #(nop)  STOPSIGNAL SIGINT',
      '/bin/sh -c #(nop)  HEALTHCHECK &{Test:[CMD-SHELL wget -q localhost || exit 1] Interval:30s Timeout:0s StartPeriod:0s StartInterval:0s Retries:3}',
      // The new shell already describes its own step, as in dockerd.
      '/bin/ash -eo pipefail -c #(nop)  SHELL [/bin/ash -eo pipefail -c]',
      '/bin/ash -eo pipefail -c #(nop)  ENTRYPOINT ["/bin/ash" "-eo" "pipefail" "-c" "exec top"]',
      '/bin/ash -eo pipefail -c #(nop)  ONBUILD RUN echo triggered',
    ]);
    assert.ok(img.history.slice(1).filter((x) => !x.created_by.includes('WORKDIR')).every((x) => x.empty_layer));
    assert.ok((await fsp.stat(path.join(img.rootfs, 'app/sub'))).isDirectory());
    assert.match(text, /Step 15\/15 : ONBUILD RUN echo triggered\n/);

    // ONBUILD triggers fire in a child build and are not inherited.
    await s.backend.tag(id, 'parent:latest');
    const child = await setup({ Dockerfile: 'FROM parent\nENV Z=1\n' });
    try {
      for (const [k, v] of s.backend.images) child.backend.images.set(k, v);
      child.backend.tags.set('parent:latest', id);
      const r = await run(child.backend, { contextDir: child.ctx });
      assert.match(r.text, /Step 1\/2 : FROM parent\n# Executing 1 build trigger\n ---> Running in [0-9a-f]{12}\n/);
      assert.deepEqual(child.backend.runs[0].config.Cmd, ['/bin/ash', '-eo', 'pipefail', '-c', 'echo triggered']);
      assert.equal(child.backend.images.get(r.id)!.config.OnBuild, null);
    } finally {
      await child.done();
    }
  } finally {
    await s.done();
  }
});

test('build args: history prefix, proxies hidden, meta args in FROM, unconsumed warning', async () => {
  const df = 'ARG TAG=latest\nFROM busybox:${TAG}\nARG B=1\nARG A\nRUN echo $A $B\nRUN echo second\n';
  const s = await setup({ Dockerfile: df });
  try {
    const { id, text } = await run(s.backend, {
      contextDir: s.ctx,
      buildArgs: { A: 'x', HTTP_PROXY: 'http://proxy', EXTRA: '1' },
    });
    assert.match(text, /^Step 1\/6 : ARG TAG=latest\nStep 2\/6 : FROM busybox:\$\{TAG\}\n/);
    const hist = s.backend.images.get(id)!.history.slice(1).map((h) => h.created_by);
    assert.deepEqual(hist, ['/bin/sh -c #(nop)  ARG B=1', '/bin/sh -c #(nop)  ARG A', '|2 A=x B=1 /bin/sh -c echo $A $B', '|2 A=x B=1 /bin/sh -c echo second']);
    const env = s.backend.runs[0].config.Env!;
    assert.ok(env.includes('HTTP_PROXY=http://proxy') && env.includes('A=x') && env.includes('B=1'));
    assert.ok(!s.backend.images.get(id)!.config.Env!.some((e) => e.startsWith('A=')));
    assert.match(text, /\[Warning\] One or more build-args \[EXTRA\] were not consumed\nSuccessfully built/);
    // A different build-arg value misses the cache at the RUN.
    const r2 = await run(s.backend, { contextDir: s.ctx, buildArgs: { A: 'y' } });
    assert.equal((r2.text.match(/Using cache/g) ?? []).length, 2);
  } finally {
    await s.done();
  }
});

test('multi-stage: only needed stages, COPY --from by name and index, --target, scratch', { skip: needsRoot('give copied files the owners the build names (chown)') }, async () => {
  const df = [
    'FROM busybox AS build',
    'RUN build-it',
    'FROM busybox AS unused',
    'RUN never',
    'FROM scratch',
    'COPY --from=build /out /out',
    'COPY --from=0 /etc/passwd /passwd',
  ].join('\n');
  const s = await setup({ Dockerfile: df });
  try {
    s.backend.runHook = async (o, rootfs) => {
      await fsp.mkdir(path.join(rootfs, 'out'), { recursive: true });
      await fsp.writeFile(path.join(rootfs, 'out/bin'), 'binary');
      await fsp.chown(path.join(rootfs, 'out/bin'), 1000, 1000);
      return { exitCode: 0 };
    };
    const { id, text } = await run(s.backend, { contextDir: s.ctx });
    assert.deepEqual(s.backend.runs.map((r) => r.config.Cmd?.[2]), ['build-it']);
    assert.match(text, /^Step 1\/5 : FROM busybox AS build\n/);
    assert.match(text, /Step 3\/5 : FROM scratch\n ---> \n/);
    const img = s.backend.images.get(id)!;
    assert.equal(await fsp.readFile(path.join(img.rootfs, 'out/bin'), 'utf8'), 'binary');
    // --from without --chown keeps the owner.
    assert.equal((await fsp.stat(path.join(img.rootfs, 'out/bin'))).uid, 1000);
    assert.ok(await fsp.stat(path.join(img.rootfs, 'passwd')));
    assert.deepEqual(img.config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);

    const t = await run(s.backend, { contextDir: s.ctx, target: 'unused' });
    assert.match(t.text, /^Step 1\/2 : FROM busybox AS unused\n/);
    const bad = await runFail(s.backend, { contextDir: s.ctx, target: 'nope' });
    assert.equal(bad.err.message, 'target stage "nope" could not be found');
  } finally {
    await s.done();
  }
});

test('COPY semantics: dirs copy contents, globs, trailing slash, WORKDIR-relative dest, --chown names, --chmod, multi-source rule', { skip: needsRoot('give copied files the owners the build names (chown)') }, async () => {
  const s = await setup({
    Dockerfile: [
      'FROM busybox',
      'WORKDIR /w',
      'COPY dir /d',
      'COPY *.txt rel/',
      'COPY --chown=app:app one.txt /owned',
      'COPY --chmod=0700 one.txt /secret',
      'COPY one.txt /existing-dir',
    ].join('\n'),
    'dir/sub/f': 'f',
    'one.txt': '1',
    'two.txt': '2',
  });
  try {
    await fsp.mkdir(path.join(s.backend.images.get(s.busybox)!.rootfs, 'existing-dir'));
    const { id } = await run(s.backend, { contextDir: s.ctx });
    const root = s.backend.images.get(id)!.rootfs;
    assert.equal(await fsp.readFile(path.join(root, 'd/sub/f'), 'utf8'), 'f');
    assert.equal(await fsp.readFile(path.join(root, 'w/rel/one.txt'), 'utf8'), '1');
    assert.equal(await fsp.readFile(path.join(root, 'w/rel/two.txt'), 'utf8'), '2');
    const owned = await fsp.stat(path.join(root, 'owned'));
    assert.deepEqual([owned.uid, owned.gid], [1000, 1001]);
    assert.equal((await fsp.stat(path.join(root, 'secret'))).mode & 0o7777, 0o700);
    assert.equal(await fsp.readFile(path.join(root, 'existing-dir/one.txt'), 'utf8'), '1');
    assert.match(s.backend.images.get(id)!.history.at(-3)!.created_by, /COPY --chown=app:app file:[0-9a-f]{64} in \/owned $/);

    await fsp.writeFile(path.join(s.ctx, 'Dockerfile'), 'FROM busybox\nCOPY one.txt two.txt /nodir\n');
    const multi = await runFail(s.backend, { contextDir: s.ctx });
    assert.equal(multi.err.message, 'When using COPY with more than one source file, the destination must be a directory and end with a /');
    await fsp.writeFile(path.join(s.ctx, 'Dockerfile'), 'FROM busybox\nCOPY missing /x\n');
    const missing = await runFail(s.backend, { contextDir: s.ctx });
    assert.equal(missing.err.message, 'COPY failed: file not found in build context or excluded by .dockerignore: stat missing: file does not exist');
    await fsp.writeFile(path.join(s.ctx, 'Dockerfile'), 'FROM busybox\nCOPY --chown=nobody one.txt /x\n');
    const nouser = await runFail(s.backend, { contextDir: s.ctx });
    assert.equal(nouser.err.message, 'unable to convert uid/gid chown string to host mapping: can\'t find uid for user nobody: no such user: nobody');
    await fsp.writeFile(path.join(s.ctx, 'Dockerfile'), 'FROM busybox\nCOPY http://127.0.0.1:1/x /x\n');
    assert.equal((await runFail(s.backend, { contextDir: s.ctx })).err.message, "COPY failed: source can't be a URL for COPY");
    // ADD <url>: a loopback server stands in for the network.
    const http = await import('node:http');
    const server = http.createServer((req, res) => {
      if (req.url === '/file.txt') res.end('downloaded');
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      await fsp.writeFile(path.join(s.ctx, 'Dockerfile'), `FROM busybox\nADD http://127.0.0.1:${port}/file.txt /dl/\n`);
      const dl = await run(s.backend, { contextDir: s.ctx });
      const f = path.join(s.backend.images.get(dl.id)!.rootfs, 'dl/file.txt');
      assert.equal(await fsp.readFile(f, 'utf8'), 'downloaded');
      assert.equal((await fsp.stat(f)).mode & 0o777, 0o600);
      await fsp.writeFile(path.join(s.ctx, 'Dockerfile'), `FROM busybox\nADD http://127.0.0.1:${port}/missing /x\n`);
      assert.equal((await runFail(s.backend, { contextDir: s.ctx })).err.message, `ADD failed: failed to GET http://127.0.0.1:${port}/missing with status 404 Not Found`);
    } finally {
      server.close();
    }
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    await fsp.writeFile(path.join(s.ctx, 'Dockerfile'), `FROM busybox\nADD http://127.0.0.1:${closedPort}/x /x\n`);
    assert.match((await runFail(s.backend, { contextDir: s.ctx })).err.message, /^ADD failed: Get "http:\/\/127.0.0.1:\d+\/x": .*ECONNREFUSED/);
  } finally {
    await s.done();
  }
});

test('ADD extracts local tar archives; COPY heredoc with expansion', { skip: needsRoot('give copied files the owners the build names (chown)') }, async () => {
  const s = await setup({ Dockerfile: 'FROM busybox\nENV NAME=world\nADD arch.tar /opt/\nCOPY <<EOF /greeting\nhello $NAME\nEOF\nCOPY <<"EOF" /raw\nhello $NAME\nEOF\n' });
  try {
    const src = path.join(s.ctx, 'src');
    await fsp.mkdir(path.join(src, 'pkg'), { recursive: true });
    await fsp.writeFile(path.join(src, 'pkg/file'), 'inside');
    const { spawnSync } = await import('node:child_process');
    assert.equal(spawnSync('tar', ['-cf', path.join(s.ctx, 'arch.tar'), '-C', src, 'pkg']).status, 0);
    const { id } = await run(s.backend, { contextDir: s.ctx });
    const root = s.backend.images.get(id)!.rootfs;
    assert.equal(await fsp.readFile(path.join(root, 'opt/pkg/file'), 'utf8'), 'inside');
    assert.equal(await fsp.readFile(path.join(root, 'greeting'), 'utf8'), 'hello world\n');
    assert.equal(await fsp.readFile(path.join(root, 'raw'), 'utf8'), 'hello $NAME\n');
  } finally {
    await s.done();
  }
});

test('RUN failure: errorDetail with exit code, container kept unless forcerm; stderr red', async () => {
  const s = await setup({ Dockerfile: 'FROM busybox\nRUN exit 3\n' });
  try {
    s.backend.runHook = async () => ({ exitCode: 3, stderr: 'oops\n' });
    const { err, text } = await runFail(s.backend, { contextDir: s.ctx });
    assert.equal(err.message, "The command '/bin/sh -c exit 3' returned a non-zero code: 3");
    assert.deepEqual(errorMessage(err), { errorDetail: { code: 3, message: err.message }, error: err.message });
    assert.match(text, /\u001b\[91moops\n\u001b\[0m/);
    assert.equal(s.backend.removed.length, 0);
    await runFail(s.backend, { contextDir: s.ctx, forceRemove: true });
    assert.equal(s.backend.removed.length, 1);
  } finally {
    await s.done();
  }
});

test('RUN --mount is refused clearly; heredoc RUN runs its body', async () => {
  const s = await setup({ Dockerfile: 'FROM busybox\nRUN --mount=type=cache,target=/c true\n' });
  try {
    const { err } = await runFail(s.backend, { contextDir: s.ctx });
    assert.match(err.message, /^the --mount option requires BuildKit/);
    await fsp.writeFile(path.join(s.ctx, 'Dockerfile'), 'FROM busybox\nRUN <<EOF\necho one\necho two\nEOF\nRUN cat <<A > /f\nbody\nA\n');
    await run(s.backend, { contextDir: s.ctx });
    assert.deepEqual(s.backend.runs[0].config.Cmd, ['/bin/sh', '-c', 'echo one\necho two\n']);
    assert.deepEqual(s.backend.runs[1].config.Cmd, ['/bin/sh', '-c', 'cat <<A > /f\nbody\nA']);
  } finally {
    await s.done();
  }
});

test('parse errors, missing Dockerfile, missing base image, ignored Dockerfile removed from context', { skip: needsRoot('give copied files the owners the build names (chown)') }, async () => {
  const s = await setup({ Dockerfile: 'FROM busybox\nFOO bar\n' });
  try {
    assert.equal((await runFail(s.backend, { contextDir: s.ctx })).err.message, 'dockerfile parse error on line 2: unknown instruction: FOO (did you mean FROM?)');
    assert.equal((await runFail(s.backend, { contextDir: s.ctx, dockerfile: 'Nope' })).err.message, 'Cannot locate specified Dockerfile: Nope');
    await fsp.writeFile(path.join(s.ctx, 'Dockerfile'), 'FROM nosuch\n');
    const e = await runFail(s.backend, { contextDir: s.ctx });
    assert.equal(e.err.status, 404);
    await fsp.writeFile(path.join(s.ctx, 'Dockerfile'), 'FROM busybox\nCOPY . /ctx\n');
    await fsp.writeFile(path.join(s.ctx, '.dockerignore'), 'Dockerfile\n.dockerignore\n');
    await fsp.writeFile(path.join(s.ctx, 'kept'), 'k');
    const { id } = await run(s.backend, { contextDir: s.ctx });
    assert.deepEqual((await fsp.readdir(path.join(s.backend.images.get(id)!.rootfs, 'ctx'))).sort(), ['kept']);
  } finally {
    await s.done();
  }
});

test('--label options land on the final stage, unexpanded', async () => {
  const s = await setup({ Dockerfile: 'FROM busybox\n' });
  try {
    const { id, text } = await run(s.backend, { contextDir: s.ctx, labels: { b: '$x', a: '1' } });
    assert.match(text, /Step 2\/3 : LABEL a=1\n[\s\S]*Step 3\/3 : LABEL b=\$x\n/);
    assert.deepEqual(s.backend.images.get(id)!.config.Labels, { a: '1', b: '$x' });
  } finally {
    await s.done();
  }
});
