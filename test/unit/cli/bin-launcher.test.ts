// bin/berth, the sh launcher: starts dist/berth.cjs (not the ESM shim) next to its real location,
// passes the arguments through, and hands NODE_EXTRA_CA_CERTS on under another name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const LAUNCHER = resolve('bin/berth');

function withFakeInstall(fn: (bin: string, dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'berth-launcher-'));
  try {
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist'));
    copyFileSync(LAUNCHER, join(dir, 'bin', 'berth'));
    const report = 'process.stdout.write(JSON.stringify({ file: __filename, argv: process.argv.slice(2), extra: process.env.NODE_EXTRA_CA_CERTS ?? null, deferred: process.env.BERTH_DEFERRED_EXTRA_CA_CERTS ?? null }));\n';
    writeFileSync(join(dir, 'dist', 'berth.cjs'), report);
    writeFileSync(join(dir, 'dist', 'berth.mjs'), 'throw new Error("the launcher must not start the ESM shim");\n');
    fn(join(dir, 'bin', 'berth'), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv): { file: string; argv: string[]; extra: string | null; deferred: string | null } {
  return JSON.parse(execFileSync('sh', [bin, ...args], { env, encoding: 'utf8' }));
}

test('starts dist/berth.cjs with the arguments as given, and defers NODE_EXTRA_CA_CERTS', () => {
  withFakeInstall((bin, dir) => {
    const env = { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: '/etc/extra.pem' };
    const got = run(bin, ['run', '--rm', 'a b', ''], env);
    assert.equal(got.file, join(dir, 'dist', 'berth.cjs'));
    assert.deepEqual(got.argv, ['run', '--rm', 'a b', '']);
    assert.equal(got.extra, null);
    assert.equal(got.deferred, '/etc/extra.pem');
    const plain = run(bin, ['version'], { PATH: process.env.PATH });
    assert.equal(plain.deferred, null);
  });
});

test('found through a symlink, it still finds the bundle beside the real file', () => {
  withFakeInstall((bin, dir) => {
    mkdirSync(join(dir, 'links'));
    const link = join(dir, 'links', 'berth');
    symlinkSync(bin, link);
    const got = run(link, ['ps'], { PATH: process.env.PATH });
    assert.deepEqual(got.argv, ['ps']);
    assert.equal(got.file, join(dir, 'dist', 'berth.cjs'));
  });
});
