// One engine's host page: `docker info` highlights, disk use as `docker system df` (the totals,
// then a -v style table per kind) kept live by the `disk` stream, and the prunes, each confirmed
// first and followed by what it removed and freed. The info is read again when the disk use
// changes (it is pushed after the events that matter), so its counts follow without polling.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { SystemDf, SystemInfo } from '../../../api-types/system.js';
import { ago, humanSize } from '../../../cli/format/units.js';
import { reclaimablePercent, type DiskUsageKind } from '../../../client/disk-usage.js';
import type { PruneKind, PruneReport, StreamMessages } from '../../protocol.js';
import { href } from '../router.js';
import { getJson, postJson, session } from '../session.js';
import type { PageDef } from './index.js';

type Disk = Extract<StreamMessages['disk'], { op: 'df' }>;

interface PruneButton {
  kind: PruneKind;
  query?: string;
  label: string;
  /** What the confirmation says will go. */
  removes: string;
}

/** The prune buttons of each row of the totals (networks and the system prune are below them). */
const ROW_PRUNES: Record<DiskUsageKind['type'], PruneButton[]> = {
  Images: [
    { kind: 'images', label: 'Prune dangling', removes: 'all dangling images' },
    { kind: 'images', query: 'all=1', label: 'Prune all unused', removes: 'all images without at least one container associated to them' },
  ],
  Containers: [{ kind: 'containers', label: 'Prune', removes: 'all stopped containers' }],
  'Local Volumes': [{ kind: 'volumes', label: 'Prune', removes: 'all anonymous volumes not used by at least one container' }],
  'Build Cache': [{ kind: 'build-cache', label: 'Prune', removes: 'unused build cache' }],
};

const NETWORK_PRUNE: PruneButton = { kind: 'networks', label: 'Prune networks', removes: 'all networks not used by at least one container' };

function systemPrune(all: boolean, volumes: boolean): PruneButton {
  const removes = ['all stopped containers', 'all networks not used by at least one container'];
  if (volumes) removes.push('all anonymous volumes not used by at least one container');
  removes.push(all ? 'all images without at least one container associated to them' : 'all dangling images');
  removes.push(all ? 'all build cache' : 'unused build cache');
  const query = [all ? 'all=1' : '', volumes ? 'volumes=1' : ''].filter(Boolean).join('&');
  return { kind: 'system', query, label: 'System prune', removes: removes.join(', ') };
}

const shortId = (id = '') => id.replace(/^sha256:/, '').slice(0, 12);
const created = (unixSeconds?: number) => (unixSeconds ? ago(unixSeconds) : '');
const createdIso = (iso?: string | null) => (iso && !iso.startsWith('0001') ? ago(Date.parse(iso) / 1000) : '');

function InfoPanel({ info }: { info: SystemInfo }) {
  const item = (label: string, value: unknown, cls = '') => html`<div class=${`info-item ${cls}`}><span class="muted">${label}</span> <b>${value ?? '—'}</b></div>`;
  return html`<section class="host-info">
    ${item('Server version', info.ServerVersion, 'version')}
    ${item('OS', [info.OperatingSystem, info.Architecture].filter(Boolean).join(' · '))}
    ${item('Kernel', info.KernelVersion)}
    ${item('Storage driver', info.Driver)}
    ${item('Cgroup driver', `${info.CgroupDriver ?? '?'} (v${info.CgroupVersion ?? '?'})`)}
    ${item('CPUs', info.NCPU)}
    ${item('Memory', info.MemTotal ? humanSize(info.MemTotal) : undefined)}
    ${item('Containers', `${info.Containers ?? 0}: ${info.ContainersRunning ?? 0} running, ${info.ContainersPaused ?? 0} paused, ${info.ContainersStopped ?? 0} stopped`, 'containers')}
    ${item('Images', info.Images)}
    ${item('Root dir', info.DockerRootDir)}
    ${info.Warnings?.length ? html`<ul class="warnings">${info.Warnings.map((w) => html`<li>${w}</li>`)}</ul>` : null}
  </section>`;
}

