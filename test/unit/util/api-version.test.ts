import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiVersionAtLeast, compareApiVersions } from '../../../src/util/api-version.js';
import { checkApiVersion, splitVersion } from '../../../src/api/router.js';

describe('API versions', () => {
  it('compare part by part as numbers, as dockerd does', () => {
    assert.equal(compareApiVersions('1.9', '1.24'), -1);
    assert.equal(compareApiVersions('1.41', '1.41'), 0);
    assert.equal(compareApiVersions('1.100', '1.50'), 1);
    assert.equal(compareApiVersions('1', '1.0'), 0);
    assert.equal(compareApiVersions('2', '1.50'), 1);
    assert.ok(apiVersionAtLeast('1.45', '1.45'));
    assert.ok(!apiVersionAtLeast('1.44', '1.45'));
  });

  it('versioned paths split as dockerd\'s /v{version:[0-9.]+} matcher', () => {
    assert.deepEqual(splitVersion('/v1.41/containers/json'), { version: '1.41', path: '/containers/json' });
    assert.deepEqual(splitVersion('/v1/info'), { version: '1', path: '/info' });
    assert.deepEqual(splitVersion('/volumes'), { path: '/volumes' });
  });

  it('the floor and the ceiling refuse in dockerd\'s words', () => {
    assert.throws(() => checkApiVersion('1.23'), /^InvalidArgumentError: client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version$/);
    assert.throws(() => checkApiVersion('1.51'), /client version 1.51 is too new. Maximum supported API version is 1.50/);
    checkApiVersion('1.24');
    checkApiVersion('1.50');
  });
});
