// The networks of every engine, live (relays/resources.ts): driver, scope, subnets and gateways
// (IPv4 and IPv6), flags, and the attached containers with their addresses and MAC. A network's
// page (#/networks/HOST/ID) shows the same in full and connects or disconnects containers.
// Create, remove, prune, connect and disconnect are POSTs (routes/networks.ts); what they change
// comes back by the engine's network events.
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import type { NetworkPruneResponse } from '../../../api-types/networks.js';
import type { NetworkRow } from '../../protocol.js';
import { href } from '../router.js';
import { hostLabel, post, postJson, session } from '../session.js';
import { useContainers } from '../stores/containers.js';
import { useHostLists } from '../stores/host-lists.js';
import { useBusyAction } from '../components/busy-action.js';
import type { PageDef } from './index.js';
import { Labels, created } from './volumes.js';

const api = (host: string, ...parts: string[]) => `/api/hosts/${encodeURIComponent(host)}/${parts.map(encodeURIComponent).join('/')}`;

/** Docker's own networks: the engine refuses to remove them, so the page offers no button. */
const PREDEFINED = new Set(['bridge', 'host', 'none']);

type HostNetwork = NetworkRow & { host: string };

function Subnets(props: { n: NetworkRow }) {
  const cfg = props.n.IPAM?.Config ?? [];
  if (!cfg.length) return html`<span class="muted">—</span>`;
  return html`${cfg.map((c) => html`<div class="subnet">${c.Subnet}${c.Gateway ? html` <span class="muted">gw ${c.Gateway}</span>` : null}</div>`)}`;
}

function Flags(props: { n: NetworkRow }) {
  const { n } = props;
  const flags = [n.Internal && 'internal', n.Attachable && 'attachable', n.EnableIPv6 && 'IPv6', n.Ingress && 'ingress'].filter(Boolean);
  return html`${flags.map((f) => html`<span class="label">${f}</span>`)}`;
}

const attached = (n: NetworkRow) => Object.entries(n.Containers ?? {}).sort((a, b) => (a[1].Name ?? '').localeCompare(b[1].Name ?? ''));

