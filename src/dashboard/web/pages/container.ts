// One container: its state and actions, then tabs for the log (streaming, searchable), stats
// graphs, a terminal (exec with a TTY) and the inspect JSON. The tab is part of the address
// (#/containers/HOST/ID/logs), so a reload or a shared link opens the same view.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { ContainerInspect } from '../../../api-types/containers.js';
import { ContainerActions } from '../components/actions.js';
import { LogView } from '../components/log-view.js';
import { StatsCharts } from '../components/stats-charts.js';
import { TerminalView } from '../components/terminal.js';
import { href } from '../router.js';
import { getJson, hostLabel } from '../session.js';
import { useContainers } from '../stores/containers.js';
import { containerName, health } from './containers.js';
import type { PageDef } from './index.js';

const TABS = ['logs', 'stats', 'terminal', 'inspect'] as const;
type Tab = (typeof TABS)[number];

function Inspect(props: { host: string; id: string; version: string }) {
  const [data, setData] = useState<ContainerInspect | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    getJson<ContainerInspect>(`/api/hosts/${encodeURIComponent(props.host)}/containers/${encodeURIComponent(props.id)}/json`).then(setData, (e: Error) => setError(e.message));
  }, [props.host, props.id, props.version]);
  if (error) return html`<p class="error">${error}</p>`;
  return html`<pre class="json inspect">${data ? JSON.stringify(data, null, 2) : 'Loading…'}</pre>`;
}

function ContainerPage(props: { params: Record<string, string> }) {
  const { host, id } = props.params;
  const tab: Tab = (TABS as readonly string[]).includes(props.params.tab) ? (props.params.tab as Tab) : 'logs';
  const store = useContainers();
  const [error, setError] = useState<string | undefined>();
  const row = store.find(host, id);
  if (!store.loaded) return html`<p class="notice">Loading…</p>`;
  if (!row) return html`<p class="notice">No container ${id} on ${hostLabel(host)} (it may have been removed). <a href="#/containers">All containers</a></p>`;
  const h = health(row);
  const running = row.State === 'running';
  return html`<div class="container-page" data-name=${containerName(row)}>
    <h2>${containerName(row)} <span class=${`state ${row.State}`}>${row.State}</span>${h ? html` <span class=${`health ${h}`}>${h}</span>` : null}</h2>
    <p class="muted">${row.Image} · ${row.Id.slice(0, 12)} · ${hostLabel(host)} · ${row.Status}</p>
    <${ContainerActions} row=${row} onError=${setError} />
    ${error ? html`<span class="error">${error}</span>` : null}
    <nav class="tabs">${TABS.map((t) => html`<a class=${t === tab ? 'active' : ''} data-tab=${t} href=${href('containers', host, row.Id, t)}>${t}</a>`)}</nav>
    ${tab === 'logs' ? html`<${LogView} host=${host} id=${row.Id} />` : null}
    ${tab === 'stats' ? (running ? html`<${StatsCharts} host=${host} id=${row.Id} />` : html`<p class="muted">Not running.</p>`) : null}
    ${tab === 'terminal' ? (running ? html`<${TerminalView} host=${host} id=${row.Id} />` : html`<p class="muted">Not running: start it to open a terminal.</p>`) : null}
    ${tab === 'inspect' ? html`<${Inspect} host=${host} id=${row.Id} version=${`${row.State}/${row.Status}`} />` : null}
  </div>`;
}

export const page: PageDef = { path: '/containers/:host/:id/:tab', title: 'Container', component: ContainerPage };
/** The same page without a tab in the address (opens the log). */
export const pageDefaultTab: PageDef = { path: '/containers/:host/:id', title: 'Container', component: ContainerPage };
