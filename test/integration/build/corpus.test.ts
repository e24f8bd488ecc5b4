// The build corpus against berthd: every test/fixtures/build/corpus/<case> is built with the real
// docker CLI's classic builder and compared with expected.json, which records what Docker 20.10's
// classic builder produced for it (see test/fixtures/build/record-expectations.ts). No dockerd is
// needed here.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp, existsSync } from 'node:fs';
import path from 'node:path';
import { ok } from '../support/assert.js';
import { integrationSkipReason, REPO_ROOT, startDaemon, type Daemon } from '../harness.js';
import { buildAndDescribe, corpusDir, listCases, type Expected } from './corpus-lib.js';

const dir = corpusDir(REPO_ROOT);

/**
 * Known, accepted differences from Docker 20.10, applied to both sides:
 * - COPY/ADD content hashes (`file:<hex>`, `dir:<hex>`, `multi:<hex>`) are berth's own content
 *   hashes, not Docker's tarsum; what they cover (the sources' content and metadata) is the same.
 * - Docker 20.10 writes no space between `--chown=<u:g>` and the hash; berth writes one.
 * - Parse errors read "dockerfile parse error on line N" (newer Docker) where 20.10 says "line N".
 * - HEALTHCHECK history text: 20.10 prints the config with %q (`&{["CMD" …] "5s" …}`), berth with
 *   newer Docker's %+v (`&{Test:[CMD …] Interval:5s …}`); the Healthcheck config itself is exact.
 */
function normaliseHistory(e: Expected): Expected {
  if (e.error) return { error: e.error.replace(/^dockerfile parse error line /, 'dockerfile parse error on line ') };
  if (!e.history) return e;
  return {
    ...e,
    history: e.history.map((h) =>
      h
        .replace(/(--chown=\S+?)(file|dir|multi):/g, '$1 $2:')
        .replace(/\b(file|dir|multi):[0-9a-f]{64}/g, '$1:<hash>')
        .replace(/(#\(nop\) +HEALTHCHECK) .*/, '$1 <config>'),
    ),
  };
}

describe('build corpus (classic builder, compared with dockerd 20.10)', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let scratch: string;
  before(async () => {
    d = await startDaemon({ name: 'corpus' });
    scratch = path.join(d.root, 'scratch');
    await fsp.mkdir(scratch);
  });
  after(() => d?.cleanup());

  test('has at least 30 cases, each with expected.json', () => {
    const cases = listCases(dir);
    assert.ok(cases.length >= 30, `${cases.length} cases`);
    for (const c of cases) assert.ok(existsSync(path.join(dir, c, 'expected.json')), `${c}/expected.json`);
  });

  for (const name of listCases(dir)) {
    test(name, async () => {
      const expected = JSON.parse(await fsp.readFile(path.join(dir, name, 'expected.json'), 'utf8')) as Expected;
      const actual = await buildAndDescribe(d.docker.bind(d), path.join(dir, name), `corpus-${name}:test`, scratch);
      if (actual.error && /Cannot connect/.test(actual.error)) assert.fail(`berthd died:\n${d.log().slice(-4000)}`);
      assert.deepEqual(normaliseHistory(actual), normaliseHistory(expected));
      // No step container outlives a build, except a failed RUN's: dockerd keeps that one for
      // debugging unless --force-rm (removed here, so the next case starts clean).
      const left = ok(await d.docker(['ps', '-aq']));
      const failedRun = /returned a non-zero code/.test(expected.error ?? '');
      assert.equal(left === '' ? 0 : left.split('\n').length, failedRun ? 1 : 0, `containers left after ${name}: ${left}`);
      if (left) ok(await d.docker(['rm', '-f', ...left.split('\n')]));
    });
  }
});
