// The registry pages: the registries the dashboard browses (--registry, or logged in to here),
// each with its repositories and their tag counts; one repository's tags (digest, size, media
// type, platforms, created); one manifest (layers, config, history, the raw JSON). A tag's
// manifest can be deleted (by digest: every tag on it goes). The dashboard server does the
// registry's protocol (server/registry.ts); this page asks it once per view and after an action.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { ConfigView, ManifestView, PlatformRow, RegistryInfo, RepositoryPage, RepositoryRow, TagList, TagRow } from '../../registry-view.js';
import { formatBytes } from '../components/sparkline.js';
import { href } from '../router.js';
import { getJson, send } from '../session.js';
import type { PageDef } from './index.js';

const api = (...parts: string[]) => `/api/registries/${parts.map(encodeURIComponent).join('/')}`;
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const short = (digest?: string) => (digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '');
const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '');
const size = (n?: number) => (n === undefined ? '' : formatBytes(n));
const mediaShort = (t?: string) => (t ?? '').replace(/^application\/vnd\./, '').replace(/\+json$/, '');

/** A GET the view depends on: loaded again when `deps` change or `reload()` is called. */
function useFetched<T>(url: string | undefined, deps: unknown[]): { data?: T; error?: string; reload: () => void } {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!url) return;
    let live = true;
    setError(undefined);
    getJson<T>(url).then(
      (d) => live && setData(d),
      (e: unknown) => live && setError(errText(e)),
    );
    return () => {
      live = false;
    };
  }, [url, round, ...deps]);
  return { data, error, reload: () => setRound((r) => r + 1) };
}

function LoginForm(props: { onDone: () => void }) {
  const [registry, setRegistry] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await send('POST', api('login'), { registry: registry.trim(), username, password });
      // The password stays in the dashboard server's memory for this session, not in the page.
      setPassword('');
      props.onDone();
    } catch (x) {
      setError(`log in to ${registry}: ${errText(x)}`);
    } finally {
      setBusy(false);
    }
  };
  const input = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  return html`<form class="toolbar registry-login" onSubmit=${submit}>
    <input name="registry" type="text" placeholder="registry host[:port]" value=${registry} onInput=${input(setRegistry)} required />
    <input name="username" type="text" placeholder="user" autocomplete="username" value=${username} onInput=${input(setUsername)} required />
    <input name="password" type="password" placeholder="password" autocomplete="current-password" value=${password} onInput=${input(setPassword)} required />
    <button type="submit" disabled=${busy}>${busy ? '…' : 'Log in'}</button>
    ${error ? html`<span class="error">${error}</span>` : null}
  </form>`;
}

/** Opens a repository by name: the way in on registries without a catalog (Docker Hub, ghcr.io). */
function OpenRepository(props: { registry: string }) {
  const [name, setName] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    if (name.trim()) location.hash = href('registry', props.registry, name.trim());
  };
  return html`<form class="toolbar open-repo" onSubmit=${submit}>
    <input name="repository" type="text" placeholder="repository, e.g. library/busybox" value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />
    <button type="submit">open</button>
  </form>`;
}

