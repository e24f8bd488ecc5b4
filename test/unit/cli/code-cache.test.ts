// The CLI bundles' V8 code cache (src/cli/code-cache.ts): made at exit by the first load, used by
// the next, never used for another build of the file, and a bad cache only costs a recompile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheFileFor, requireWithCodeCache } from '../../../src/cli/code-cache.js';

const require = createRequire(import.meta.url);

function bundle(value: string): string {
  // CommonJS as esbuild writes it: module.exports, a builtin through require, __filename.
  return `"use strict";\nconst path = require("node:path");\nfunction answer() { return ${JSON.stringify(value)}; }\nmodule.exports = { answer, base: path.basename(__filename) };\n`;
}

function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

test('the first load leaves a cache at exit, the next uses it, a rebuild gets its own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-code-cache-'));
  try {
    const file = join(dir, 'cmd.cjs');
    writeAtomic(file, bundle('one'));
    const saves: (() => void)[] = [];
    const first = requireWithCodeCache<{ answer(): string; base: string }>(file, require, (s) => saves.push(s));
    assert.equal(first.answer(), 'one');
    assert.equal(first.base, 'cmd.cjs');
    assert.equal(saves.length, 1);
    saves[0]();
    const cache = cacheFileFor(file, statSync(file));
    assert.ok(existsSync(cache));

    const again: (() => void)[] = [];
    assert.equal(requireWithCodeCache<{ answer(): string }>(file, require, (s) => again.push(s)).answer(), 'one');
    assert.equal(again.length, 0, 'an accepted cache is not written again');

    // Same length, other content: V8 alone would take the old cache; the file name keeps it out.
    writeAtomic(file, bundle('two'));
    const rebuilt: (() => void)[] = [];
    assert.equal(requireWithCodeCache<{ answer(): string }>(file, require, (s) => rebuilt.push(s)).answer(), 'two');
    assert.equal(rebuilt.length, 1);
    rebuilt[0]();
    assert.equal(readdirSync(dir).filter((n) => n.endsWith('.v8cache')).length, 2);
    assert.equal(readdirSync(dir).filter((n) => n.includes('.tmp-')).length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt cache is rejected, the bundle still runs, and the cache is rewritten', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-code-cache-'));
  try {
    const file = join(dir, 'cmd.cjs');
    writeAtomic(file, bundle('three'));
    writeFileSync(cacheFileFor(file, statSync(file)), Buffer.from('not a code cache'));
    const saves: (() => void)[] = [];
    assert.equal(requireWithCodeCache<{ answer(): string }>(file, require, (s) => saves.push(s)).answer(), 'three');
    assert.equal(saves.length, 1);
    saves[0]();
    const again: (() => void)[] = [];
    requireWithCodeCache(file, require, (s) => again.push(s));
    assert.equal(again.length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bundle with a real import() runs through require, without a cache', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-code-cache-'));
  try {
    const file = join(dir, 'dyn.cjs');
    writeAtomic(file, '"use strict";\nmodule.exports = { load: () => import("node:path").then((m) => typeof m.join) };\n');
    const saves: (() => void)[] = [];
    const mod = requireWithCodeCache<{ load(): Promise<string> }>(file, require, (s) => saves.push(s));
    assert.equal(await mod.load(), 'function');
    assert.equal(saves.length, 0);
    // esbuild's names for stubs and method calls are not dynamic imports.
    const other = join(dir, 'other.cjs');
    writeAtomic(other, '"use strict";\nconst require_import = () => 1;\nconst o = { ["import"]: () => 2 };\nmodule.exports = { v: require_import() + o.import() };\n');
    const saves2: (() => void)[] = [];
    assert.equal(requireWithCodeCache<{ v: number }>(other, require, (s) => saves2.push(s)).v, 3);
    assert.equal(saves2.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
