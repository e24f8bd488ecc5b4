// A shell in the container: xterm.js over the page's WebSocket to an exec with a TTY (server
// relays/exec.ts). The terminal is fitted to its box and every size change is sent on, so
// programs in the container see the real rows and columns.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { session } from '../session.js';

function fromBase64(data: string): Uint8Array {
  const bin = atob(data);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function TerminalView(props: { host: string; id: string; cmd?: string[] }) {
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState('starting');
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const term = new Terminal({ cursorBlink: true, fontSize: 13, fontFamily: 'ui-monospace, monospace', convertEol: false });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    fit.fit();
    const handle = session().conn.subscribe(
      { kind: 'exec', host: props.host, container: props.id, cmd: props.cmd, rows: term.rows, cols: term.cols },
      {
        onMsg: (m) => {
          if (m.op === 'started') setStatus('connected');
          else if (m.op === 'output') term.write(fromBase64(m.data));
          else setStatus(`exited${m.code === null ? '' : ` (${m.code})`}`);
        },
        onEnd: () => setStatus((s) => (s.startsWith('exited') ? s : 'ended')),
        onError: (message) => setStatus(`error: ${message}`),
      },
    );
    const input = term.onData((data) => handle.send({ type: 'input', data }));
    const resized = term.onResize(({ rows, cols }) => handle.send({ type: 'resize', rows, cols }));
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(el);
    term.focus();
    // For the browser tests: the size the terminal has now.
    (el as HTMLElement & { term?: Terminal }).term = term;
    return () => {
      observer.disconnect();
      input.dispose();
      resized.dispose();
      handle.close();
      term.dispose();
    };
  }, [props.host, props.id]);
  return html`<div>
    <div class="toolbar"><span class="muted terminal-status">${status}</span></div>
    <div class="terminal-box" ref=${box}></div>
  </div>`;
}