function NetworksPage() {
  const lists = useHostLists('networks');
  const hosts = session().hosts;
  const [host, setHost] = useState(hosts[0].id);
  const [filter, setFilter] = useState('');
  const [form, setForm] = useState({ name: '', driver: 'bridge', subnet: '', gateway: '', internal: false, attachable: false });
  const { busy, run, shown } = useBusyAction();
  const showHost = hosts.length > 1;
  const rows = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    const out: HostNetwork[] = [];
    for (const [h, items] of lists.items) {
      for (const n of items.values()) {
        const text = `${n.Name} ${n.Driver} ${hostLabel(h)} ${(n.IPAM?.Config ?? []).map((c) => c.Subnet).join(' ')} ${attached(n).map(([, c]) => `${c.Name} ${c.IPv4Address} ${c.IPv6Address}`).join(' ')}`.toLowerCase();
        if (words.every((w) => text.includes(w))) out.push({ ...n, host: h });
      }
    }
    return out.sort((a, b) => a.Name.localeCompare(b.Name) || a.host.localeCompare(b.host));
  }, [lists.version, filter]);

  const create = (e: Event) => {
    e.preventDefault();
    void run('create', async () => {
      const q = new URLSearchParams({ name: form.name.trim(), driver: form.driver, subnet: form.subnet.trim(), gateway: form.gateway.trim() });
      if (form.internal) q.set('internal', '1');
      if (form.attachable) q.set('attachable', '1');
      await postJson(`${api(host, 'networks', 'create')}?${q}`);
      setForm({ ...form, name: '', subnet: '', gateway: '' });
      return undefined;
    });
  };
  const prune = () => {
    if (!confirm(`Remove every network no container uses on ${hostLabel(host)}?`)) return;
    void run('prune', async () => {
      const gone = (await postJson<NetworkPruneResponse>(api(host, 'networks', 'prune'))).NetworksDeleted ?? [];
      return `Pruned ${gone.length} network${gone.length === 1 ? '' : 's'}${gone.length ? ` (${gone.join(', ')})` : ''}.`;
    });
  };
  const input = (key: 'name' | 'subnet' | 'gateway', placeholder: string) =>
    html`<input class=${`network-${key}`} placeholder=${placeholder} value=${form[key]} onInput=${(e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value })} />`;
  const check = (key: 'internal' | 'attachable') =>
    html`<label><input type="checkbox" checked=${form[key]} onChange=${(e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).checked })} /> ${key}</label>`;

  if (hosts.every((h) => !lists.loaded.has(h.id))) return html`<p class="notice">Loading networks…</p>`;
  const total = [...lists.items.values()].reduce((n, m) => n + m.size, 0);
  return html`<div class="networks-page">
    <div class="toolbar">
      <input type="search" placeholder="Filter: name, driver, subnet, container, address…" value=${filter} onInput=${(e: Event) => setFilter((e.target as HTMLInputElement).value)} />
      <span class="muted count">${rows.length} of ${total} networks</span>
      ${[...lists.down].map(([h, err]) => html`<span class="error">${hostLabel(h)}: ${err}</span>`)}
    </div>
    <form class="toolbar create-form network-create" onSubmit=${create}>
      ${showHost ? html`<select value=${host} onChange=${(e: Event) => setHost((e.target as HTMLSelectElement).value)}>${hosts.map((h) => html`<option value=${h.id}>${h.label}</option>`)}</select>` : null}
      ${input('name', 'new network name')}
      <select class="network-driver" value=${form.driver} onChange=${(e: Event) => setForm({ ...form, driver: (e.target as HTMLSelectElement).value })}><option value="bridge">bridge</option></select>
      ${input('subnet', 'subnet (optional), 10.9.0.0/24')}
      ${input('gateway', 'gateway (optional)')}
      ${check('internal')} ${check('attachable')}
      <button type="submit" class="network-create" disabled=${busy !== undefined || !form.name.trim()}>${busy === 'create' ? '…' : 'create'}</button>
      <span class="sep"></span>
      <button type="button" class="network-prune" disabled=${busy !== undefined} onClick=${prune}>${busy === 'prune' ? '…' : 'prune'}</button>
    </form>
    ${shown}
    <table class="list networks">
      <thead><tr><th>Name</th>${showHost ? html`<th>Host</th>` : null}<th>Driver</th><th>Scope</th><th>Subnets</th><th>Flags</th><th>Containers</th><th>Actions</th></tr></thead>
      <tbody>${rows.map(
        (n) => html`<tr key=${`${n.host}/${n.Id}`} data-name=${n.Name} data-containers=${attached(n).length}>
          <td class="name"><a href=${href('networks', n.host, n.Id)}>${n.Name}</a></td>
          ${showHost ? html`<td>${hostLabel(n.host)}</td>` : null}
          <td>${n.Driver}</td>
          <td>${n.Scope}</td>
          <td><${Subnets} n=${n} /></td>
          <td><${Flags} n=${n} /></td>
          <td class="attached">${attached(n).map(
            ([id, c]) => html`<div data-container=${c.Name}><a href=${href('containers', n.host, id)}>${c.Name}</a> <span class="muted">${[c.IPv4Address, c.IPv6Address].filter(Boolean).join(' ')}</span></div>`,
          )}</td>
          <td>${PREDEFINED.has(n.Name) ? null : html`<button data-action="remove" disabled=${busy !== undefined} onClick=${() => confirm(`Remove network ${n.Name}?`) && void run(`remove ${n.Name}`, async () => void (await post(api(n.host, 'networks', n.Id, 'remove'))))}>remove</button>`}</td>
        </tr>`,
      )}</tbody>
    </table>
  </div>`;
}

