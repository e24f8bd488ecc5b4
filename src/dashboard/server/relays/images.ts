// An engine's images as a live list (listing.ts), one relay per engine shared by every page that
// watches it. GET /images/json answers `Containers: -1` (as dockerd does: counting is left to
// `system df`), so the count of containers using each image comes from the container list, read
// in the same refresh; container creations and removals therefore refresh the list too.
import type { EventMessage } from '../../../api-types/system.js';
import type { ImageSummary } from '../../../api-types/images.js';
import type { EngineHost } from '../hosts.js';
import { perEngine, type EngineEvents } from './engine-events.js';
import { ListRelay, type ListSink, type ListSource } from './listing.js';
import type { Opened } from './relay.js';

/** Image events that cannot change the list: the image is only read. */
const READ_ONLY = new Set(['push', 'save']);

export function imagesSource(host: EngineHost): ListSource<ImageSummary> {
  return {
    what: 'images',
    key: (img) => img.Id,
    concerns: (e: EventMessage) =>
      (e.Type === 'image' && !READ_ONLY.has(e.Action)) || (e.Type === 'container' && (e.Action === 'create' || e.Action === 'destroy')),
    list: async () => {
      const [images, containers] = await Promise.all([host.client.images.list(), host.client.containers.list({ all: true })]);
      const users = new Map<string, number>();
      for (const c of containers) if (c.ImageID) users.set(c.ImageID, (users.get(c.ImageID) ?? 0) + 1);
      return images.map((img) => ({ ...img, Containers: users.get(img.Id) ?? 0 }));
    },
  };
}

const imagesRelay = perEngine((events) => new ListRelay(events, imagesSource(events.host)));

export function openImages(events: EngineEvents, sink: ListSink<ImageSummary>): Opened {
  return imagesRelay(events).open(sink);
}
