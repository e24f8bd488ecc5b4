// Every engine's events as they happen, newest on top: first what each engine's stream kept,
// then live ones (one `events` subscription per engine). Filters by type, action and text; a
// pause that keeps receiving but freezes the table; the browser keeps the last MAX_ROWS.
import { html } from 'htm/preact';
import { Component } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { EventMessage } from '../../../api-types/system.js';
import { href, matchRoute } from '../router.js';
import { hostLabel, session } from '../session.js';
import { containers } from '../stores/containers.js';
import { PAGES, type PageDef } from './index.js';

const MAX_ROWS = 2000;
const TYPES = ['container', 'image', 'volume', 'network', 'builder', 'daemon', 'plugin'];

export interface EventRow {
  key: string;
  host: string;
  /** Nanoseconds since the epoch (from `time` when the engine gave no timeNano). */
  nanos: number;
  e: EventMessage;
}

function nanosOf(e: EventMessage): number {
  return e.timeNano ?? e.time * 1e9;
}

/** A stream replayed after a reconnect repeats events: the same engine, instant, kind and actor is the same event. */
function keyOf(host: string, e: EventMessage): string {
  return `${host}|${nanosOf(e)}|${e.Type}|${e.Action}|${e.Actor?.ID ?? e.id ?? ''}`;
}

/** The page of what an event is about, when the dashboard has one (and, for a container, it still exists). */
function actorLink(row: EventRow): string | undefined {
  const id = row.e.Actor?.ID;
  if (!id) return undefined;
  if (row.e.Type === 'container') return containers.find(row.host, id) ? href('containers', row.host, id) : undefined;
  const link = href(`${row.e.Type}s`, row.host, id);
  return PAGES.some((p) => matchRoute(p.path, link.slice(1))) ? link : undefined;
}