function DetailTables({ df, host }: { df: SystemDf; host: string }) {
  const images = df.Images ?? [];
  const ctrs = df.Containers ?? [];
  const volumes = df.Volumes ?? [];
  const cache = df.BuildCache ?? [];
  return html`<details class="df-detail" data-kind="images" open>
      <summary>Images (${images.length})</summary>
      <table class="list">
        <thead><tr><th>Repository</th><th>Tag</th><th>Image ID</th><th>Created</th><th>Size</th><th>Shared size</th><th>Unique size</th><th>Containers</th></tr></thead>
        <tbody>${images.flatMap((i) =>
          (i.RepoTags?.length ? i.RepoTags : ['<none>:<none>']).map((tag) => {
            const at = tag.lastIndexOf(':');
            return html`<tr>
              <td>${tag.slice(0, at)}</td><td>${tag.slice(at + 1)}</td><td>${shortId(i.Id)}</td><td>${created(i.Created)}</td>
              <td>${humanSize(i.Size)}</td><td>${i.SharedSize === undefined || i.SharedSize < 0 ? 'N/A' : humanSize(i.SharedSize)}</td>
              <td>${i.SharedSize === undefined || i.SharedSize < 0 ? 'N/A' : humanSize(i.Size - i.SharedSize)}</td><td>${i.Containers ?? 0}</td>
            </tr>`;
          }),
        )}</tbody>
      </table>
    </details>
    <details class="df-detail" data-kind="containers" open>
      <summary>Containers (${ctrs.length})</summary>
      <table class="list">
        <thead><tr><th>Container ID</th><th>Image</th><th>Command</th><th>Local volumes</th><th>Size</th><th>Created</th><th>Status</th><th>Names</th></tr></thead>
        <tbody>${ctrs.map((c) => {
          const name = c.Names?.[0]?.replace(/^\//, '') ?? '';
          return html`<tr data-name=${name}>
            <td>${shortId(c.Id)}</td><td>${c.Image}</td><td class="muted">${c.Command}</td>
            <td>${(c.Mounts ?? []).filter((m) => m.Type === 'volume').length}</td><td>${humanSize(c.SizeRw ?? 0)}</td>
            <td>${created(c.Created)}</td><td>${c.Status}</td>
            <td class="name">${c.Id ? html`<a href=${href('containers', host, c.Id)}>${name}</a>` : name}</td>
          </tr>`;
        })}</tbody>
      </table>
    </details>
    <details class="df-detail" data-kind="volumes" open>
      <summary>Local volumes (${volumes.length})</summary>
      <table class="list">
        <thead><tr><th>Volume name</th><th>Links</th><th>Size</th></tr></thead>
        <tbody>${volumes.map((v) => html`<tr><td>${v.Name}</td><td>${v.UsageData?.RefCount ?? 'N/A'}</td><td>${v.UsageData && v.UsageData.Size >= 0 ? humanSize(v.UsageData.Size) : 'N/A'}</td></tr>`)}</tbody>
      </table>
    </details>
    <details class="df-detail" data-kind="build-cache" open>
      <summary>Build cache (${cache.length})</summary>
      <table class="list">
        <thead><tr><th>Cache ID</th><th>Cache type</th><th>Size</th><th>Created</th><th>Last used</th><th>Usage</th><th>Shared</th></tr></thead>
        <tbody>${cache.map(
          (b) => html`<tr><td>${shortId(b.ID)}</td><td>${b.Type}</td><td>${humanSize(b.Size)}</td><td>${createdIso(b.CreatedAt)}</td><td>${createdIso(b.LastUsedAt)}</td><td>${b.UsageCount ?? 0}</td><td>${b.Shared ? 'true' : 'false'}</td></tr>`,
        )}</tbody>
      </table>
    </details>`;
}

function PruneResult({ label, report, onClose }: { label: string; report: PruneReport; onClose: () => void }) {
  const kinds = Object.entries(report.deleted).filter(([, items]) => items.length);
  return html`<section class="prune-result">
    <b>${label}:</b> ${kinds.length ? `removed ${kinds.map(([k, items]) => `${k} ${items.length}`).join(', ')}` : 'nothing to remove'} · reclaimed <b class="reclaimed">${humanSize(report.reclaimed)}</b>
    <button onClick=${onClose}>×</button>
    ${kinds.length
      ? html`<details><summary>What was removed</summary>${kinds.map(([k, items]) => html`<div><b>${k}</b><pre>${items.join('\n')}</pre></div>`)}</details>`
      : null}
  </section>`;
}

