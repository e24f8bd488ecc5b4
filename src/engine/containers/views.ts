// Docker's JSON views of a container: inspect (GET /containers/{id}/json) and the list summary
// (GET /containers/json), in the wire types of src/api-types; ps's filters are in filters.ts.
import path from 'node:path';
import type { ContainerRecord } from './types.js';
import type { ContainerService } from './service.js';
import { listContainers } from './filters.js';
import type { Filters } from '../filters.js';
import { emptyNetworkSettings, endpointStub } from './network-plan.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../runtime/oci-spec.js';
import type { ContainerInspect, ContainerSummary, EndpointSettings, MountSummary, PortSummary } from '../../api-types/containers.js';
import { linksView } from './links.js';

function mountView(m: ContainerRecord['mounts'][number]): MountSummary {
  const v: MountSummary = { Type: m.Type };
  if (m.Type === 'volume') v.Name = m.Name;
  v.Source = m.Source;
  v.Destination = m.Destination;
  if (m.Type === 'volume') v.Driver = m.Driver ?? 'local';
  v.Mode = m.Mode;
  v.RW = m.RW;
  v.Propagation = m.Propagation;
  return v;
}

export function inspectContainer(svc: ContainerService, c: ContainerRecord, opts: { size?: boolean; sizes?: { rw: number; rootfs: number } } = {}): ContainerInspect {
  const dir = svc.containerDir(c.id);
  const fs = svc.rootfs(c.id);
  // As dockerd: the links registered at create, in their "/child:/parent/alias" form, or null.
  const hc = { ...c.hostConfig, Links: linksView(svc, c) };
  if (!hc.Privileged) {
    hc.MaskedPaths = hc.MaskedPaths ?? DEFAULT_MASKED_PATHS;
    hc.ReadonlyPaths = hc.ReadonlyPaths ?? DEFAULT_READONLY_PATHS;
  }
  const out: ContainerInspect = {
    Id: c.id,
    Created: c.created,
    Path: c.path,
    Args: c.args,
    // Waiting to restart counts as running, as in dockerd (State.Running and State.Restarting both true).
    State: { ...c.state, Running: c.state.Running || c.state.Restarting },
    Image: c.image,
    ResolvConfPath: path.join(dir, 'resolv.conf'),
    HostnamePath: path.join(dir, 'hostname'),
    HostsPath: path.join(dir, 'hosts'),
    // As dockerd: the json-file log's path; other drivers show none.
    LogPath: (c.hostConfig.LogConfig?.Type || 'json-file') === 'json-file' ? svc.logPath(c.id) : '',
    Name: '/' + c.name,
    RestartCount: c.restartCount,
    Driver: c.driver === 'vfs' ? 'vfs' : 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: c.execIds.length ? c.execIds : null,
    HostConfig: hc,
    GraphDriver: {
      Name: c.driver === 'vfs' ? 'vfs' : 'overlay2',
      Data: c.driver === 'vfs' ? null : { MergedDir: fs.merged, UpperDir: fs.upper, WorkDir: fs.work },
    },
    Mounts: c.mounts.map(mountView),
    Config: c.config,
    NetworkSettings: networkSettingsView(c),
  };
  if (opts.sizes) {
    out.SizeRw = opts.sizes.rw;
    out.SizeRootFs = opts.sizes.rootfs;
  }
  return out;
}

type NetworkSettingsView = NonNullable<ContainerInspect['NetworkSettings']> & { Networks: Record<string, EndpointSettings> };

function networkSettingsView(c: ContainerRecord): NetworkSettingsView {
  const ns = { ...c.networkSettings };
  if (!c.state.Running) {
    // Docker keeps the networks a stopped container is configured for, without addresses.
    const nets: Record<string, EndpointSettings> = {};
    for (const [k, v] of Object.entries<EndpointSettings>(ns.Networks ?? {})) nets[k] = { ...v, IPAddress: '', IPPrefixLen: 0, Gateway: '', EndpointID: '', MacAddress: v.MacAddress ?? '' };
    const mode = c.hostConfig.NetworkMode ?? 'bridge';
    if (!Object.keys(nets).length && !mode.startsWith('container:')) nets[mode] = endpointStub();
    return { ...emptyNetworkSettings(), Networks: nets };
  }
  return ns as NetworkSettingsView;
}

