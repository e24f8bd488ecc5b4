// Volume-only filter logic (the shared matchers are tested in test/unit/filters.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseGoBool } from '../../../src/engine/volumes/filters.js';
import { isValidVolumeName } from '../../../src/engine/volumes/names.js';

test('Go ParseBool (prune\'s `all`)', () => {
  assert.equal(parseGoBool('T'), true);
  assert.equal(parseGoBool('no'), undefined);
});

test('volume names never escape the volumes directory', () => {
  fc.assert(
    fc.property(fc.string(), (s) => !isValidVolumeName(s) || (!s.includes('/') && s !== '.' && s !== '..' && s.length >= 2 && !s.startsWith('_'))),
  );
});
