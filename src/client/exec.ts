// client.exec: exec instances (POST /containers/{id}/exec, /exec/{id}/…).
import type { IdResponse } from '../api-types/common.js';
import type { ExecCreateBody, ExecInspect, ExecStartBody } from '../api-types/exec.js';
import type { ApiTransport, Hijacked } from './transport.js';

const path = (id: string, tail: string) => `/exec/${encodeURIComponent(id)}${tail}`;

export class ExecApi {
  constructor(private readonly t: ApiTransport) {}

  create(containerId: string, body: ExecCreateBody): Promise<IdResponse> {
    return this.t.json('POST', `/containers/${encodeURIComponent(containerId)}/exec`, { body });
  }

  /** Starts the exec detached: returns once it runs. */
  start(id: string, body: Omit<ExecStartBody, 'Detach'> = {}): Promise<void> {
    return this.t.call('POST', path(id, '/start'), { body: { Detach: true, Tty: body.Tty, ConsoleSize: body.ConsoleSize } });
  }

  /** Starts the exec attached: its streams over a hijacked connection (raw when Tty, else multiplexed). */
  startAttached(id: string, body: Omit<ExecStartBody, 'Detach'> = {}): Promise<Hijacked> {
    return this.t.hijack('POST', path(id, '/start'), { body: { Detach: false, Tty: body.Tty, ConsoleSize: body.ConsoleSize } });
  }

  inspect(id: string): Promise<ExecInspect> {
    return this.t.json('GET', path(id, '/json'));
  }

  /** Sets the exec's TTY size: height (rows) and width (columns). */
  resize(id: string, size: { h: number; w: number }): Promise<void> {
    return this.t.call('POST', path(id, '/resize'), { query: { h: size.h, w: size.w } });
  }
}
