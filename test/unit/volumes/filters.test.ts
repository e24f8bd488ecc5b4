// Pure filter logic: Docker's label matching, name matching and boolean filter parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { filterBool, matchLabels, matchName, parseGoBool } from '../../../src/engine/volumes/filters.js';
import { isValidVolumeName } from '../../../src/engine/volumes/names.js';

test('matchLabels: key, key=value, values with =, no labels', () => {
  const labels = { a: '1', b: 'x=y', empty: '' };
  assert.ok(matchLabels(undefined, null));
  assert.ok(matchLabels(['a'], labels));
  assert.ok(matchLabels(['a=1', 'b=x=y'], labels));
  assert.ok(matchLabels(['empty='], labels));
  assert.ok(!matchLabels(['a=2'], labels));
  assert.ok(!matchLabels(['c'], labels));
  assert.ok(!matchLabels(['a'], null));
  assert.ok(!matchLabels(['toString'], {}));
});

test('matchName: exact or regular expression; a bad expression matches only exactly', () => {
  assert.ok(matchName(['web'], 'my-web-data'));
  assert.ok(!matchName(['^web'], 'my-web-data'));
  assert.ok(matchName(['a+b'], 'a+b'));
  assert.ok(!matchName(['('], 'x'));
});

test('filterBool and Go ParseBool', () => {
  assert.equal(filterBool(new Map(), 'dangling'), undefined);
  assert.equal(filterBool(new Map([['dangling', ['1']]]), 'dangling'), true);
  assert.equal(filterBool(new Map([['dangling', ['false', '0']]]), 'dangling'), false);
  assert.throws(() => filterBool(new Map([['dangling', []]]), 'dangling'), { message: "invalid filter 'dangling'" });
  assert.equal(parseGoBool('T'), true);
  assert.equal(parseGoBool('no'), undefined);
});

test('volume names never escape the volumes directory', () => {
  fc.assert(
    fc.property(fc.string(), (s) => !isValidVolumeName(s) || (!s.includes('/') && s !== '.' && s !== '..' && s.length >= 2 && !s.startsWith('_'))),
  );
});
