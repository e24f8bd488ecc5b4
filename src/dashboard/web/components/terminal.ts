// A shell in the container: xterm.js over the page's WebSocket to an exec with a TTY (server
// relays/exec.ts). The terminal is fitted to its box and every size change is sent on, so
// programs in the container see the real rows and columns. When the page's WebSocket drops, the
// server keeps the shell a while: the page takes it up again with its resume token and gets the
// output it missed.
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
    let resume: string | undefined;
    /** Bytes of output written to the terminal: a resumed shell sends what comes after. */
    let received = 0;
    const conn = session().conn;
    const sub = { kind: 'exec' as const, host: props.host, container: props.id, cmd: props.cmd };
    const handle = conn.subscribe(
      { ...sub, rows: term.rows, cols: term.cols },
      {
        onMsg: (m) => {
          if (m.op === 'started') {
            resume = m.resume;
            if (m.at !== undefined && m.at > received) term.write(`\r\n[${m.at - received} bytes of output were lost while disconnected]\r\n`);
            if (m.at !== undefined) received = m.at;
            setStatus(m.resumed ? 'connected (resumed)' : 'connected');
          }
          else if (m.op === 'output') {
            const bytes = fromBase64(m.data);
            received += bytes.length;
            term.write(bytes);
          }
          else setStatus(`exited${m.code === null ? '' : ` (${m.code})`}`);
        },
        onEnd: () => setStatus((s) => (s.startsWith('exited') ? s : 'ended')),
        onError: (message) => setStatus(`error: ${message}`),
      },
      // A shell that had started is taken up again; one that had not starts anew.
      { resume: () => ({ ...sub, rows: term.rows, cols: term.cols, resume, received }) },
    );
    const status = conn.onStatus((up) => {
      if (!up) setStatus((s) => (s.startsWith('connected') ? 'disconnected: resuming…' : s));
    });
    const input = term.onData((data) => handle.send({ type: 'input', data }));
    const resized = term.onResize(({ rows, cols }) => handle.send({ type: 'resize', rows, cols }));
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(el);
    term.focus();
    // For the browser tests: the size the terminal has now, and a way to drop the page's socket.
    Object.assign(el, { term, dropConnection: () => conn.dropForTest() });
    return () => {
      status();
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
