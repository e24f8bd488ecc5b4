// A container's log for one page: GET /containers/{id}/logs?follow=1 from the last `tail` lines,
// split into lines (demultiplexed unless the container has a TTY). Lines of one read go out as one
// message, so a flood costs a frame per chunk, not per line.
import { FrameDecoder } from '../../../client/demux.js';
import type { StreamMessages } from '../../protocol.js';
import type { EngineHost } from '../hosts.js';
import { errorText, type Opened, type Sink } from './relay.js';

type Line = Extract<StreamMessages['logs'], { op: 'lines' }>['lines'][number];

/** Splits a byte stream into lines, keeping a partial last line for the next chunk. */
class LineSplitter {
  private rest = '';
  constructor(readonly stream: Line['stream']) {}
  push(text: string, out: Line[]): void {
    const parts = (this.rest + text).split('\n');
    this.rest = parts.pop() ?? '';
    for (const p of parts) out.push({ stream: this.stream, text: p.replace(/\r$/, '') });
  }
  flush(out: Line[]): void {
    if (this.rest) out.push({ stream: this.stream, text: this.rest });
    this.rest = '';
  }
}

export function openLogs(host: EngineHost, container: string, tail: number, sink: Sink<'logs'>): Opened {
  const abort = new AbortController();
  void (async () => {
    try {
      const info = await host.client.containers.inspect(container);
      const res = await host.client.containers.logs(container, { follow: true, stdout: true, stderr: true, tail: String(tail), signal: abort.signal });
      const out = { stdout: new LineSplitter('stdout'), stderr: new LineSplitter('stderr') };
      const decoder = info.Config?.Tty ? undefined : new FrameDecoder();
      for await (const chunk of res) {
        const lines: Line[] = [];
        if (!decoder) out.stdout.push((chunk as Buffer).toString('utf8'), lines);
        else for (const f of decoder.push(chunk as Buffer)) (f.stream === 2 ? out.stderr : out.stdout).push(f.data.toString('utf8'), lines);
        if (lines.length) sink.emit({ op: 'lines', lines });
      }
      const lines: Line[] = [];
      out.stdout.flush(lines);
      out.stderr.flush(lines);
      if (lines.length) sink.emit({ op: 'lines', lines });
      sink.end();
    } catch (e) {
      if (!abort.signal.aborted) sink.fail(errorText(e));
    }
  })();
  return { close: () => abort.abort() };
}
