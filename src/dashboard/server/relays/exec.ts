// A terminal in the page: POST /containers/{id}/exec with a TTY, then the hijacked start; the
// page's keystrokes go to the exec's stdin, its output back as base64 (bytes, not always whole
// characters), and a resize becomes POST /exec/{id}/resize. Closing the subscription closes the
// connection, which ends the shell (its terminal hangs up).
import type { Duplex } from 'node:stream';
import type { EngineHost } from '../hosts.js';
import { errorText, type Opened, type Sink } from './relay.js';
import { bestEffort } from '../../../util/best-effort.js';

export interface ExecRequest {
  cmd?: string[];
  rows: number;
  cols: number;
}

export function openExec(host: EngineHost, container: string, req: ExecRequest, sink: Sink<'exec'>): Opened {
  let socket: Duplex | undefined;
  let execId: string | undefined;
  let closed = false;
  const early: string[] = [];
  void (async () => {
    try {
      const size: [number, number] = [req.rows, req.cols];
      const created = await host.client.exec.create(container, {
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        ConsoleSize: size,
        Env: ['TERM=xterm-256color'],
        Cmd: req.cmd?.length ? req.cmd : ['/bin/sh'],
      });
      execId = created.Id;
      const hijacked = await host.client.exec.startAttached(execId, { Tty: true, ConsoleSize: size });
      socket = hijacked.socket;
      if (closed) return void socket.destroy();
      sink.emit({ op: 'started', execId });
      if (hijacked.head.length) sink.emit({ op: 'output', data: hijacked.head.toString('base64') });
      for (const data of early.splice(0)) socket.write(data);
      socket.on('data', (chunk: Buffer) => sink.emit({ op: 'output', data: chunk.toString('base64') }));
      await new Promise<void>((resolve) => {
        socket!.once('close', () => resolve());
        socket!.once('end', () => resolve());
        socket!.once('error', () => resolve());
      });
      if (closed) return;
      const info = await host.client.exec.inspect(execId);
      sink.emit({ op: 'exit', code: info.ExitCode ?? null });
      sink.end();
    } catch (e) {
      if (!closed) sink.fail(errorText(e));
    }
  })();
  return {
    close() {
      closed = true;
      socket?.destroy();
    },
    input(data: string) {
      if (socket) socket.write(data);
      else early.push(data);
    },
    resize(rows: number, cols: number) {
      if (execId) void bestEffort(host.client.exec.resize(execId, { h: rows, w: cols }), 'dashboard: exec resize');
    },
  };
}
