// The events page's stream of one engine, from the engine's shared event stream (engine-events.ts):
// first the events it kept, then each new one. Nothing is asked of the engine for this: a page
// that watches events costs one more listener on the stream the lists follow anyway.
import type { EngineEvents } from './engine-events.js';
import type { Opened, Sink } from './relay.js';

export function openEvents(events: EngineEvents, sink: Sink<'events'>): Opened {
  if (events.recent.length) sink.emit({ op: 'events', events: [...events.recent] });
  let open = true;
  const subscription = events.listen({
    event: (e) => sink.emit({ op: 'events', events: [e] }),
    status: (up, error) => sink.emit({ op: 'status', up, error }),
  });
  // A stream that could not open on first use: the page says so (`status` tells when it is back).
  void subscription.ready.then(() => {
    if (open && !events.up) sink.emit({ op: 'status', up: false, error: events.error });
  });
  return {
    close: () => {
      open = false;
      subscription.close();
    },
  };
}
