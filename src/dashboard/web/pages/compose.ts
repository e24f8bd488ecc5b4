// Compose projects, found in the container list the page already has (pushed by the containers
// relay): grouped by the com.docker.compose.* labels into projects and services, with replicas,
// state and health. Actions run berth's compose code in the dashboard server (server/compose.ts).
// One project's page adds its compose file, the loader's errors marked on the line they name,
// drift (a service whose containers carry another config hash than the file gives now), what each
// not-yet-started service waits on (its depends_on conditions, by compose's rule in
// compose/waiting.ts), and per-service actions. Actions stream compose's progress while they run.
import { html } from 'htm/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { waitingOn, type ReplicaState } from '../../../compose/waiting.js';
import type { ComposeAction, ComposeFileView, ComposeStreamLine, ContainerRow } from '../../protocol.js';
import { href } from '../router.js';
import { getJson, hostLabel, postStream, session } from '../session.js';
import { useContainers } from '../stores/containers.js';
import { containerName, health } from './containers.js';
import type { PageDef } from './index.js';

const L = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  hash: 'com.docker.compose.config-hash',
  oneoff: 'com.docker.compose.oneoff',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
};

interface Service {
  name: string;
  containers: ContainerRow[];
  running: number;
  health: string[];
  hashes: Set<string>;
}

interface Project {
  host: string;
  name: string;
  workingDir?: string;
  configFiles: string[];
  services: Service[];
  running: number;
  total: number;
  /** running (all up), partial, exited. */
  state: string;
}