function time(nanos: number): string {
  const d = new Date(nanos / 1e6);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

class Row extends Component<{ row: EventRow; showHost: boolean }> {
  override shouldComponentUpdate(next: { row: EventRow; showHost: boolean }): boolean {
    return next.row !== this.props.row || next.showHost !== this.props.showHost;
  }

  override render() {
    const { row, showHost } = this.props;
    const { e } = row;
    const attrs = Object.entries(e.Actor?.Attributes ?? {}).filter(([k]) => k !== 'name');
    const name = e.Actor?.Attributes?.name;
    const id = e.Actor?.ID ?? e.id ?? '';
    const shortId = /^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id;
    const link = actorLink(row);
    const label = name ?? shortId;
    return html`<tr data-type=${e.Type} data-action=${e.Action} data-name=${name ?? ''}>
      <td class="muted" title=${new Date(row.nanos / 1e6).toISOString()}>${time(row.nanos)}</td>
      ${showHost ? html`<td>${hostLabel(row.host)}</td>` : null}
      <td><span class=${`etype ${e.Type}`}>${e.Type}</span></td>
      <td>${e.Action}</td>
      <td class="name">${link ? html`<a href=${link}>${label}</a>` : label}${name && shortId && shortId !== name ? html` <span class="muted">${shortId}</span>` : null}</td>
      <td class="attrs">${attrs.map(([k, v]) => html`<span class="attr" title=${`${k}=${v}`}>${k}=${v}</span> `)}</td>
    </tr>`;
  }
}

function EventsPage() {
  const hosts = session().hosts;
  // The rows live outside of state: events can come faster than frames, the table is drawn at most once a frame.
  const rows = useRef<EventRow[]>([]);
  const seen = useRef(new Set<string>());
  /** How many events came in all, to tell how many came while paused. */
  const received = useRef(0);
  const [version, setVersion] = useState(0);
  const [down, setDown] = useState<Record<string, string | undefined>>({});
  const [type, setType] = useState('');
  const [action, setAction] = useState('');
  const [text, setText] = useState('');
  const [frozen, setFrozen] = useState<{ rows: EventRow[]; received: number } | undefined>();

  useEffect(() => {
    let queued = false;
    const redraw = () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        setVersion((v) => v + 1);
      });
    };
    const add = (host: string, events: EventMessage[]) => {
      const list = rows.current;
      let sorted = true;
      for (const e of events) {
        const key = keyOf(host, e);
        if (seen.current.has(key)) continue;
        seen.current.add(key);
        received.current++;
        const row = { key, host, nanos: nanosOf(e), e };
        if (list.length && row.nanos < list[0].nanos) sorted = false;
        list.unshift(row);
      }
      if (!sorted) list.sort((a, b) => b.nanos - a.nanos);
      // A new array each time: the views compare by identity.
      rows.current = list.length > MAX_ROWS ? list.slice(0, MAX_ROWS) : list.slice();
      if (list.length > MAX_ROWS) seen.current = new Set(rows.current.map((r) => r.key));
      redraw();
    };
    const handles = hosts.map((h) =>
      session().conn.subscribe(
        { kind: 'events', host: h.id },
        {
          onMsg: (m) => {
            if (m.op === 'events') add(h.id, m.events);
            else setDown((d) => ({ ...d, [h.id]: m.up ? undefined : (m.error ?? 'unreachable') }));
          },
          onError: (message) => setDown((d) => ({ ...d, [h.id]: message })),
        },
      ),
    );
    return () => handles.forEach((handle) => handle.close());
  }, []);

  const all = rows.current;
  const shown = frozen?.rows ?? all;
  const actions = useMemo(() => [...new Set(all.filter((r) => !type || r.e.Type === type).map((r) => r.e.Action))].sort(), [version, type]);
  const filtered = useMemo(() => {
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    return shown.filter((r) => {
      if (type && r.e.Type !== type) return false;
      if (action && r.e.Action !== action) return false;
      if (!words.length) return true;
      const hay = `${hostLabel(r.host)} ${r.e.Type} ${r.e.Action} ${r.e.Actor?.ID ?? ''} ${Object.entries(r.e.Actor?.Attributes ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    });
  }, [shown, type, action, text]);
  const showHost = hosts.length > 1;
  const pendingCount = frozen ? received.current - frozen.received : 0;

  return html`<div class="events-page">
    <div class="toolbar">
      <select class="event-type" value=${type} onChange=${(e: Event) => (setType((e.target as HTMLSelectElement).value), setAction(''))}>
        <option value="">all types</option>
        ${TYPES.map((t) => html`<option value=${t}>${t}</option>`)}
      </select>
      <select class="event-action" value=${action} onChange=${(e: Event) => setAction((e.target as HTMLSelectElement).value)}>
        <option value="">all actions</option>
        ${(action && !actions.includes(action) ? [action, ...actions] : actions).map((a) => html`<option value=${a}>${a}</option>`)}
      </select>
      <input type="search" class="event-text" placeholder="Filter: name, id, attribute, host…" value=${text} onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)} />
      <button class="event-pause" onClick=${() => setFrozen(frozen ? undefined : { rows: all, received: received.current })}>${frozen ? 'Resume' : 'Pause'}</button>
      <span class="muted count">${frozen ? `paused, ${pendingCount} new · ` : ''}${filtered.length} of ${shown.length} events (last ${MAX_ROWS} kept)</span>
      ${Object.entries(down)
        .filter(([, err]) => err)
        .map(([h, err]) => html`<span class="error">${hostLabel(h)}: ${err}</span>`)}
    </div>
    <table class="list events">
      <thead><tr><th>Time</th>${showHost ? html`<th>Host</th>` : null}<th>Type</th><th>Action</th><th>Actor</th><th>Attributes</th></tr></thead>
      <tbody>${filtered.map((r) => html`<${Row} key=${r.key} row=${r} showHost=${showHost} />`)}</tbody>
    </table>
    ${shown.length === 0 ? html`<p class="notice">No events yet: they appear here as the engines report them.</p>` : null}
  </div>`;
}

export const page: PageDef = { path: '/events', title: 'Events', nav: true, component: EventsPage };
