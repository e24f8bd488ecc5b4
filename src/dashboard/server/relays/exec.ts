// A terminal in the page: POST /containers/{id}/exec with a TTY, then the hijacked start; the
// page's keystrokes go to the exec's stdin, its output back as base64 (bytes, not always whole
// characters), and a resize becomes POST /exec/{id}/resize.
//
// A shell outlives its page's WebSocket for GRACE_MS: when the socket goes (a network blip, the
// laptop sleeping, the dashboard's tab reloading its connection) the exec is kept, and a page that
// subscribes again with the `resume` token of the `started` message and the count of output bytes
// it `received` gets it back: the output it missed, then the live terminal. The newest BUFFER_MAX
// bytes of output are always kept for that: what was sent as the socket went may never have
// arrived, so only the page can say where to go on from.
// Closing the subscription (the page leaves the terminal) or the grace running out closes the
// connection, which ends the shell (its terminal hangs up).
import type { Duplex } from 'node:stream';
import type { StreamMessages } from '../../protocol.js';
import type { EngineHost } from '../hosts.js';
import { randomToken } from '../access.js';
import { errorText, type Opened, type Sink } from './relay.js';
import { bestEffort } from '../../../util/best-effort.js';

const GRACE_MS = 60_000;
const BUFFER_MAX = 256 << 10;

export interface ExecRequest {
  cmd?: string[];
  rows: number;
  cols: number;
  /** The token of a shell to take up again (from its `started` message). */
  resume?: string;
  /** With `resume`: how many bytes of output the page has (it gets the rest). */
  received?: number;
}

type Msg = StreamMessages['exec'];

/** One shell and the page that has it now (none while it waits to be resumed). */
class ExecSession {
  readonly token = randomToken(24);
  execId?: string;
  private socket?: Duplex;
  private sink?: Sink<'exec'>;
  private readonly early: string[] = [];
  /** The newest output (at most BUFFER_MAX bytes past the first chunk), starting at byte `keptFrom` of all output. */
  private kept: Buffer[] = [];
  private keptBytes = 0;
  private keptFrom = 0;
  private exit?: Msg;
  private grace?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly sessions: ExecSessions,
    readonly host: EngineHost,
    readonly container: string,
  ) {}

  /** The page's handle on this shell through `sink` (the page that had it before loses it). */
  attach(sink: Sink<'exec'>): Opened {
    clearTimeout(this.grace);
    this.grace = undefined;
    this.sink = sink;
    return {
      close: () => {
        if (this.sink === sink) this.close();
      },
      detach: () => {
        if (this.sink === sink) this.detach();
      },
      input: (data) => {
        if (this.sink !== sink) return;
        if (this.socket) this.socket.write(data);
        else this.early.push(data);
      },
      resize: (rows, cols) => {
        if (this.sink === sink) this.resize(rows, cols);
      },
    };
  }

  /** Taken up by a new page: the output it missed (and the exit, if the shell ended meanwhile). */
  resumed(sink: Sink<'exec'>, received: number, rows: number, cols: number): Opened {
    const opened = this.attach(sink);
    const missed = this.since(received);
    if (this.execId) sink.emit({ op: 'started', execId: this.execId, resume: this.token, resumed: true, at: missed.at });
    if (missed.data.length) sink.emit({ op: 'output', data: missed.data.toString('base64') });
    if (this.exit) this.finish();
    else this.resize(rows, cols);
    return opened;
  }

  async start(req: ExecRequest): Promise<void> {
    try {
      const size: [number, number] = [req.rows, req.cols];
      const created = await this.host.client.exec.create(this.container, {
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        ConsoleSize: size,
        Env: ['TERM=xterm-256color'],
        Cmd: req.cmd?.length ? req.cmd : ['/bin/sh'],
      });
      this.execId = created.Id;
      const hijacked = await this.host.client.exec.startAttached(this.execId, { Tty: true, ConsoleSize: size });
      const socket = (this.socket = hijacked.socket);
      if (this.closed) return void socket.destroy();
      this.sink?.emit({ op: 'started', execId: this.execId, resume: this.token });
      if (hijacked.head.length) this.output(hijacked.head);
      for (const data of this.early.splice(0)) socket.write(data);
      socket.on('data', (chunk: Buffer) => this.output(chunk));
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.once('end', () => resolve());
        socket.once('error', () => resolve());
      });
      if (this.closed) return;
      const info = await this.host.client.exec.inspect(this.execId);
      this.exit = { op: 'exit', code: info.ExitCode ?? null };
      if (this.sink) this.finish();
    } catch (e) {
      if (this.closed) return;
      this.sessions.forget(this);
      this.sink?.fail(errorText(e));
      this.closed = true;
    }
  }

  private output(chunk: Buffer): void {
    this.kept.push(chunk);
    this.keptBytes += chunk.length;
    while (this.keptBytes - this.kept[0].length > BUFFER_MAX) {
      const gone = this.kept.shift()!.length;
      this.keptBytes -= gone;
      this.keptFrom += gone;
    }
    this.sink?.emit({ op: 'output', data: chunk.toString('base64') });
  }

  /** The output after the first `received` bytes as far as it is kept, and where it starts (past `received` when some is no longer kept). */
  private since(received: number): { data: Buffer; at: number } {
    const at = Math.min(Math.max(received, this.keptFrom), this.keptFrom + this.keptBytes);
    return { data: Buffer.concat(this.kept).subarray(at - this.keptFrom), at };
  }

  private finish(): void {
    this.sessions.forget(this);
    this.closed = true;
    this.sink!.emit(this.exit!);
    this.sink!.end();
  }

  private resize(rows: number, cols: number): void {
    if (this.execId) void bestEffort(this.host.client.exec.resize(this.execId, { h: rows, w: cols }), 'dashboard: exec resize');
  }

  /** The page's socket went: keep the shell for GRACE_MS, for a page that resumes it. */
  private detach(): void {
    this.sink = undefined;
    this.grace = setTimeout(() => this.close(), GRACE_MS);
    this.grace.unref();
  }

  close(): void {
    clearTimeout(this.grace);
    this.sessions.forget(this);
    this.closed = true;
    this.sink = undefined;
    this.socket?.destroy();
  }
}

/** The dashboard's shells, by resume token (one registry for all pages: a page resumes on a new socket). */
export class ExecSessions {
  private readonly byToken = new Map<string, ExecSession>();

  open(host: EngineHost, container: string, req: ExecRequest, sink: Sink<'exec'>): Opened {
    if (req.resume !== undefined) {
      const s = this.byToken.get(req.resume);
      if (!s || s.host !== host || s.container !== container) {
        sink.fail(`the terminal session is gone (it ended, or was not resumed within ${GRACE_MS / 1000} s)`);
        return { close() {} };
      }
      return s.resumed(sink, req.received ?? 0, req.rows, req.cols);
    }
    const s = new ExecSession(this, host, container);
    this.byToken.set(s.token, s);
    const opened = s.attach(sink);
    void s.start(req);
    return opened;
  }

  forget(s: ExecSession): void {
    if (this.byToken.get(s.token) === s) this.byToken.delete(s.token);
  }

  closeAll(): void {
    for (const s of [...this.byToken.values()]) s.close();
  }
}