/** The ps "Command" column: entrypoint + cmd, quoted as Docker quotes it. */
function commandString(c: ContainerRecord): string {
  return [c.path, ...c.args].map((a) => (/[\s'"]/.test(a) || a === '' ? `'${a.replace(/'/g, `'"'"'`)}'` : a)).join(' ');
}

export function containerSummary(svc: ContainerService, c: ContainerRecord, sizes?: { rw: number; rootfs: number }): ContainerSummary {
  const ports: PortSummary[] = [];
  if (c.state.Running) {
    for (const [key, binds] of Object.entries<any>(c.networkSettings.Ports ?? {})) {
      const [port, proto] = key.split('/');
      if (!binds || binds.length === 0) ports.push({ PrivatePort: Number(port), Type: proto });
      else for (const b of binds) ports.push({ IP: b.HostIp, PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: proto });
    }
  } else {
    for (const key of Object.keys(c.config.ExposedPorts ?? {})) {
      const [port, proto] = key.split('/');
      ports.push({ PrivatePort: Number(port), Type: proto ?? 'tcp' });
    }
  }
  const out: ContainerSummary = {
    Id: c.id,
    Names: ['/' + c.name],
    Image: c.config.Image,
    ImageID: c.image,
    Command: commandString(c),
    Created: Math.floor(Date.parse(c.created) / 1000),
    Ports: ports,
    Labels: c.config.Labels ?? {},
    State: c.state.Status,
    Status: statusText(c),
    HostConfig: { NetworkMode: c.hostConfig.NetworkMode === 'bridge' && !c.hostConfig.NetworkMode ? 'default' : (c.hostConfig.NetworkMode ?? 'default') },
    NetworkSettings: { Networks: networkSettingsView(c).Networks },
    Mounts: c.mounts.map(mountView),
  };
  if (sizes) {
    out.SizeRw = sizes.rw;
    out.SizeRootFs = sizes.rootfs;
  }
  void svc;
  return out;
}

/** `ps`: the summaries of the containers the filters select, newest first, with their sizes if asked. */
export async function containerList(svc: ContainerService, o: { all: boolean; limit?: number; filters: Filters; size: boolean }): Promise<ContainerSummary[]> {
  const recs = listContainers(svc, o);
  const sizes = o.size ? await svc.sizesOf(recs) : undefined;
  return recs.map((c) => containerSummary(svc, c, sizes?.get(c.id)));
}

/** "Up 3 seconds", "Exited (0) 2 minutes ago", "Created", "Up 5 minutes (Paused)". */
export function statusText(c: ContainerRecord, now = Date.now()): string {
  const s = c.state;
  if (s.Status === 'removing') return 'Removal In Progress';
  if (s.Dead) return 'Dead';
  if (s.Restarting) return `Restarting (${s.ExitCode}) ${humanDuration(now - Date.parse(s.FinishedAt))} ago`;
  if (s.Running) {
    const h = (s as any).Health?.Status as string | undefined;
    const health = h === 'starting' ? ' (health: starting)' : h === 'healthy' || h === 'unhealthy' ? ` (${h})` : '';
    return `Up ${humanDuration(now - Date.parse(s.StartedAt))}${s.Paused ? ' (Paused)' : health}`;
  }
  if (s.FinishedAt && !s.FinishedAt.startsWith('0001')) return `Exited (${s.ExitCode}) ${humanDuration(now - Date.parse(s.FinishedAt))} ago`;
  return 'Created';
}

/** Docker's units.HumanDuration. */
export function humanDuration(ms: number): string {
  const secs = Math.floor(ms / 1000);
  if (secs < 1) return 'Less than a second';
  if (secs === 1) return '1 second';
  if (secs < 60) return `${secs} seconds`;
  const mins = Math.floor(secs / 60);
  if (mins === 1) return 'About a minute';
  if (mins < 60) return `${mins} minutes`;
  const hours = Math.round(mins / 60);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}
