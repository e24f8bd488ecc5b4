// The engine's event bus: every object change is published here in Docker's event shape and
// kept in a bounded ring so `GET /events?since=` can replay what happened before the client came.
import { EventEmitter } from 'node:events';

export interface DockerEvent {
  Type: 'container' | 'image' | 'volume' | 'network' | 'daemon' | 'plugin' | 'builder';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  // Pre-1.22 fields the docker CLI still reads for containers and images.
  status?: string;
  id?: string;
  from?: string;
}

const HISTORY = 1024;

export class EventBus extends EventEmitter {
  private ring: DockerEvent[] = [];

  publish(type: DockerEvent['Type'], action: string, id: string, attributes: Record<string, string> = {}): DockerEvent {
    const nowNs = BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
    const ev: DockerEvent = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(nowNs / 1_000_000_000n),
      timeNano: Number(nowNs),
    };
    if (type === 'container' || type === 'image') {
      ev.status = action;
      ev.id = id;
      if (attributes.image) ev.from = attributes.image;
    }
    this.ring.push(ev);
    if (this.ring.length > HISTORY) this.ring.shift();
    this.emit('event', ev);
    return ev;
  }

  /** Events at or after `sinceNs` (nanoseconds since the epoch), oldest first. */
  history(sinceNs: number): DockerEvent[] {
    return this.ring.filter((e) => e.timeNano >= sinceNs);
  }
}