function HostPage({ params }: { params: Record<string, string> }) {
  const hosts = session().hosts;
  const host = params.host ?? hosts[0]?.id;
  const [disk, setDisk] = useState<Disk | undefined>();
  const [down, setDown] = useState<string | undefined>();
  const [info, setInfo] = useState<SystemInfo | undefined>();
  const [infoError, setInfoError] = useState<string | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [result, setResult] = useState<{ label: string; report: PruneReport } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [sysAll, setSysAll] = useState(false);
  const [sysVolumes, setSysVolumes] = useState(false);

  useEffect(() => {
    setDisk(undefined);
    setDown(undefined);
    setInfo(undefined);
    setResult(undefined);
    if (!host) return;
    const handle = session().conn.subscribe(
      { kind: 'disk', host },
      {
        onMsg: (m) => {
          if (m.op === 'df') {
            setDisk(m);
            setDown(undefined);
          } else setDown(m.error ?? 'unreachable');
        },
        onError: setDown,
      },
    );
    return () => handle.close();
  }, [host]);

  // Read once on opening, and again each time the disk use was pushed (something changed).
  useEffect(() => {
    if (!host) return;
    let live = true;
    getJson<SystemInfo>(`/api/hosts/${encodeURIComponent(host)}/info`).then(
      (i) => live && (setInfo(i), setInfoError(undefined)),
      (e: unknown) => live && setInfoError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [host, disk?.t]);

  if (!host) return html`<p class="notice">No engine.</p>`;

  const prune = async (b: PruneButton) => {
    if (!confirm(`WARNING! This will remove ${b.removes}.\n\nAre you sure you want to continue?`)) return;
    setBusy(`${b.kind}?${b.query ?? ''}`);
    setError(undefined);
    try {
      const report = await postJson<PruneReport>(`/api/hosts/${encodeURIComponent(host)}/prune/${b.kind}${b.query ? `?${b.query}` : ''}`);
      setResult({ label: b.kind === 'system' ? 'System prune' : `Prune ${b.kind}${b.query?.includes('all=1') ? ' (all)' : ''}`, report });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(undefined);
    }
  };
  const button = (b: PruneButton) =>
    html`<button class="prune" data-prune=${b.kind} data-all=${b.query?.includes('all=1') ? '1' : '0'} disabled=${busy !== undefined} onClick=${() => void prune(b)}>
      ${busy === `${b.kind}?${b.query ?? ''}` ? 'Pruning…' : b.label}
    </button>`;
  const sys = systemPrune(sysAll, sysVolumes);

  return html`<div class="host-page" data-host=${host}>
    ${hosts.length > 1 ? html`<nav class="tabs">${hosts.map((h) => html`<a href=${href('host', h.id)} class=${h.id === host ? 'active' : ''}>${h.label}</a>`)}</nav>` : null}
    ${info ? html`<${InfoPanel} info=${info} />` : html`<p class=${infoError ? 'error' : 'notice'}>${infoError ?? 'Reading docker info…'}</p>`}
    <h3>Disk use ${disk ? html`<span class="muted df-time">as of ${new Date(disk.t).toLocaleTimeString()}</span>` : null}</h3>
    ${down ? html`<p class="error">${down}</p>` : null}
    ${error ? html`<p class="error" onClick=${() => setError(undefined)}>${error}</p>` : null}
    ${result ? html`<${PruneResult} label=${result.label} report=${result.report} onClose=${() => setResult(undefined)} />` : null}
    ${!disk
      ? html`<p class="notice">Reading disk use…</p>`
      : html`<table class="list df-summary">
            <thead><tr><th>Type</th><th>Total</th><th>Active</th><th>Size</th><th>Reclaimable</th><th>Prune</th></tr></thead>
            <tbody>${disk.summary.map((k) => {
              const pct = reclaimablePercent(k);
              return html`<tr data-kind=${k.type} data-total=${k.total} data-active=${k.active}>
                <td>${k.type}</td><td>${k.total}</td><td>${k.active}</td><td>${humanSize(k.size)}</td>
                <td>${humanSize(k.reclaimable)}${pct === undefined ? '' : ` (${pct}%)`}</td>
                <td>${ROW_PRUNES[k.type].map(button)}</td>
              </tr>`;
            })}</tbody>
          </table>
          <div class="toolbar prune-more">
            ${button(NETWORK_PRUNE)}
            <span class="system-prune">
              ${button(sys)}
              <label><input type="checkbox" checked=${sysAll} onChange=${(e: Event) => setSysAll((e.target as HTMLInputElement).checked)} /> all unused images</label>
              <label><input type="checkbox" checked=${sysVolumes} onChange=${(e: Event) => setSysVolumes((e.target as HTMLInputElement).checked)} /> volumes</label>
            </span>
          </div>
          <${DetailTables} df=${disk.df} host=${host} />`}
  </div>`;
}

export const page: PageDef = { path: '/host', title: 'Host', nav: true, component: HostPage };
export const hostPage: PageDef = { path: '/host/:host', title: 'Host', component: HostPage };
