// The images of every engine in one table (host as a column when there are several): tags, id,
// size, age and how many containers use each, kept live by the engine's events; a filter box;
// pull with progress, prune (dangling or all unused) and remove. Sizes and ages read as
// `docker images` prints them.
import { html } from 'htm/preact';
import { Component } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { ImagePruneResponse } from '../../../api-types/images.js';
import { ago, humanSize } from '../../../cli/format/units.js';
import { PullForm, PullProgress } from '../components/pull.js';
import { href } from '../router.js';
import { hostLabel, post, postJson, session } from '../session.js';
import { imageRows, rowKey, useImages, type ImageRow } from '../stores/images.js';
import type { PageDef } from './index.js';

export const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

/** The names an image goes by: its tags, else `<none>` (with its digest when it has one). */
export function imageNames(r: { RepoTags?: string[] | null; RepoDigests?: string[] | null }): string[] {
  const tags = (r.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  if (tags.length) return tags;
  const digest = (r.RepoDigests ?? []).find((d) => d !== '<none>@<none>');
  return [digest ? `${digest.split('@')[0]}:<none>` : '<none>:<none>'];
}

export const imagePath = (host: string, id: string) => `/api/hosts/${encodeURIComponent(host)}/images/${encodeURIComponent(id)}`;

interface RowProps {
  row: ImageRow;
  showHost: boolean;
  onError: (m: string) => void;
}

class Row extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    return next.row !== this.props.row || next.showHost !== this.props.showHost;
  }

  override render() {
    const { row, showHost, onError } = this.props;
    const names = imageNames(row);
    const remove = async () => {
      if (!confirm(`Remove ${names.join(', ')}?`)) return;
      try {
        await post(`${imagePath(row.host, row.Id)}/remove`);
      } catch (e) {
        onError(`remove ${names[0]}: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    return html`<tr data-id=${row.Id} data-tags=${(row.RepoTags ?? []).join(' ')}>
      <td class="name">${names.map((n, i) => html`${i ? html`<br />` : null}<a href=${href('images', row.host, row.Id)}>${n}</a>`)}</td>
      ${showHost ? html`<td>${hostLabel(row.host)}</td>` : null}
      <td><code>${shortId(row.Id)}</code></td>
      <td class="muted">${ago(row.Created)}</td>
      <td>${humanSize(row.Size, 3)}</td>
      <td class="users">${row.Containers ?? 0}</td>
      <td><button data-action="remove" onClick=${() => void remove()}>remove</button></td>
    </tr>`;
  }
}

/** Prune on each engine: dangling images, or (all) every image no container uses. */
function PruneButtons(props: { onResult: (text: string) => void; onError: (m: string) => void }) {
  const [busy, setBusy] = useState(false);
  const prune = async (all: boolean) => {
    if (!confirm(all ? 'Remove every image that no container uses?' : 'Remove dangling (untagged) images?')) return;
    setBusy(true);
    try {
      // `Deleted` names layers too: the images are the ids the list had (taken before: the
      // list follows the engine's events and may lose them before the answer is in).
      const known = new Set(imageRows().keys());
      const results = await Promise.all(
        session().hosts.map(async (h) => ({ host: h.id, r: await postJson<ImagePruneResponse>(`/api/hosts/${encodeURIComponent(h.id)}/images/prune${all ? '?all=1' : ''}`) })),
      );
      const deleted = results.reduce((n, { host, r }) => n + (r.ImagesDeleted ?? []).filter((d) => d.Deleted && known.has(rowKey(host, d.Deleted))).length, 0);
      const space = results.reduce((n, { r }) => n + (r.SpaceReclaimed ?? 0), 0);
      props.onResult(`Pruned ${deleted} image${deleted === 1 ? '' : 's'}, reclaimed ${humanSize(space)}`);
    } catch (e) {
      props.onError(`prune: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return html`<span class="prune">
    <button data-action="prune-dangling" disabled=${busy} onClick=${() => void prune(false)}>prune dangling</button>
    <button data-action="prune-all" disabled=${busy} onClick=${() => void prune(true)}>prune all unused</button>
  </span>`;
}

function ImagesPage() {
  const store = useImages();
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [result, setResult] = useState<string | undefined>();
  const showHost = session().hosts.length > 1;
  const all = useMemo(() => imageRows(store), [store.version]);
  const rows = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    const list = [...all.values()].filter((r) => {
      if (!words.length) return true;
      const text = `${imageNames(r).join(' ')} ${shortId(r.Id)} ${hostLabel(r.host)}`.toLowerCase();
      return words.every((w) => text.includes(w));
    });
    list.sort((a, b) => b.Created - a.Created || imageNames(a)[0].localeCompare(imageNames(b)[0]));
    return list;
  }, [all, filter]);
  return html`<div class="images-page">
    <div class="toolbar">
      <input type="search" placeholder="Filter: repository, tag, id, host…" value=${filter} onInput=${(e: Event) => setFilter((e.target as HTMLInputElement).value)} />
      <span class="muted count">${rows.length} of ${all.size} images</span>
      <${PullForm} />
      <${PruneButtons} onResult=${setResult} onError=${setError} />
    </div>
    ${[...store.down].map(([h, err]) => html`<p class="error">${hostLabel(h)}: ${err}</p>`)}
    ${result ? html`<p class="result prune-result" onClick=${() => setResult(undefined)}>${result}</p>` : null}
    ${error ? html`<p class="error action-error" onClick=${() => setError(undefined)}>${error}</p>` : null}
    <${PullProgress} />
    ${store.allLoaded
      ? html`<table class="list images">
          <thead><tr><th>Repository:tag</th>${showHost ? html`<th>Host</th>` : null}<th>ID</th><th>Created</th><th>Size</th><th>Containers</th><th>Actions</th></tr></thead>
          <tbody>${rows.map((r) => html`<${Row} key=${`${r.host}/${r.Id}`} row=${r} showHost=${showHost} onError=${setError} />`)}</tbody>
        </table>`
      : html`<p class="notice">Loading images…</p>`}
  </div>`;
}

export const page: PageDef = { path: '/images', title: 'Images', nav: true, component: ImagesPage };
