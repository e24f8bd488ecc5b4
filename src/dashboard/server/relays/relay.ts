// What every relay gives the hub: a subscription sends messages to `emit` until it ends; the hub
// calls `close` when the page unsubscribes or goes. Relays whose engine stream is shared among
// pages (containers, stats) keep one engine stream per key and count their listeners.
import type { StreamMessages } from '../../protocol.js';

export interface Sink<K extends keyof StreamMessages> {
  emit(msg: StreamMessages[K]): void;
  /** The stream is over (the container stopped, the exec exited); no more messages. */
  end(): void;
  fail(message: string): void;
}

export interface Opened {
  close(): void;
  /** The page's socket went (rather than the page closing the stream): a stream that can wait for the page to come back (exec) does; without it, close. */
  detach?(): void;
  /** Keystrokes (exec only). */
  input?(data: string): void;
  resize?(rows: number, cols: number): void;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
