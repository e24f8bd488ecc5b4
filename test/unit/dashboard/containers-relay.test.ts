// The containers relay over a fake engine: the first list is the snapshot; an event makes one
// filtered list call and an upsert; destroy removes; a broken event stream marks the host down.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EngineClient } from '../../../src/client/client.js';
import { FakeTransport } from './fake-transport.js';
import type { ContainerSummary } from '../../../src/api-types/containers.js';
import { EngineEvents } from '../../../src/dashboard/server/relays/engine-events.js';
import { ContainersRelay, eventRow } from '../../../src/dashboard/server/relays/containers.js';
import type { StreamMessages } from '../../../src/dashboard/protocol.js';

type Msg = StreamMessages['containers'];

class FakeEngine extends FakeTransport {
  containers = new Map<string, ContainerSummary>();
  listCalls: (string | undefined)[] = [];

  override async json<T>(_method: string, path: string, opts?: { query?: Record<string, unknown> }): Promise<T> {
    assert.equal(path, '/containers/json');
    const filters = opts?.query?.filters as string | undefined;
    this.listCalls.push(filters);
    // Docker's filter encoding: {"id": {"b": true}} (or a list, from older clients).
    const raw: unknown = filters ? JSON.parse(filters).id : undefined;
    const ids = raw === undefined ? undefined : Array.isArray(raw) ? (raw as string[]) : Object.keys(raw as object);
    return [...this.containers.values()].filter((c) => !ids || ids.includes(c.Id)) as T;
  }
}

const container = (id: string, state: string): ContainerSummary => ({ Id: id, Names: [`/${id}`], Image: 'busybox', Created: 1, State: state });

/** Collects the relay's messages and resolves when one matches. */
function collector(relay: ContainersRelay) {
  const seen: Msg[] = [];
  const waiters: { test: (m: Msg) => boolean; resolve: () => void }[] = [];
  relay.listen((m) => {
    seen.push(m);
    for (const w of [...waiters]) if (w.test(m)) w.resolve();
  });
  return {
    seen,
    next: (test: (m: Msg) => boolean) => new Promise<void>((resolve) => (seen.some(test) ? resolve() : waiters.push({ test, resolve }))),
  };
}

describe('ContainersRelay', () => {
  it('keeps the list from the event stream', async () => {
    const engine = new FakeEngine();
    engine.containers.set('a', container('a', 'running'));
    const events = new EngineEvents({ info: { id: 'h0', label: 'fake', local: true }, client: new EngineClient(engine) });
    const relay = new ContainersRelay(events);
    const c = collector(relay);
    await relay.ready;
    assert.deepEqual([...relay.rows.keys()], ['a']);
    assert.equal(relay.up, true);

    engine.containers.set('b', container('b', 'running'));
    engine.events.write(JSON.stringify({ Type: 'container', Action: 'start', Actor: { ID: 'b' }, time: 1 }) + '\n');
    await c.next((m) => m.op === 'upsert' && m.row.Id === 'b');
    assert.match(String(engine.listCalls.at(-1)), /"id":.*"b"/, 'one list call filtered by the id');
    assert.equal(relay.rows.get('b')?.host, 'h0');

    engine.containers.delete('a');
    engine.events.write(JSON.stringify({ Type: 'container', Action: 'destroy', Actor: { ID: 'a' }, time: 2 }) + '\n');
    await c.next((m) => m.op === 'remove' && m.id === 'a');
    assert.deepEqual([...relay.rows.keys()], ['b']);

    events.stop();
    engine.events.end();
  });

  it('says the host is down when the event stream ends', async () => {
    const engine = new FakeEngine();
    const events = new EngineEvents({ info: { id: 'h1', label: 'fake', local: true }, client: new EngineClient(engine) });
    const relay = new ContainersRelay(events);
    const c = collector(relay);
    await relay.ready;
    engine.events.end();
    await c.next((m) => m.op === 'host' && !m.up);
    assert.equal(relay.up, false);
    events.stop();
  });

  it('shows a new container from its events at once, then the engine row', async () => {
    const engine = new FakeEngine();
    const events = new EngineEvents({ info: { id: 'h2', label: 'fake', local: true }, client: new EngineClient(engine) });
    const relay = new ContainersRelay(events);
    const c = collector(relay);
    await relay.ready;
    // The engine does not list it yet: the row comes from the event's attributes alone.
    const attrs = { name: 'web', image: 'busybox', 'com.example': 'x' };
    engine.events.write(JSON.stringify({ Type: 'container', Action: 'create', Actor: { ID: 'n', Attributes: attrs }, time: 5 }) + '\n');
    engine.events.write(JSON.stringify({ Type: 'container', Action: 'start', Actor: { ID: 'n', Attributes: attrs }, time: 5 }) + '\n');
    await c.next((m) => m.op === 'upsert' && m.row.Id === 'n' && m.row.State === 'running');
    const row = relay.rows.get('n')!;
    assert.deepEqual([row.Names, row.Image, row.Labels, row.host], [['/web'], 'busybox', { 'com.example': 'x' }, 'h2']);
    // The list call that follows brings the engine's own row.
    engine.containers.set('n', { ...container('n', 'running'), Status: 'Up 1 second' });
    engine.events.write(JSON.stringify({ Type: 'container', Action: 'exec_create', Actor: { ID: 'n', Attributes: attrs }, time: 6 }) + '\n');
    await c.next((m) => m.op === 'upsert' && m.row.Id === 'n' && m.row.Status === 'Up 1 second');
    events.stop();
    engine.events.end();
  });

  it('eventRow: a die event marks the row exited with its code; other events change nothing', () => {
    const old = { ...container('x', 'running'), host: 'h' };
    const die = eventRow(old, { Type: 'container', Action: 'die', Actor: { ID: 'x', Attributes: { name: 'x', image: 'busybox', exitCode: '3' } }, time: 1 }, 'h');
    assert.equal(die?.State, 'exited');
    assert.match(String(die?.Status), /^Exited \(3\)/);
    assert.equal(eventRow(old, { Type: 'container', Action: 'exec_start', Actor: { ID: 'x', Attributes: { name: 'x' } }, time: 1 }, 'h'), undefined);
    assert.equal(eventRow(undefined, { Type: 'container', Action: 'start', Actor: { ID: 'y' }, time: 1 }, 'h'), undefined, 'no name: wait for the list');
  });
});
