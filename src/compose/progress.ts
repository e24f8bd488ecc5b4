// Progress events of compose operations and their plain rendering, as Docker Compose v2's plain
// writer prints them (" Container p-web-1  Started": pkg/progress/plain.go prints ID, an empty
// text and the status separated by spaces). On a terminal a done line gets compose's ✔ mark, an
// error ✘. A live view (tui/) can take the events instead by passing its own sink.

export type EventStatus = 'working' | 'done' | 'warning' | 'error';

export interface ProgressEvent {
  /** "Container p-web-1", "Network p_default", `Volume "p_data"`. */
  id: string;
  status: EventStatus;
  /** "Creating", "Started", "Waiting", "Healthy", "Error"… */
  text: string;
}

export type ProgressSink = (e: ProgressEvent) => void;

const MARK: Record<EventStatus, string> = { working: ' ', done: '✔', warning: '!', error: '✘' };

/** Renders events as lines on `write`: compose's plain form, or with marks on a terminal. */
export function lineSink(write: (text: string) => void, tty = false): ProgressSink {
  return (e) => write(tty ? ` ${MARK[e.status]} ${e.id}  ${e.text}\n` : ` ${e.id}  ${e.text}\n`);
}

export const containerId = (name: string): string => `Container ${name}`;
export const networkId = (name: string): string => `Network ${name}`;
export const volumeId = (name: string): string => `Volume ${JSON.stringify(name)}`;

/** A sink that drops everything (quiet commands, tests). */
export const silent: ProgressSink = () => undefined;