function Repositories(props: { registry: RegistryInfo; onLogout: () => void }) {
  const reg = props.registry.host;
  const [rows, setRows] = useState<RepositoryRow[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const load = async (last?: string) => {
    setLoading(true);
    try {
      const page = await getJson<RepositoryPage>(`${api(reg, 'repositories')}${last ? `?last=${encodeURIComponent(last)}` : ''}`);
      setRows((r) => (last ? [...r, ...page.repositories] : page.repositories));
      setNext(page.next);
      setError(undefined);
    } catch (e) {
      setError(errText(e));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void load(), [reg, props.registry.user]);
  const logout = async () => {
    await send('POST', api(reg, 'logout'));
    props.onLogout();
  };
  const who = props.registry.user ? `as ${props.registry.user}${props.registry.auth === 'config' ? ' (docker config)' : ''}` : 'anonymous';
  return html`<section class="registry" data-registry=${reg}>
    <h3>${reg} <span class="muted">${who}</span> ${props.registry.auth === 'page' ? html`<button class="logout" onClick=${() => void logout()}>log out</button>` : null}</h3>
    <${OpenRepository} registry=${reg} />
    ${error ? html`<p class="error">${error}</p>` : null}
    <table class="list repositories">
      <thead><tr><th>Repository</th><th>Tags</th></tr></thead>
      <tbody>${rows.map(
        (r) => html`<tr data-repo=${r.name} data-tags=${r.tags ?? ''}>
          <td class="name"><a href=${href('registry', reg, r.name)}>${r.name}</a></td>
          <td>${r.error ? html`<span class="error">${r.error}</span>` : r.tags}</td>
        </tr>`,
      )}</tbody>
    </table>
    ${loading ? html`<p class="muted">Loading…</p>` : !rows.length && !error ? html`<p class="muted">No repositories.</p>` : null}
    ${next && !loading ? html`<button class="more" onClick=${() => void load(next)}>more</button>` : null}
  </section>`;
}

function RegistriesPage() {
  const { data, error, reload } = useFetched<RegistryInfo[]>(api(''), []);
  return html`<div class="registries">
    <${LoginForm} onDone=${reload} />
    ${error ? html`<p class="error">${error}</p>` : null}
    ${data && !data.length ? html`<p class="notice">No registry yet: start the dashboard with <code>--registry HOST[:PORT]</code>, or log in to one above.</p>` : null}
    ${(data ?? []).map((r) => html`<${Repositories} key=${r.host} registry=${r} onLogout=${reload} />`)}
  </div>`;
}

/** Deletes a manifest by digest after asking; every tag naming it goes with it. */
async function deleteDigest(reg: string, repo: string, digest: string, tags: string[]): Promise<boolean> {
  const also = tags.length > 1 ? ` (tags ${tags.join(', ')} name it: all of them go)` : '';
  if (!confirm(`Delete ${repo}:${tags[0] ?? digest} (${digest}) from ${reg}${also}?`)) return false;
  await send('DELETE', api(reg, 'repositories', repo, 'manifests', digest));
  return true;
}

function Platforms(props: { reg: string; repo: string; rows: PlatformRow[] }) {
  return html`<span class="platforms">${props.rows.map(
    (p) => html`<a class="platform" data-platform=${p.platform} href=${href('registry', props.reg, props.repo, p.digest)} title=${p.error ?? p.digest}>${p.platform}</a> <span class="muted">${p.error ? '(error)' : size(p.size)}</span> `,
  )}</span>`;
}

function RepositoryTags(props: { params: Record<string, string> }) {
  const { reg, repo } = props.params;
  const { data, error, reload } = useFetched<TagList>(api(reg, 'repositories', repo, 'tags'), []);
  const [actionError, setActionError] = useState<string | undefined>();
  const remove = async (t: TagRow) => {
    if (!t.digest) return;
    setActionError(undefined);
    try {
      const sameDigest = (data?.tags ?? []).filter((x) => x.digest === t.digest).map((x) => x.tag);
      if (await deleteDigest(reg, repo, t.digest, [t.tag, ...sameDigest.filter((x) => x !== t.tag)])) reload();
    } catch (e) {
      setActionError(`delete ${repo}:${t.tag}: ${errText(e)}`);
    }
  };
  const anyIndex = (data?.tags ?? []).some((t) => t.platforms);
  return html`<div class="registry-repo" data-registry=${reg} data-repo=${repo}>
    <h2><a href="#/registry">${reg}</a> / ${repo}</h2>
    ${error ? html`<p class="error">${error}</p>` : null}
    ${actionError ? html`<p class="error action-error">${actionError}</p>` : null}
    ${!data && !error ? html`<p class="muted">Loading…</p>` : null}
    ${data
      ? html`<table class="list tags">
          <thead><tr><th>Tag</th><th>Digest</th><th>Size</th><th>Media type</th>${anyIndex ? html`<th>Platforms</th>` : null}<th>Created</th><th></th></tr></thead>
          <tbody>${data.tags.map(
            (t) => html`<tr data-tag=${t.tag} data-digest=${t.digest ?? ''}>
              <td class="name"><a href=${href('registry', reg, repo, t.tag)}>${t.tag}</a></td>
              <td><code title=${t.digest}>${short(t.digest)}</code></td>
              <td class="size">${t.platforms ? '' : size(t.size)}</td>
              <td class="muted">${mediaShort(t.mediaType)}</td>
              ${anyIndex ? html`<td>${t.platforms ? html`<${Platforms} reg=${reg} repo=${repo} rows=${t.platforms} />` : ''}</td>` : null}
              <td>${when(t.created)}</td>
              <td>${t.error ? html`<span class="error">${t.error}</span>` : html`<button data-action="delete" onClick=${() => void remove(t)}>delete</button>`}</td>
            </tr>`,
          )}</tbody>
        </table>
        ${data.tags.length ? null : html`<p class="muted">No tags.</p>`}`
      : null}
  </div>`;
}

function Config(props: { c: ConfigView }) {
  const c = props.c;
  const line = (k: string, v?: string | string[]) => (v === undefined || (Array.isArray(v) && !v.length) ? null : html`<tr><th>${k}</th><td><code>${Array.isArray(v) ? JSON.stringify(v) : v}</code></td></tr>`);
  return html`<section class="config">
    <h3>Config <code class="muted" title=${c.digest}>${short(c.digest)}</code></h3>
    <table class="kv">
      ${line('created', when(c.created))} ${line('platform', [c.os, c.architecture].filter(Boolean).join('/'))} ${line('entrypoint', c.entrypoint)} ${line('cmd', c.cmd)}
      ${line('working dir', c.workingDir)} ${line('user', c.user)} ${line('ports', c.exposedPorts)}
    </table>
    ${c.env?.length ? html`<h4>Env</h4><ul class="env">${c.env.map((e) => html`<li><code>${e}</code></li>`)}</ul>` : null}
    ${c.labels && Object.keys(c.labels).length
      ? html`<h4>Labels</h4><table class="list labels">${Object.entries(c.labels).map(([k, v]) => html`<tr><td><code>${k}</code></td><td><code>${v}</code></td></tr>`)}</table>`
      : null}
    ${c.history?.length
      ? html`<h4>History</h4><table class="list history">
          <thead><tr><th>Created</th><th>Created by</th><th></th></tr></thead>
          <tbody>${c.history.map((h) => html`<tr><td>${when(h.created)}</td><td class="created-by"><code>${h.createdBy ?? ''}</code></td><td class="muted">${h.emptyLayer ? 'no layer' : ''}${h.comment ? ` ${h.comment}` : ''}</td></tr>`)}</tbody>
        </table>`
      : null}
  </section>`;
}

function ManifestPage(props: { params: Record<string, string> }) {
  const { reg, repo, ref } = props.params;
  const { data, error } = useFetched<ManifestView>(api(reg, 'repositories', repo, 'manifests', ref), []);
  const [deleted, setDeleted] = useState(false);
  const [actionError, setActionError] = useState<string | undefined>();
  const remove = async () => {
    if (!data) return;
    setActionError(undefined);
    try {
      if (await deleteDigest(reg, repo, data.digest, ref.includes(':') ? [] : [ref])) setDeleted(true);
    } catch (e) {
      setActionError(`delete ${repo}@${data.digest}: ${errText(e)}`);
    }
  };
  return html`<div class="registry-manifest" data-digest=${data?.digest ?? ''}>
    <h2><a href="#/registry">${reg}</a> / <a href=${href('registry', reg, repo)}>${repo}</a> ${ref.includes(':') ? `@ ${short(ref)}` : `: ${ref}`}</h2>
    ${error ? html`<p class="error">${error}</p>` : null}
    ${!data && !error ? html`<p class="muted">Loading…</p>` : null}
    ${data
      ? html`<p class="muted"><code>${data.digest}</code> · ${data.mediaType} · manifest ${formatBytes(data.manifestSize)}${data.size !== undefined ? ` · layers ${formatBytes(data.size)}` : ''}</p>
          ${deleted ? html`<p class="deleted">Deleted.</p>` : html`<button data-action="delete" onClick=${() => void remove()}>delete manifest</button>`}
          ${actionError ? html`<p class="error action-error">${actionError}</p>` : null}
          ${data.platforms
            ? html`<h3>Platforms</h3><table class="list platforms">
                <thead><tr><th>Platform</th><th>Digest</th><th>Size</th><th>Created</th></tr></thead>
                <tbody>${data.platforms.map(
                  (p) => html`<tr data-platform=${p.platform}><td class="name"><a href=${href('registry', reg, repo, p.digest)}>${p.platform}</a></td><td><code>${short(p.digest)}</code></td><td>${size(p.size)}</td><td>${p.error ? html`<span class="error">${p.error}</span>` : when(p.created)}</td></tr>`,
                )}</tbody>
              </table>`
            : null}
          ${data.layers
            ? html`<h3>Layers</h3><table class="list layers">
                <thead><tr><th>#</th><th>Digest</th><th>Size</th><th>Media type</th></tr></thead>
                <tbody>${data.layers.map((l, i) => html`<tr data-layer=${l.digest}><td>${i + 1}</td><td><code title=${l.digest}>${l.digest}</code></td><td>${formatBytes(l.size)}</td><td class="muted">${mediaShort(l.mediaType)}</td></tr>`)}</tbody>
              </table>`
            : null}
          ${data.config ? html`<${Config} c=${data.config} />` : null}
          <details><summary>Manifest JSON</summary><pre class="json">${JSON.stringify(data.raw, null, 2)}</pre></details>`
      : null}
  </div>`;
}

export const page: PageDef = { path: '/registry', title: 'Registry', nav: true, component: RegistriesPage };
export const repositoryPage: PageDef = { path: '/registry/:reg/:repo', title: 'Repository', component: RepositoryTags };
export const manifestPage: PageDef = { path: '/registry/:reg/:repo/:ref', title: 'Manifest', component: ManifestPage };
