import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PatternMatcher, readIgnorePatterns, walkContext } from '../../../src/engine/build/dockerignore.js';

const m = (patterns: string[], file: string): boolean => new PatternMatcher(patterns).matchesOrParentMatches(file);

test('reading .dockerignore', () => {
  assert.deepEqual(readIgnorePatterns('# comment\n\n/foo/\n  bar  \n! keep\n./a/../b\n*/tmp*\n'), ['foo', 'bar', '!keep', 'b', '*/tmp*']);
});

test('basic globs', () => {
  assert.equal(m(['*.md'], 'README.md'), true);
  assert.equal(m(['*.md'], 'docs/README.md'), false);
  assert.equal(m(['*/*.md'], 'docs/README.md'), true);
  assert.equal(m(['fo?'], 'foo'), true);
  assert.equal(m(['[a-c]x'], 'bx'), true);
  assert.equal(m(['[a-c]x'], 'dx'), false);
});

test('a matched directory excludes everything below it', () => {
  assert.equal(m(['node_modules'], 'node_modules/a/b.js'), true);
  assert.equal(m(['docs'], 'docsx'), false);
});

test('** matches any depth', () => {
  assert.equal(m(['**/*.go'], 'a/b/c.go'), true);
  assert.equal(m(['**/*.go'], 'c.go'), true);
  assert.equal(m(['a/**/z'], 'a/z'), true);
  assert.equal(m(['a/**/z'], 'a/b/c/z'), true);
  assert.equal(m(['a/**'], 'a/b'), true);
  assert.equal(m(['**'], 'anything/at/all'), true);
});

test('exceptions, last match wins', () => {
  assert.equal(m(['*.md', '!README.md'], 'README.md'), false);
  assert.equal(m(['*.md', '!README.md'], 'CHANGES.md'), true);
  assert.equal(m(['*.md', '!README*.md', 'README-secret.md'], 'README-secret.md'), true);
  assert.equal(m(['docs', '!docs/keep.md'], 'docs/keep.md'), false);
  assert.equal(m(['docs', '!docs/keep.md'], 'docs/other.md'), true);
  assert.throws(() => new PatternMatcher(['!']), /illegal exclusion pattern/);
});

test('leading slash and dot segments are cleaned', () => {
  assert.equal(m(readIgnorePatterns('/secret\n'), 'secret'), true);
  assert.equal(m(['./a/./b'], 'a/b'), true);
});

test('context walker keeps Dockerfile and .dockerignore, re-includes exceptions in excluded dirs', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-ctx-'));
  try {
    for (const f of ['Dockerfile', '.dockerignore', 'a.txt', 'b.log', 'logs/x.log', 'logs/keep.txt', 'src/main.go', 'src/sub/x.go']) {
      await fsp.mkdir(path.dirname(path.join(dir, f)), { recursive: true });
      await fsp.writeFile(path.join(dir, f), f);
    }
    const pats = readIgnorePatterns('*\n!a.txt\n!src\nsrc/sub\n!logs/keep.txt\n');
    const files = (await walkContext(dir, pats)).map((e) => e.path);
    assert.deepEqual(files, ['.dockerignore', 'Dockerfile', 'a.txt', 'logs/keep.txt', 'src', 'src/main.go']);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});