function NetworkPage(props: { params: Record<string, string> }) {
  const { host, id } = props.params;
  const lists = useHostLists('networks');
  const containers = useContainers();
  const [pick, setPick] = useState('');
  const { busy, run, shown } = useBusyAction();
  if (!lists.loaded.has(host)) return html`<p class="notice">Loading…</p>`;
  const items = lists.items.get(host);
  const n = items?.get(id) ?? [...(items?.values() ?? [])].find((x) => x.Name === id);
  if (!n) return html`<p class="notice">No network ${id} on ${hostLabel(host)} (it may have been removed). <a href="#/networks">All networks</a></p>`;
  const list = attached(n);
  const candidates = [...containers.rows.values()]
    .filter((r) => r.host === host && !(n.Containers ?? {})[r.Id])
    .map((r) => ({ id: r.Id, name: r.Names?.[0]?.replace(/^\//, '') ?? r.Id.slice(0, 12) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const connect = (e: Event) => {
    e.preventDefault();
    const c = pick || candidates[0]?.id;
    if (!c) return;
    void run('connect', async () => {
      await post(`${api(host, 'networks', n.Id, 'connect')}?${new URLSearchParams({ container: c })}`);
      setPick('');
      return undefined;
    });
  };
  const disconnect = (cid: string, name: string) =>
    void run(`disconnect ${name}`, async () => {
      await post(`${api(host, 'networks', n.Id, 'disconnect')}?${new URLSearchParams({ container: cid })}`);
      return undefined;
    });
  return html`<div class="network-page" data-name=${n.Name}>
    <h2>${n.Name} <span class="muted">${n.Driver} · ${n.Scope}</span> <${Flags} n=${n} /></h2>
    <p class="muted">${n.Id.slice(0, 12)} · ${hostLabel(host)} · created ${created(n.Created)} · <a href="#/networks">all networks</a></p>
    ${PREDEFINED.has(n.Name)
      ? null
      : html`<button data-action="remove" disabled=${busy !== undefined} onClick=${() =>
          confirm(`Remove network ${n.Name}?`) &&
          void run('remove', async () => {
            await post(api(host, 'networks', n.Id, 'remove'));
            location.hash = '#/networks';
            return undefined;
          })}>remove</button>`}
    ${shown}
    <h3>Addressing</h3>
    <table class="list ipam">
      <thead><tr><th>Subnet</th><th>Gateway</th><th>IP range</th></tr></thead>
      <tbody>${(n.IPAM?.Config ?? []).map((c) => html`<tr><td>${c.Subnet}</td><td>${c.Gateway ?? ''}</td><td>${c.IPRange ?? ''}</td></tr>`)}</tbody>
    </table>
    <h3>Containers (${list.length})</h3>
    <table class="list attached-containers">
      <thead><tr><th>Name</th><th>IPv4</th><th>IPv6</th><th>MAC</th><th></th></tr></thead>
      <tbody>${list.map(
        ([cid, c]) => html`<tr data-container=${c.Name}>
          <td class="name"><a href=${href('containers', host, cid)}>${c.Name}</a></td>
          <td class="ipv4">${c.IPv4Address}</td>
          <td class="ipv6">${c.IPv6Address}</td>
          <td class="mac mono">${c.MacAddress}</td>
          <td><button data-action="disconnect" disabled=${busy !== undefined} onClick=${() => disconnect(cid, c.Name ?? cid)}>${busy === `disconnect ${c.Name ?? cid}` ? '…' : 'disconnect'}</button></td>
        </tr>`,
      )}</tbody>
    </table>
    ${n.Driver === 'host' || n.Driver === 'null'
      ? null
      : html`<form class="toolbar network-connect" onSubmit=${connect}>
          <span>Connect a container${session().hosts.length > 1 ? ` of ${hostLabel(host)}` : ''}:</span>
          ${candidates.length
            ? html`<select class="connect-container" value=${pick} onChange=${(e: Event) => setPick((e.target as HTMLSelectElement).value)}>${candidates.map((c) => html`<option value=${c.id}>${c.name}</option>`)}</select>`
            : html`<span class="muted">none left to connect</span>`}
          <button type="submit" disabled=${busy !== undefined || !candidates.length}>${busy === 'connect' ? '…' : 'connect'}</button>
        </form>`}
    ${Object.keys(n.Options ?? {}).length || Object.keys(n.Labels ?? {}).length
      ? html`<h3>Options and labels</h3><p><${Labels} labels=${n.Options} /> <${Labels} labels=${n.Labels} /></p>`
      : null}
  </div>`;
}

export const page: PageDef = { path: '/networks', title: 'Networks', nav: true, component: NetworksPage };
export const networkPage: PageDef = { path: '/networks/:host/:id', title: 'Network', component: NetworkPage };
