// watchEvents: the replay, the live feed, the `until` window and the client's going, without HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, watchEvents, type DockerEvent } from '../../src/engine/events.js';
import { filtersOf } from '../../src/engine/filters.js';

const none = filtersOf({});

test('watchEvents replays history in the window and ends when until has passed', async () => {
  const bus = new EventBus();
  const first = bus.publish('container', 'create', 'a');
  bus.publish('network', 'create', 'n');
  const got: DockerEvent[] = [];
  const ac = new AbortController();
  // The window closes at the first event (already past). Not Date.now() * 1e6: that is cut to the
  // millisecond, and an event published in the same millisecond would fall after it.
  await watchEvents(bus, { filters: filtersOf({ type: ['container'] }), sinceNs: 0, untilNs: first.timeNano }, ac.signal, (e) => got.push(e));
  assert.deepEqual(got, [first]);
  assert.equal(bus.listenerCount('event'), 0);
});

test('watchEvents follows new events until the client goes, then unsubscribes', async () => {
  const bus = new EventBus();
  bus.publish('container', 'create', 'old');
  const got: string[] = [];
  const ac = new AbortController();
  const done = watchEvents(bus, { filters: none }, ac.signal, (e) => {
    got.push(e.Actor.ID);
    if (got.length === 2) ac.abort();
  });
  bus.publish('container', 'start', 'x');
  bus.publish('image', 'pull', 'y');
  await done;
  bus.publish('container', 'die', 'z');
  assert.deepEqual(got, ['x', 'y'], 'no replay without since, nothing after the abort');
  assert.equal(bus.listenerCount('event'), 0);
});

test('watchEvents ends at a future until', async () => {
  const bus = new EventBus();
  const got: string[] = [];
  const done = watchEvents(bus, { filters: none, untilNs: (Date.now() + 50) * 1e6 }, new AbortController().signal, (e) => got.push(e.Actor.ID));
  bus.publish('volume', 'create', 'v');
  await done;
  assert.deepEqual(got, ['v']);
  assert.equal(bus.listenerCount('event'), 0);
});

test('watchEvents sends nothing live to a client already gone', async () => {
  const bus = new EventBus();
  const ac = new AbortController();
  ac.abort();
  await watchEvents(bus, { filters: none }, ac.signal, () => assert.fail('sent'));
  assert.equal(bus.listenerCount('event'), 0);
});
