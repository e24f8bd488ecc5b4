// One image: its tags (tag it anew, remove a tag), remove (force to remove it even when in use or
// tagged in several repositories), the config a container starts from, its layers (RootFS diff
// ids) and its history. The row comes from the live list; inspect and history are fetched again
// when the row changes (a new tag, a container created from it).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { ago, humanSize } from '../../../cli/format/units.js';
import type { ImageDetail } from '../../protocol.js';
import { getJson, hostLabel, post } from '../session.js';
import { findImage, useImages, type ImageRow } from '../stores/images.js';
import { imageNames, imagePath } from './images.js';
import type { PageDef } from './index.js';

const list = (v: string[] | null | undefined) => (v?.length ? html`<code>${JSON.stringify(v)}</code>` : html`<span class="muted">—</span>`);

function ConfigTable(props: { detail: ImageDetail }) {
  const c = props.detail.inspect.Config ?? {};
  const ports = Object.keys((c.ExposedPorts as Record<string, unknown> | undefined) ?? {});
  const labels = Object.entries(c.Labels ?? {});
  return html`<table class="kv config">
    <tr><th>Cmd</th><td>${list(c.Cmd)}</td></tr>
    <tr><th>Entrypoint</th><td>${list(c.Entrypoint)}</td></tr>
    <tr><th>Working dir</th><td>${(c.WorkingDir as string | undefined) || html`<span class="muted">—</span>`}</td></tr>
    <tr><th>User</th><td>${(c.User as string | undefined) || html`<span class="muted">—</span>`}</td></tr>
    <tr><th>Env</th><td>${c.Env?.length ? c.Env.map((e) => html`<div><code>${e}</code></div>`) : html`<span class="muted">—</span>`}</td></tr>
    <tr><th>Exposed ports</th><td>${ports.length ? ports.join(', ') : html`<span class="muted">—</span>`}</td></tr>
    <tr><th>Labels</th><td>${labels.length ? labels.map(([k, v]) => html`<div><code>${k}=${v}</code></div>`) : html`<span class="muted">—</span>`}</td></tr>
    <tr><th>Platform</th><td>${props.detail.inspect.Os ?? '?'}/${props.detail.inspect.Architecture ?? '?'}</td></tr>
  </table>`;
}

function History(props: { detail: ImageDetail }) {
  // The Engine API's history has no empty-layer flag (the image config's `empty_layer` is not
  // passed on); an entry that added no bytes is a metadata step (ENV, CMD, LABEL…).
  return html`<table class="list history">
    <thead><tr><th>Created</th><th>Created by</th><th>Size</th><th>Comment</th></tr></thead>
    <tbody>${props.detail.history.map(
      (h) => html`<tr class=${h.Size === 0 ? 'empty-layer' : ''}>
        <td class="muted">${h.Created ? ago(h.Created) : '—'}</td>
        <td class="created-by"><code>${h.CreatedBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, '')}</code></td>
        <td>${h.Size === 0 ? html`<span class="muted">empty layer</span>` : humanSize(h.Size, 3)}</td>
        <td class="muted">${h.Comment}</td>
      </tr>`,
    )}</tbody>
  </table>`;
}

