// Host link helpers that need no privileges: the bridges' fixed MAC addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomMac } from '../../../src/engine/network/links.js';

test('randomMac gives distinct unicast, locally administered addresses', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const mac = randomMac();
    assert.match(mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    const first = parseInt(mac.slice(0, 2), 16);
    assert.equal(first & 0x01, 0, `${mac} is multicast`);
    assert.equal(first & 0x02, 0x02, `${mac} is not locally administered`);
    seen.add(mac);
  }
  assert.ok(seen.size > 195);
});
