// The disk relay over a fake engine: a df when a page opens; a burst of events that concern disk
// use costs one more df, a second after the last; events that change nothing on disk cost none.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EngineClient } from '../../../src/client/client.js';
import { FakeTransport } from './fake-transport.js';
import type { SystemDf } from '../../../src/api-types/system.js';
import { EngineEvents } from '../../../src/dashboard/server/relays/engine-events.js';
import { concernsDisk, openDisk } from '../../../src/dashboard/server/relays/disk.js';
import type { StreamMessages } from '../../../src/dashboard/protocol.js';

type Msg = StreamMessages['disk'];

class FakeEngine extends FakeTransport {
  /** When each /system/df was asked for (ms). */
  dfCalls: number[] = [];
  containers = 0;

  override async json<T>(_method: string, path: string): Promise<T> {
    assert.equal(path, '/system/df');
    this.dfCalls.push(Date.now());
    const df: SystemDf = { LayersSize: 0, Images: [], Volumes: [], BuildCache: [], Containers: Array.from({ length: this.containers }, (_, i) => ({ Id: `c${i}`, State: 'exited', SizeRw: 10 })) };
    return df as T;
  }
}

const event = (Type: string, Action: string, id = 'x') => JSON.stringify({ Type, Action, Actor: { ID: id }, time: 1 }) + '\n';

describe('disk relay', () => {
  it('tells which events change disk use', () => {
    const e = (Type: string, Action: string) => ({ Type, Action, Actor: { ID: 'x' }, time: 1 });
    assert.equal(concernsDisk(e('container', 'create')), true);
    assert.equal(concernsDisk(e('container', 'destroy')), true);
    assert.equal(concernsDisk(e('container', 'die')), true);
    assert.equal(concernsDisk(e('image', 'pull')), true);
    assert.equal(concernsDisk(e('volume', 'prune')), true);
    assert.equal(concernsDisk(e('builder', 'prune')), true);
    assert.equal(concernsDisk(e('container', 'exec_start: sh')), false);
    assert.equal(concernsDisk(e('container', 'health_status: healthy')), false);
    assert.equal(concernsDisk(e('network', 'connect')), false);
  });

  it('sends a df on opening, one more per burst of events at most once a second, none for quiet events', async () => {
    const engine = new FakeEngine();
    const events = new EngineEvents({ info: { id: 'h0', label: 'fake', local: true }, client: new EngineClient(engine) });
    const seen: Msg[] = [];
    let waiter: (() => void) | undefined;
    const nextDf = () => new Promise<void>((resolve) => (waiter = resolve));
    let got = nextDf();
    const opened = openDisk(events, {
      emit: (m) => {
        seen.push(m);
        if (m.op === 'df') waiter?.();
      },
      end: () => assert.fail('ended'),
      fail: (message) => assert.fail(message),
    });
    try {
      await got;
      assert.equal(engine.dfCalls.length, 1);
      assert.deepEqual(
        seen.map((m) => (m.op === 'df' ? m.summary.find((k) => k.type === 'Containers')?.total : m.op)),
        [0],
      );

      // A burst: five creations (and an exec, which changes nothing on disk) in one write.
      got = nextDf();
      engine.containers = 5;
      engine.events.write(event('container', 'exec_start: sh') + [1, 2, 3, 4, 5].map((i) => event('container', 'create', `c${i}`)).join(''));
      await got;
      assert.equal(engine.dfCalls.length, 2, 'the burst cost one df');
      assert.ok(engine.dfCalls[1] - engine.dfCalls[0] >= 990, `a second apart: ${engine.dfCalls[1] - engine.dfCalls[0]} ms`);
      const last = seen.at(-1)!;
      assert.ok(last.op === 'df');
      assert.deepEqual(last.summary.find((k) => k.type === 'Containers'), { type: 'Containers', total: 5, active: 0, size: 50, reclaimable: 50, showPercent: true });

      // A quiet event, then one that matters: only the second costs a df.
      got = nextDf();
      engine.events.write(event('network', 'connect') + event('volume', 'create'));
      await got;
      assert.equal(engine.dfCalls.length, 3);
    } finally {
      opened.close();
      events.stop();
    }
  });
});