function Actions(props: { row: ImageRow; onError: (m: string | undefined) => void }) {
  const { row } = props;
  const [target, setTarget] = useState('');
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState(false);
  const run = async (what: string, call: () => Promise<void>) => {
    setBusy(true);
    props.onError(undefined);
    try {
      await call();
    } catch (e) {
      props.onError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };
  const tag = (e: Event) => {
    e.preventDefault();
    const ref = target.trim();
    if (!ref) return;
    void run(`tag ${ref}`, async () => {
      await post(`${imagePath(row.host, row.Id)}/tag?ref=${encodeURIComponent(ref)}`);
      setTarget('');
    });
  };
  const remove = () => {
    if (!confirm(`Remove ${imageNames(row).join(', ')}${force ? ' (forced)' : ''}?`)) return;
    void run('remove', async () => {
      await post(`${imagePath(row.host, row.Id)}/remove${force ? '?force=1' : ''}`);
      location.hash = '#/images';
    });
  };
  return html`<div class="image-actions">
    <form class="tag-form" onSubmit=${tag}>
      <input class="tag-ref" placeholder="repository[:tag]" value=${target} onInput=${(e: Event) => setTarget((e.target as HTMLInputElement).value)} />
      <button type="submit" data-action="tag" disabled=${busy || !target.trim()}>tag</button>
    </form>
    <span class="remove-box">
      <label><input type="checkbox" class="force" checked=${force} onChange=${(e: Event) => setForce((e.target as HTMLInputElement).checked)} /> force</label>
      <button data-action="remove" disabled=${busy} onClick=${remove}>remove image</button>
    </span>
  </div>`;
}

function Tags(props: { row: ImageRow; onError: (m: string | undefined) => void }) {
  const tags = (props.row.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  if (!tags.length) return html`<p class="muted">No tags (a dangling image).</p>`;
  const untag = async (t: string) => {
    if (!confirm(`Remove the tag ${t}?${tags.length === 1 ? ' It is the last one: the image goes too unless a container uses it.' : ''}`)) return;
    try {
      await post(`${imagePath(props.row.host, t)}/remove`);
    } catch (e) {
      props.onError(`remove ${t}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return html`<ul class="tags">${tags.map((t) => html`<li data-tag=${t}><code>${t}</code> <button data-action="untag" title="remove this tag" onClick=${() => void untag(t)}>untag</button></li>`)}</ul>`;
}

function ImagePage(props: { params: Record<string, string> }) {
  const { host, id } = props.params;
  const store = useImages();
  const row = findImage(store, host, id);
  const [detail, setDetail] = useState<ImageDetail | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  // Read again when the row changes: its tags are in inspect too.
  const version = row ? JSON.stringify(row.RepoTags) : '';
  useEffect(() => {
    if (!row) return;
    getJson<ImageDetail>(`${imagePath(host, row.Id)}/json`).then(
      (d) => {
        setDetail(d);
        setLoadError(undefined);
      },
      (e: Error) => setLoadError(e.message),
    );
  }, [host, row?.Id, version]);
  if (!store.allLoaded) return html`<p class="notice">Loading…</p>`;
  if (!row) return html`<p class="notice">No image ${id} on ${hostLabel(host)} (it may have been removed). <a href="#/images">All images</a></p>`;
  const layers = detail?.inspect.RootFS?.Layers ?? [];
  return html`<div class="image-page" data-id=${row.Id}>
    <h2>${imageNames(row)[0]}</h2>
    <p class="muted"><code>${row.Id}</code> · ${hostLabel(host)} · ${humanSize(row.Size, 3)} · created ${ago(row.Created)} · <span class="users">${row.Containers ?? 0}</span> container${row.Containers === 1 ? '' : 's'}</p>
    <${Actions} row=${row} onError=${setError} />
    ${error ? html`<p class="error action-error">${error}</p>` : null}
    <h3>Tags</h3>
    <${Tags} row=${row} onError=${setError} />
    ${loadError ? html`<p class="error">${loadError}</p>` : null}
    ${detail
      ? html`<h3>Config</h3>
          <${ConfigTable} detail=${detail} />
          <h3>Layers <span class="muted">(${layers.length})</span></h3>
          <ol class="layers">${layers.map((l) => html`<li><code>${l}</code></li>`)}</ol>
          <h3>History</h3>
          <${History} detail=${detail} />
          <details><summary>inspect JSON</summary><pre class="json">${JSON.stringify(detail.inspect, null, 2)}</pre></details>`
      : loadError
        ? null
        : html`<p class="muted">Loading…</p>`}
  </div>`;
}

export const page: PageDef = { path: '/images/:host/:id', title: 'Image', component: ImagePage };
