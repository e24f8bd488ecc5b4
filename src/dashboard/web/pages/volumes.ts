// The volumes of every engine, live (relays/resources.ts): name, driver, mountpoint, size, the
// containers that mount it (linked to their pages), labels, created. Create, remove (force) and
// prune are POSTs (routes/volumes.ts); the list changes by the engine's events, not by the answer.
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import type { VolumePruneResponse } from '../../../api-types/volumes.js';
import type { VolumeRow } from '../../protocol.js';
import { formatBytes } from '../components/sparkline.js';
import { href } from '../router.js';
import { hostLabel, post, postJson, session } from '../session.js';
import { useHostLists } from '../stores/host-lists.js';
import { useBusyAction } from '../components/busy-action.js';
import type { PageDef } from './index.js';

const api = (host: string, ...parts: string[]) => `/api/hosts/${encodeURIComponent(host)}/${parts.map(encodeURIComponent).join('/')}`;

export function Labels(props: { labels?: Record<string, string> | null }) {
  const entries = Object.entries(props.labels ?? {});
  if (!entries.length) return null;
  return html`<span class="labels">${entries.map(([k, v]) => html`<span class="label" title=${`${k}=${v}`}>${k}${v ? `=${v}` : ''}</span>`)}</span>`;
}

export const created = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '');

function VolumesPage() {
  const lists = useHostLists('volumes');
  const hosts = session().hosts;
  const [host, setHost] = useState(hosts[0].id);
  const [filter, setFilter] = useState('');
  const [name, setName] = useState('');
  const [force, setForce] = useState(false);
  const [pruneAll, setPruneAll] = useState(false);
  const { busy, run, shown } = useBusyAction();
  const showHost = hosts.length > 1;
  const rows = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    const out: (VolumeRow & { host: string })[] = [];
    for (const [h, items] of lists.items) {
      for (const v of items.values()) {
        const text = `${v.Name} ${v.Driver} ${hostLabel(h)} ${v.users.map((u) => u.name).join(' ')} ${Object.entries(v.Labels ?? {}).flat().join(' ')}`.toLowerCase();
        if (words.every((w) => text.includes(w))) out.push({ ...v, host: h });
      }
    }
    return out.sort((a, b) => a.Name.localeCompare(b.Name) || a.host.localeCompare(b.host));
  }, [lists.version, filter]);

  const create = (e: Event) => {
    e.preventDefault();
    void run('create', async () => {
      await postJson(`${api(host, 'volumes', 'create')}?${new URLSearchParams({ name: name.trim() })}`);
      setName('');
      return undefined;
    });
  };
  const remove = (v: VolumeRow & { host: string }) => {
    if (!confirm(`Remove volume ${v.Name}${force ? ' (force)' : ''}? Its data is deleted.`)) return;
    void run(`remove ${v.Name}`, async () => {
      await post(`${api(v.host, 'volumes', v.Name, 'remove')}${force ? '?force=1' : ''}`);
      return undefined;
    });
  };
  const prune = () => {
    if (!confirm(`Remove every ${pruneAll ? '' : 'anonymous '}volume no container uses on ${hostLabel(host)}?`)) return;
    void run('prune', async () => {
      const r = await postJson<VolumePruneResponse>(`${api(host, 'volumes', 'prune')}${pruneAll ? '?all=1' : ''}`);
      const gone = r.VolumesDeleted ?? [];
      return `Pruned ${gone.length} volume${gone.length === 1 ? '' : 's'}${gone.length ? ` (${gone.join(', ')})` : ''}, reclaimed ${formatBytes(r.SpaceReclaimed ?? 0)}.`;
    });
  };

  if (hosts.every((h) => !lists.loaded.has(h.id))) return html`<p class="notice">Loading volumes…</p>`;
  const total = [...lists.items.values()].reduce((n, m) => n + m.size, 0);
  return html`<div class="volumes-page">
    <div class="toolbar">
      <input type="search" placeholder="Filter: name, driver, user, label…" value=${filter} onInput=${(e: Event) => setFilter((e.target as HTMLInputElement).value)} />
      <span class="muted count">${rows.length} of ${total} volumes</span>
      ${[...lists.down].map(([h, err]) => html`<span class="error">${hostLabel(h)}: ${err}</span>`)}
    </div>
    <form class="toolbar create-form volume-create" onSubmit=${create}>
      ${showHost ? html`<select value=${host} onChange=${(e: Event) => setHost((e.target as HTMLSelectElement).value)}>${hosts.map((h) => html`<option value=${h.id}>${h.label}</option>`)}</select>` : null}
      <input class="volume-name" placeholder="new volume name (empty: anonymous)" value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />
      <button type="submit" class="volume-create" disabled=${busy !== undefined}>${busy === 'create' ? '…' : 'create'}</button>
      <span class="sep"></span>
      <button type="button" class="volume-prune" disabled=${busy !== undefined} onClick=${prune}>${busy === 'prune' ? '…' : 'prune'}</button>
      <label><input type="checkbox" checked=${pruneAll} onChange=${(e: Event) => setPruneAll((e.target as HTMLInputElement).checked)} /> named ones too</label>
      <span class="sep"></span>
      <label title="docker volume rm --force"><input type="checkbox" class="volume-force" checked=${force} onChange=${(e: Event) => setForce((e.target as HTMLInputElement).checked)} /> force removal</label>
    </form>
    ${shown}
    <table class="list volumes">
      <thead><tr><th>Name</th>${showHost ? html`<th>Host</th>` : null}<th>Driver</th><th>Mountpoint</th><th>Size</th><th>Used by</th><th>Labels</th><th>Created</th><th>Actions</th></tr></thead>
      <tbody>${rows.map(
        (v) => html`<tr key=${`${v.host}/${v.Name}`} data-name=${v.Name} data-users=${v.users.length} data-size=${v.size}>
          <td class="name" title=${v.Name}>${v.Name.length > 40 ? `${v.Name.slice(0, 12)}…` : v.Name}</td>
          ${showHost ? html`<td>${hostLabel(v.host)}</td>` : null}
          <td>${v.Driver}</td>
          <td class="muted mono" title=${v.Mountpoint}>${v.Mountpoint}</td>
          <td class="size">${v.size >= 0 ? formatBytes(v.size) : html`<span class="muted">n/a</span>`}</td>
          <td class="users">${v.users.length ? v.users.map((u) => html`<a href=${href('containers', v.host, u.id)}>${u.name}</a> `) : html`<span class="muted">none</span>`}</td>
          <td><${Labels} labels=${v.Labels} /></td>
          <td class="muted">${created(v.CreatedAt)}</td>
          <td><button data-action="remove" disabled=${busy !== undefined} onClick=${() => remove(v)}>${busy === `remove ${v.Name}` ? '…' : 'remove'}</button></td>
        </tr>`,
      )}</tbody>
    </table>
  </div>`;
}

export const page: PageDef = { path: '/volumes', title: 'Volumes', nav: true, component: VolumesPage };
