// Pulling an image from the page: the engine's progress (POST …/images/pull streams it as NDJSON)
// drawn as one bar per layer, the other status lines, and the final status or error. The pull is
// kept outside the component, so going to another page and back shows it still going.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { JsonMessage } from '../../../api-types/common.js';
import { humanSize } from '../../../cli/format/units.js';
import { hostLabel, postStream, session } from '../session.js';

interface LayerState {
  id: string;
  status: string;
  /** 0…1 over the whole layer: downloading is the first half, extracting the second. */
  fraction: number;
  detail?: string;
}

interface PullState {
  host: string;
  ref: string;
  layers: Map<string, LayerState>;
  /** The lines that are not a layer's ("latest: Pulling from library/busybox", "Digest: …"). */
  lines: string[];
  error?: string;
  finished: boolean;
}

/** A layer's progress lines carry its short id (12 hex digits); others carry a tag or nothing. */
const LAYER_ID = /^[0-9a-f]{12}$/;

function layerFraction(status: string, detail: JsonMessage['progressDetail'], before: number): number {
  const part = detail?.total ? Math.min(1, (detail.current ?? 0) / detail.total) : 0;
  if (status === 'Downloading') return part / 2;
  if (status === 'Verifying Checksum' || status === 'Download complete') return 0.5;
  if (status === 'Extracting') return 0.5 + part / 2;
  if (status === 'Pull complete' || status === 'Already exists') return 1;
  return before;
}

class PullStore {
  current?: PullState;
  private listeners = new Set<() => void>();

  get running(): boolean {
    return !!this.current && !this.current.finished;
  }

  async start(host: string, ref: string): Promise<void> {
    const state: PullState = { host, ref, layers: new Map(), lines: [], finished: false };
    this.current = state;
    this.changed();
    try {
      await postStream<JsonMessage>(`/api/hosts/${encodeURIComponent(host)}/images/pull?ref=${encodeURIComponent(ref)}`, (m) => {
        this.apply(state, m);
        this.changed();
      });
    } catch (e) {
      state.error = e instanceof Error ? e.message : String(e);
    }
    state.finished = true;
    this.changed();
  }

  private apply(state: PullState, m: JsonMessage): void {
    if (m.error || m.errorDetail) {
      state.error = m.errorDetail?.message ?? m.error;
      return;
    }
    if (!m.status) return;
    if (m.id && LAYER_ID.test(m.id)) {
      const old = state.layers.get(m.id);
      const total = m.progressDetail?.total;
      state.layers.set(m.id, {
        id: m.id,
        status: m.status,
        fraction: layerFraction(m.status, m.progressDetail, old?.fraction ?? 0),
        detail: total ? `${humanSize(m.progressDetail?.current ?? 0)} / ${humanSize(total)}` : undefined,
      });
    } else state.lines.push(m.id ? `${m.id}: ${m.status}` : m.status);
  }

  dismiss(): void {
    if (this.running) return;
    this.current = undefined;
    this.changed();
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  listen(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

export const pulls = new PullStore();

function usePull(): PullState | undefined {
  const [, setTick] = useState(0);
  useEffect(() => pulls.listen(() => setTick((n) => n + 1)), []);
  return pulls.current;
}

/** The form: an image reference (and the engine, when there are several) and a Pull button. */
export function PullForm() {
  const hosts = session().hosts;
  const [ref, setRef] = useState('');
  const [host, setHost] = useState(hosts[0]?.id ?? '');
  usePull();
  const submit = (e: Event) => {
    e.preventDefault();
    if (ref.trim() && !pulls.running) void pulls.start(host, ref.trim());
  };
  return html`<form class="pull-form" onSubmit=${submit}>
    <input class="pull-ref" placeholder="Image to pull, e.g. busybox:latest" value=${ref} onInput=${(e: Event) => setRef((e.target as HTMLInputElement).value)} />
    ${hosts.length > 1 ? html`<select value=${host} onChange=${(e: Event) => setHost((e.target as HTMLSelectElement).value)}>${hosts.map((h) => html`<option value=${h.id}>${h.label}</option>`)}</select>` : null}
    <button type="submit" class="pull" disabled=${pulls.running || !ref.trim()}>${pulls.running ? 'Pulling…' : 'Pull'}</button>
  </form>`;
}

/** The running (or last) pull's progress. */
export function PullProgress() {
  const p = usePull();
  if (!p) return null;
  const last = p.lines[p.lines.length - 1];
  const state = p.error ? 'error' : p.finished ? 'done' : 'running';
  return html`<section class="pull-progress" data-state=${state}>
    <div class="pull-head">
      <strong>Pull ${p.ref}</strong>${session().hosts.length > 1 ? html` <span class="muted">on ${hostLabel(p.host)}</span>` : null}
      ${p.finished ? html`<button class="dismiss" onClick=${() => pulls.dismiss()}>×</button>` : null}
    </div>
    ${p.lines.slice(0, -1).map((l) => html`<div class="muted">${l}</div>`)}
    ${[...p.layers.values()].map(
      (l) => html`<div class="layer" data-layer=${l.id} data-status=${l.status}>
        <code>${l.id}</code>
        <span class="bar"><span style=${`width: ${(l.fraction * 100).toFixed(1)}%`}></span></span>
        <span>${l.status}</span> <span class="muted">${l.detail ?? ''}</span>
      </div>`,
    )}
    ${last ? html`<div class="pull-status">${last}</div>` : null}
    ${p.error ? html`<div class="error pull-error">${p.error}</div>` : null}
  </section>`;
}