export function projectsOf(rows: Iterable<ContainerRow>): Project[] {
  const byKey = new Map<string, { host: string; name: string; rows: ContainerRow[] }>();
  for (const r of rows) {
    const name = r.Labels?.[L.project];
    if (!name || r.Labels?.[L.oneoff] === 'True') continue;
    const key = `${r.host}/${name}`;
    const p = byKey.get(key) ?? { host: r.host, name, rows: [] };
    p.rows.push(r);
    byKey.set(key, p);
  }
  return [...byKey.values()]
    .map(({ host, name, rows: list }) => {
      const services = new Map<string, Service>();
      for (const r of list) {
        const s = r.Labels?.[L.service] ?? '?';
        const svc = services.get(s) ?? { name: s, containers: [], running: 0, health: [], hashes: new Set<string>() };
        svc.containers.push(r);
        if (r.State === 'running') svc.running++;
        const h = health(r);
        if (h) svc.health.push(h);
        if (r.Labels?.[L.hash]) svc.hashes.add(r.Labels[L.hash]);
        services.set(s, svc);
      }
      for (const s of services.values()) s.containers.sort((a, b) => Number(a.Labels?.[L.number] ?? 0) - Number(b.Labels?.[L.number] ?? 0));
      const labels = list[0].Labels ?? {};
      const running = list.filter((r) => r.State === 'running').length;
      return {
        host,
        name,
        workingDir: labels[L.workingDir],
        configFiles: (labels[L.configFiles] ?? '').split(',').filter(Boolean),
        services: [...services.values()].sort((a, b) => a.name.localeCompare(b.name)),
        running,
        total: list.length,
        state: running === list.length ? 'running' : running === 0 ? 'exited' : 'partial',
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.host.localeCompare(b.host));
}

const composeUrl = (host: string, what: string, q: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return `/api/hosts/${encodeURIComponent(host)}/compose/${what}?${p}`;
};

/** What runs now or ran last: the action's name and compose's lines as they came. */
interface Run {
  busy?: string;
  label?: string;
  lines: ComposeStreamLine[];
}

const MARK: Record<string, string> = { working: ' ', done: '✔', warning: '!', error: '✘' };

/** compose's progress lines as `berth compose` prints them on a terminal (one block span a line), growing while the action runs. */
function Progress(props: { run: Run }) {
  const { busy, label, lines } = props.run;
  if (!label) return null;
  return html`<pre class="json compose-progress" data-busy=${busy ? 'yes' : 'no'}>${busy ? html`<span class="line muted">${busy}…</span>` : null}${lines.map((l) => {
    switch (l.type) {
      case 'progress':
        return html`<span class=${`line progress-line ${l.event.status}`}> ${MARK[l.event.status] ?? ' '} ${l.event.id}  ${l.event.text}</span>`;
      case 'warning':
        return html`<span class="line warning-line">WARN ${l.message}</span>`;
      case 'output':
        return html`<span class="muted">${l.text}</span>`;
      case 'error':
        return html`<span class="line error">${label}: ${l.message}</span>`;
      case 'done':
        return html`<span class="line muted done-line">${label}: done</span>`;
    }
  })}</pre>`;
}

function useComposeAction() {
  const [state, setState] = useState<Run>({ lines: [] });
  const run = async (host: string, action: ComposeAction, q: Record<string, string | string[]>, label: string = action) => {
    let lines: ComposeStreamLine[] = [];
    setState({ busy: label, label, lines });
    const add = (l: ComposeStreamLine) => {
      lines = [...lines, l];
      setState((st) => ({ ...st, lines }));
    };
    try {
      await postStream<ComposeStreamLine>(composeUrl(host, action, q), add);
      if (!lines.some((l) => l.type === 'done' || l.type === 'error')) add({ type: 'error', message: 'the dashboard server ended the answer early' });
    } catch (e) {
      add({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    } finally {
      setState((st) => ({ ...st, busy: undefined }));
    }
  };
  return { ...state, run };
}

type Runner = ReturnType<typeof useComposeAction>;

function ProjectActions(props: { project: Project; run: Runner }) {
  const { project: p, run } = props;
  const act = (a: ComposeAction) => {
    if (a === 'down' && !confirm(`Stop and remove the containers and networks of ${p.name}?`)) return;
    void run.run(p.host, a, { project: p.name });
  };
  return html`<span class="actions">${(['up', 'restart', 'rebuild', 'down'] as ComposeAction[]).map(
    (a) => html`<button data-action=${a} disabled=${run.busy !== undefined} onClick=${() => act(a)}>${run.busy === a ? '…' : a}</button>`,
  )}</span>`;
}

/** One service's actions: only its containers (up: with its dependencies, as `compose up S`). */
function ServiceActions(props: { project: Project; service: string; run: Runner }) {
  const { project: p, service, run } = props;
  return html`<span class="actions service-actions">${(['start', 'stop', 'restart', 'up', 'rebuild'] as ComposeAction[]).map((a) => {
    const label = `${a} ${service}`;
    return html`<button data-action=${a} disabled=${run.busy !== undefined} onClick=${() => void run.run(p.host, a, { project: p.name, service }, label)}>${run.busy === label ? '…' : a}</button>`;
  })}</span>`;
}

function UpForm(props: { run: Runner }) {
  const hosts = session().hosts;
  const [file, setFile] = useState('');
  const [host, setHost] = useState(hosts[0]?.id ?? 'h0');
  const submit = (e: Event) => {
    e.preventDefault();
    if (file.trim()) void props.run.run(host, 'up', { file: file.trim() });
  };
  return html`<form class="toolbar compose-up-form" onSubmit=${submit}>
    <input class="compose-path" type="text" size="60" placeholder="/path/to/compose.yaml on the dashboard's machine" value=${file} onInput=${(e: Event) => setFile((e.target as HTMLInputElement).value)} />
    ${hosts.length > 1 ? html`<select value=${host} onChange=${(e: Event) => setHost((e.target as HTMLSelectElement).value)}>${hosts.map((h) => html`<option value=${h.id}>${h.label}</option>`)}</select>` : null}
    <button class="compose-up" type="submit" disabled=${props.run.busy !== undefined}>Up</button>
  </form>`;
}

/** A row as the waiting rule sees a container: docker puts the health and exit code in the status text. */
function replicaState(r: ContainerRow): ReplicaState {
  const h = health(r);
  const code = /^Exited \((-?\d+)\)/.exec(r.Status ?? '');
  return { service: r.Labels?.[L.service] ?? '', state: r.State ?? '', health: h === 'health: starting' ? 'starting' : h, exitCode: code ? Number(code[1]) : undefined };
}

function healthText(s: Service): string {
  const bad = s.health.filter((h) => h !== 'healthy');
  return s.health.length ? (bad.length ? bad.join(', ') : 'healthy') : '';
}

function ProjectsPage() {
  const store = useContainers();
  const run = useComposeAction();
  const projects = useMemo(() => projectsOf(store.rows.values()), [store.version]);
  if (!store.loaded) return html`<p class="notice">Loading projects…</p>`;
  const showHost = session().hosts.length > 1;
  return html`<div>
    <${UpForm} run=${run} />
    <${Progress} run=${run} />
    <table class="list compose-projects">
      <thead><tr><th>Project</th>${showHost ? html`<th>Host</th>` : null}<th>State</th><th>Services</th><th>Directory</th><th>Actions</th></tr></thead>
      <tbody>${projects.map(
        (p) => html`<tr data-project=${p.name} data-state=${p.state} data-running=${p.running} data-total=${p.total}>
          <td class="name"><a href=${href('compose', p.host, p.name)}>${p.name}</a></td>
          ${showHost ? html`<td>${hostLabel(p.host)}</td>` : null}
          <td><span class=${`state ${p.state}`}>${p.state}</span> <span class="muted">${p.running}/${p.total}</span></td>
          <td>${p.services.map((s) => html`<span class="service" data-service=${s.name}>${s.name} <span class="muted">${s.running}/${s.containers.length}</span>${healthText(s) ? html` <span class=${`health ${healthText(s)}`}>${healthText(s)}</span>` : null} </span>`)}</td>
          <td class="muted">${p.workingDir}</td>
          <td><${ProjectActions} project=${p} run=${run} /></td>
        </tr>`,
      )}</tbody>
    </table>
    ${projects.length ? null : html`<p class="notice">No compose project: bring one up from its file above, or with <code>berth compose up</code>.</p>`}
  </div>`;
}

/** The line a loader error points at: "line N", else the dotted path it names (services.web.ports). */
export function errorLine(content: string, message: string): number | undefined {
  const lines = content.split('\n');
  const byLine = /line (\d+)/.exec(message);
  if (byLine) return Number(byLine[1]);
  const dotted = /\b((?:services|networks|volumes|configs|secrets)(?:\.[A-Za-z0-9_-]+)+)/.exec(message);
  if (!dotted) return undefined;
  // The schema's "additional properties 'x' not allowed" names the key below the path.
  const extra = /additional propert(?:y|ies) '([^']+)'/.exec(message);
  const keys = [...dotted[1].split('.'), ...(extra ? [extra[1]] : [])];
  let found: number | undefined;
  let indent = -1;
  let from = 0;
  for (const key of keys) {
    let hit = false;
    for (let i = from; i < lines.length; i++) {
      const m = /^(\s*)(?:- )?["']?([^"':#]+)["']?\s*:/.exec(lines[i]);
      if (!m) continue;
      if (m[1].length <= indent && lines[i].trim()) break;
      if (m[1].length > indent && m[2].trim() === key) {
        found = i + 1;
        indent = m[1].length;
        from = i + 1;
        hit = true;
        break;
      }
    }
    if (!hit) break;
  }
  return found;
}

function FileView(props: { view: ComposeFileView }) {
  const { view } = props;
  return html`<div class="compose-files">
    ${view.error ? html`<p class="error compose-error">${view.error}</p>` : html`<p class="muted compose-valid">The file loads without errors.</p>`}
    ${view.files.map((f) => {
      const at = f.content && view.error && (view.error.includes(f.path) || view.files.length === 1) ? errorLine(f.content, view.error) : undefined;
      return html`<h4>${f.path}</h4>
        ${f.error ? html`<p class="error">${f.error}</p>` : null}
        ${f.content !== undefined
          ? html`<pre class="json compose-file">${f.content.split('\n').map(
              (line, i) => html`<div class=${i + 1 === at ? 'line error-line' : 'line'}><span class="muted lineno">${String(i + 1).padStart(3)} </span>${line}${i + 1 === at ? html`<span class="error inline-error">  ← ${view.error}</span>` : null}</div>`,
            )}</pre>`
          : null}`;
    })}
  </div>`;
}

function ProjectPage(props: { params: Record<string, string> }) {
  const { host, project: name } = props.params;
  const store = useContainers();
  const run = useComposeAction();
  const [view, setView] = useState<ComposeFileView | undefined>();
  const [viewError, setViewError] = useState<string | undefined>();
  const p = useMemo(() => projectsOf(store.rows.values()).find((x) => x.host === host && x.name === name), [store.version]);
  // The file is read again when the containers' hashes change (after an up) or on demand.
  const hashKey = p?.services.map((s) => [...s.hashes].join()).join('|') ?? '';
  const [reload, setReload] = useState(0);
  useEffect(() => {
    if (!p) return;
    getJson<ComposeFileView>(composeUrl(host, 'file', { project: name })).then(setView, (e: Error) => setViewError(e.message));
  }, [host, name, hashKey, reload, !!p]);
  if (!store.loaded) return html`<p class="notice">Loading…</p>`;
  if (!p) return html`<div><p class="notice">No containers of project ${name} on ${hostLabel(host)}. <a href="#/compose">All projects</a></p><${Progress} run=${run} /></div>`;
  const drift = (s: Service): string => {
    const want = view?.hashes?.[s.name];
    if (!view?.hashes) return '';
    if (!want) return 'not in the file';
    return [...s.hashes].some((h) => h !== want) ? 'differs from the file: up recreates it' : '';
  };
  // "waiting on X", live from the pushed container list by compose's own rule (compose/waiting.ts).
  const replicas = p.services.flatMap((s) => s.containers.map(replicaState));
  const waits = (s: Service): string[] => {
    const deps = view?.dependsOn?.[s.name] ?? [];
    return [...new Set(s.containers.flatMap((c) => waitingOn(replicaState(c), deps, replicas)))];
  };
  const missing = view?.hashes ? Object.keys(view.hashes).filter((s) => !p.services.some((x) => x.name === s)) : [];
  return html`<div class="compose-project" data-project=${p.name}>
    <h2>${p.name} <span class=${`state ${p.state}`}>${p.state}</span> <span class="muted">${p.running}/${p.total}</span></h2>
    <p class="muted">${hostLabel(host)} · ${p.workingDir}</p>
    <${ProjectActions} project=${p} run=${run} /> <button onClick=${() => setReload(reload + 1)}>reload file</button>
    <${Progress} run=${run} />
    <table class="list compose-services">
      <thead><tr><th>Service</th><th>Replicas</th><th>Containers</th><th>Health</th><th>Waiting</th><th>Drift</th><th>Actions</th></tr></thead>
      <tbody>${p.services.map((s) => {
        const w = waits(s);
        return html`<tr data-service=${s.name} data-drift=${drift(s) ? 'yes' : 'no'} data-waiting=${w.length ? 'yes' : 'no'} data-running=${s.running}>
          <td>${s.name}</td>
          <td>${s.running}/${s.containers.length}</td>
          <td>${s.containers.map((c) => html`<span class="replica" data-container=${containerName(c)}><a href=${href('containers', c.host, c.Id)}>${containerName(c)}</a> <span class=${`state ${c.State}`}>${c.State}</span> <a class="muted logs-link" href=${href('containers', c.host, c.Id, 'logs')}>logs</a> </span>`)}</td>
          <td>${healthText(s)}</td>
          <td class="waiting">${w.length ? `waiting on ${w.join(', ')}` : ''}</td>
          <td class=${drift(s) ? 'error' : 'muted'}>${drift(s) || 'in step'}</td>
          <td><${ServiceActions} project=${p} service=${s.name} run=${run} /></td>
        </tr>`;
      })}
      ${missing.map(
        (s) => html`<tr data-service=${s} data-drift="yes" data-waiting="no" data-running="0"><td>${s}</td><td>0/0</td><td></td><td></td><td></td><td class="error">in the file, no container: up creates it</td>
          <td><span class="actions service-actions"><button data-action="up" disabled=${run.busy !== undefined} onClick=${() => void run.run(p.host, 'up', { project: p.name, service: s }, `up ${s}`)}>up</button></span></td></tr>`,
      )}</tbody>
    </table>
    ${viewError ? html`<p class="error">${viewError}</p>` : view ? html`<${FileView} view=${view} />` : html`<p class="muted">Reading the compose file…</p>`}
  </div>`;
}

export const page: PageDef = { path: '/compose', title: 'Compose', nav: true, component: ProjectsPage };
export const projectPage: PageDef = { path: '/compose/:host/:project', title: 'Compose project', component: ProjectPage };
