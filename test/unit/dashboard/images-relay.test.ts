// The images list relay over a fake engine: the snapshot counts each image's containers from the
// container list; a container's creation and an image's deletion change the list; when the event
// stream breaks the page is told `down`, and once it is back it gets a whole snapshot again.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EngineClient } from '../../../src/client/client.js';
import { FakeTransport } from './fake-transport.js';
import type { ContainerSummary } from '../../../src/api-types/containers.js';
import type { ImageSummary } from '../../../src/api-types/images.js';
import { EngineEvents } from '../../../src/dashboard/server/relays/engine-events.js';
import { openImages } from '../../../src/dashboard/server/relays/images.js';
import type { ListMessage } from '../../../src/dashboard/protocol.js';

type Msg = ListMessage<ImageSummary>;

class FakeEngine extends FakeTransport {
  images = new Map<string, ImageSummary>();
  containers: ContainerSummary[] = [];

  override async json<T>(_method: string, path: string): Promise<T> {
    if (path === '/images/json') return [...this.images.values()].map((i) => ({ ...i, Containers: -1 })) as T;
    assert.equal(path, '/containers/json');
    return this.containers as T;
  }
}

const image = (id: string, tag: string): ImageSummary => ({ Id: id, RepoTags: [tag], Created: 1, Size: 10 });

function collector() {
  const seen: Msg[] = [];
  const waiters: { test: (m: Msg) => boolean; resolve: () => void }[] = [];
  return {
    seen,
    sink: {
      emit(m: Msg) {
        seen.push(m);
        for (const w of [...waiters]) if (w.test(m)) w.resolve();
      },
      fail(message: string) {
        throw new Error(message);
      },
    },
    next: (test: (m: Msg) => boolean) => new Promise<void>((resolve) => (seen.some(test) ? resolve() : waiters.push({ test, resolve }))),
  };
}

describe('images relay', () => {
  it('counts users, follows image and container events, and starts over after the stream broke', async () => {
    const engine = new FakeEngine();
    engine.images.set('sha256:a', image('sha256:a', 'busybox:latest'));
    engine.images.set('sha256:b', image('sha256:b', 'alpine:latest'));
    engine.containers = [{ Id: 'c1', Image: 'busybox', ImageID: 'sha256:a', Created: 1 }];
    const events = new EngineEvents({ info: { id: 'h0', label: 'fake', local: true }, client: new EngineClient(engine) });
    const c = collector();
    const opened = openImages(events, c.sink);
    await c.next((m) => m.op === 'snapshot');
    const snap = c.seen.find((m) => m.op === 'snapshot');
    assert.deepEqual(
      snap?.op === 'snapshot' ? snap.items.map((i) => [i.Id, i.Containers]) : undefined,
      [
        ['sha256:a', 1],
        ['sha256:b', 0],
      ],
    );

    engine.containers = [...engine.containers, { Id: 'c2', Image: 'alpine', ImageID: 'sha256:b', Created: 2 }];
    engine.event({ Type: 'container', Action: 'create', Actor: { ID: 'c2' } });
    await c.next((m) => m.op === 'upsert' && m.key === 'sha256:b' && m.item.Containers === 1);

    engine.images.delete('sha256:a');
    engine.event({ Type: 'image', Action: 'delete', Actor: { ID: 'sha256:a' } });
    await c.next((m) => m.op === 'remove' && m.key === 'sha256:a');

    engine.streams.at(-1)!.end();
    await c.next((m) => m.op === 'down');
    const before = c.seen.length;
    // The stream is opened again after the relay's pause; the page gets the whole list.
    await c.next((m) => m.op === 'snapshot' && c.seen.indexOf(m) >= before);
    const again = c.seen.slice(before).find((m) => m.op === 'snapshot');
    assert.deepEqual(again?.op === 'snapshot' ? again.items.map((i) => i.Id) : undefined, ['sha256:b']);

    opened.close();
    events.stop();
    engine.streams.at(-1)!.end();
  });
});
