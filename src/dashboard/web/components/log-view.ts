// A container's log, streaming. Lines are appended to the DOM directly (no virtual DOM for a
// flood); the view follows new lines only while the reader is at the bottom, and when old lines
// are dropped from the top (past MAX_LINES) the scroll position is corrected so the text under
// the reader's eyes does not move. The search box shows only matching lines, marked.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { session } from '../session.js';

const MAX_LINES = 5000;

interface Line {
  stream: 'stdout' | 'stderr';
  text: string;
}

function lineElement(line: Line, search: string): HTMLElement {
  const div = document.createElement('div');
  if (line.stream === 'stderr') div.className = 'stderr';
  if (!search) {
    div.textContent = line.text;
    return div;
  }
  const lower = line.text.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(search); i >= 0; i = lower.indexOf(search, at)) {
    div.append(line.text.slice(at, i));
    const mark = document.createElement('mark');
    mark.textContent = line.text.slice(i, i + search.length);
    div.append(mark);
    at = i + search.length;
  }
  div.append(line.text.slice(at));
  return div;
}

export function LogView(props: { host: string; id: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('streaming');
  const state = useRef({ lines: [] as Line[], search: '' });

  const matches = (l: Line) => !state.current.search || l.text.toLowerCase().includes(state.current.search);

  const redraw = () => {
    const el = box.current;
    if (!el) return;
    el.replaceChildren(...state.current.lines.filter(matches).map((l) => lineElement(l, state.current.search)));
    el.scrollTop = el.scrollHeight;
  };

  useEffect(() => {
    state.current.search = search.toLowerCase();
    redraw();
  }, [search]);

  useEffect(() => {
    state.current.lines = [];
    redraw();
    setStatus('streaming');
    const handle = session().conn.subscribe(
      { kind: 'logs', host: props.host, container: props.id, tail: 1000 },
      {
        onMsg: (m) => {
          const el = box.current;
          if (!el) return;
          const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
          const lines = state.current.lines;
          lines.push(...m.lines);
          const add = m.lines.filter(matches);
          if (add.length) el.append(...add.map((l) => lineElement(l, state.current.search)));
          if (lines.length > MAX_LINES) {
            const drop = lines.splice(0, lines.length - MAX_LINES).filter(matches).length;
            let removed = 0;
            for (let i = 0; i < drop && el.firstElementChild; i++) {
              removed += (el.firstElementChild as HTMLElement).offsetHeight;
              el.firstElementChild.remove();
            }
            if (!atBottom) el.scrollTop -= removed;
          }
          if (atBottom) el.scrollTop = el.scrollHeight;
        },
        onEnd: () => setStatus('ended (the container stopped)'),
        onError: (message) => setStatus(`error: ${message}`),
        onReset: () => {
          state.current.lines = [];
          redraw();
        },
      },
    );
    return () => handle.close();
  }, [props.host, props.id]);

  return html`<div>
    <div class="toolbar">
      <input type="search" class="log-search" placeholder="Search the log" value=${search} onInput=${(e: Event) => setSearch((e.target as HTMLInputElement).value)} />
      <span class="muted log-status">${status}</span>
    </div>
    <div class="logview" ref=${box}></div>
  </div>`;
}
