// The live view's state and the pure reducer that builds it from what the engine reports:
// container snapshots (inspect), events, stats samples, log lines and the progress events of
// `up`'s orchestration, plus the viewer's own moves (selection, log filter). No I/O here: the
// feeds (feeds.ts) produce actions, the renderer (render.ts) draws the state.
import type { ContainerInspect, ContainerStats } from '../../api-types/containers.js';
import type { EventMessage } from '../../api-types/system.js';
import { statsUsage } from '../../client/stats-usage.js';
import { displayablePorts, type ApiPort } from '../../cli/format/ports.js';
import type { Project } from '../model.js';
import { ComposeLabels } from '../naming.js';
import type { ProgressEvent } from '../progress.js';
import { dependenciesOf, waitingOn as waitingOnRule, type Dependency } from '../waiting.js';

/** Samples kept per container for the sparklines. */
export const HISTORY = 40;
/** Log lines kept (the screen shows the newest that fit). */
export const LOG_LINES = 500;

/** What the view knows of one service from the compose file. */
export interface ServiceInfo {
  name: string;
  /** The config hash the file gives it now (absent without a file: no drift shown). */
  hash?: string;
  dependsOn: Dependency[];
}

/** One container of the project (a service replica). */
export interface Replica {
  id: string;
  /** The container's name ("p-web-1"), as progress events name it. */
  container: string;
  service: string;
  number: number;
  /** created, running, paused, restarting, exited, dead, removing. */
  state: string;
  exitCode?: number;
  /** starting, healthy, unhealthy; absent without a healthcheck. */
  health?: string;
  /** Restarts by the restart policy (inspect's RestartCount, reset by a manual start). */
  policyRestarts: number;
  /** `restart` events seen while the view is open (r key, `docker restart`). */
  manualRestarts: number;
  ports: string;
  /** The com.docker.compose.config-hash label. */
  configHash?: string;
  cpu: number[];
  mem: number[];
}

export interface LogLine {
  /** The container's short name ("web-1"), or "" for lines of berth's own. */
  name: string;
  service: string;
  text: string;
  stream: 'stdout' | 'stderr' | 'status';
}

export interface ViewState {
  project: string;
  mode: 'up' | 'top';
  services: ServiceInfo[];
  replicas: Replica[];
  /** The last progress text per container name ("Waiting", "Healthy", "Started"). */
  phases: Record<string, string>;
  logs: LogLine[];
  /** Show only this service's log lines. */
  filter?: string;
  /** Index into replicas. */
  selected: number;
  /** The user has moved the selection: it then stays on its replica as others come and go. */
  pinned?: boolean;
  /** A line about what is happening (stopping, a failed restart, the last image pulled). */
  status?: string;
}

/** A container as inspect shows it, reduced to what the view keeps. */
export interface Snapshot {
  id: string;
  container: string;
  service: string;
  number: number;
  state: string;
  exitCode?: number;
  health?: string;
  restartCount: number;
  ports: string;
  configHash?: string;
}

export type Action =
  | { kind: 'snapshot'; snapshot: Snapshot }
  | { kind: 'removed'; id: string }
  | { kind: 'event'; event: EventMessage }
  | { kind: 'stats'; id: string; stats: ContainerStats }
  | { kind: 'log'; line: LogLine }
  | { kind: 'progress'; event: ProgressEvent }
  | { kind: 'select'; delta: number }
  | { kind: 'filter'; service?: string }
  | { kind: 'cycleFilter' }
  | { kind: 'status'; text?: string };

/** The services of a loaded project, in file order, with their hashes and dependencies. */
export function servicesOf(project: Project, hash: (name: string) => string | undefined): ServiceInfo[] {
  const deps = dependenciesOf(project);
  return Object.keys(project.services).map((name) => ({
    name,
    hash: hash(name),
    dependsOn: deps[name],
  }));
}

export function initialState(project: string, mode: 'up' | 'top', services: ServiceInfo[]): ViewState {
  return { project, mode, services, replicas: [], phases: {}, logs: [], selected: 0 };
}

/** inspect's NetworkSettings.Ports as the summary's port list (what `docker ps` shows). */
function portList(c: ContainerInspect): ApiPort[] {
  const out: ApiPort[] = [];
  for (const [key, bindings] of Object.entries(c.NetworkSettings?.Ports ?? {})) {
    const [port, type = 'tcp'] = key.split('/');
    if (!bindings?.length) out.push({ PrivatePort: Number(port), Type: type });
    for (const b of bindings ?? []) out.push({ IP: b.HostIp || '0.0.0.0', PrivatePort: Number(port), PublicPort: Number(b.HostPort) || undefined, Type: type });
  }
  return out;
}

export function snapshotOf(c: ContainerInspect): Snapshot {
  const labels = c.Config.Labels ?? {};
  return {
    id: c.Id,
    container: (c.Name ?? '').replace(/^\//, ''),
    service: labels[ComposeLabels.service] ?? '',
    number: Number(labels[ComposeLabels.containerNumber] ?? 0),
    state: c.State.Status ?? 'created',
    exitCode: c.State.ExitCode,
    health: c.State.Health?.Status || undefined,
    restartCount: Number(c.RestartCount ?? 0),
    ports: displayablePorts(portList(c)),
    configHash: labels[ComposeLabels.configHash],
  };
}

/** Sorts replicas by the file's service order, then number; unknown services last. */
function sorted(state: ViewState, replicas: Replica[]): Replica[] {
  const order = new Map(state.services.map((s, i) => [s.name, i]));
  const rank = (r: Replica) => order.get(r.service) ?? state.services.length;
  return [...replicas].sort((a, b) => rank(a) - rank(b) || a.service.localeCompare(b.service) || a.number - b.number);
}

const push = <T>(list: readonly T[], value: T, max: number): T[] => [...list.slice(Math.max(0, list.length - max + 1)), value];

function updateReplica(state: ViewState, id: string, fn: (r: Replica) => Replica): ViewState {
  const i = state.replicas.findIndex((r) => r.id === id);
  if (i < 0) return state;
  const replicas = [...state.replicas];
  replicas[i] = fn(replicas[i]);
  return { ...state, replicas };
}

function clampSelection(state: ViewState): ViewState {
  const max = Math.max(0, state.replicas.length - 1);
  return state.selected > max ? { ...state, selected: max } : state;
}

/** What an event says about a container's state, before the inspect it triggers answers. */
function onEvent(state: ViewState, e: EventMessage): ViewState {
  if (e.Type !== 'container') return state;
  const id = e.Actor?.ID ?? e.id ?? '';
  const action = e.Action ?? e.status ?? '';
  if (action === 'destroy') return clampSelection({ ...state, replicas: state.replicas.filter((r) => r.id !== id) });
  if (action.startsWith('health_status')) {
    const health = action.split(':')[1]?.trim();
    return health ? updateReplica(state, id, (r) => ({ ...r, health })) : state;
  }
  switch (action) {
    case 'start':
    case 'unpause':
      return updateReplica(state, id, (r) => ({ ...r, state: 'running', exitCode: undefined }));
    case 'die': {
      const code = Number(e.Actor?.Attributes?.exitCode ?? NaN);
      return updateReplica(state, id, (r) => ({ ...r, state: 'exited', exitCode: Number.isNaN(code) ? r.exitCode : code, cpu: push(r.cpu, 0, HISTORY) }));
    }
    case 'pause':
      return updateReplica(state, id, (r) => ({ ...r, state: 'paused' }));
    case 'restart':
      return updateReplica(state, id, (r) => ({ ...r, manualRestarts: r.manualRestarts + 1 }));
    default:
      return state;
  }
}

export function reduce(state: ViewState, a: Action): ViewState {
  switch (a.kind) {
    case 'snapshot': {
      const s = a.snapshot;
      const old = state.replicas.find((r) => r.id === s.id);
      const next: Replica = {
        id: s.id,
        container: s.container,
        service: s.service,
        number: s.number,
        state: s.state,
        exitCode: s.state === 'exited' || s.state === 'dead' ? s.exitCode : undefined,
        health: s.health,
        policyRestarts: s.restartCount,
        manualRestarts: old?.manualRestarts ?? 0,
        ports: s.ports,
        configHash: s.configHash,
        cpu: old?.cpu ?? [],
        mem: old?.mem ?? [],
      };
      const selectedId = state.pinned ? state.replicas[state.selected]?.id : undefined;
      const replicas = sorted(state, old ? state.replicas.map((r) => (r.id === s.id ? next : r)) : [...state.replicas, next]);
      const selected = selectedId ? Math.max(0, replicas.findIndex((r) => r.id === selectedId)) : Math.min(state.selected, replicas.length - 1);
      return { ...state, replicas, selected };
    }
    case 'removed':
      return clampSelection({ ...state, replicas: state.replicas.filter((r) => r.id !== a.id) });
    case 'event':
      return onEvent(state, a.event);
    case 'stats': {
      // A stopped container's stream keeps sending empty samples: they would flatten the lines.
      if (!a.stats.cpu_stats?.cpu_usage?.total_usage && !a.stats.memory_stats?.usage) return state;
      const u = statsUsage(a.stats);
      return updateReplica(state, a.id, (r) => (r.state === 'running' ? { ...r, cpu: push(r.cpu, u.cpuPercent, HISTORY), mem: push(r.mem, u.memUsage, HISTORY) } : r));
    }
    case 'log':
      return { ...state, logs: push(state.logs, a.line, LOG_LINES) };
    case 'progress': {
      const m = /^Container (.+)$/.exec(a.event.id);
      if (!m) return { ...state, status: `${a.event.id}  ${a.event.text}` };
      return { ...state, phases: { ...state.phases, [m[1]]: a.event.text } };
    }
    case 'select': {
      const n = state.replicas.length;
      return n ? { ...state, selected: Math.min(n - 1, Math.max(0, state.selected + a.delta)), pinned: true } : state;
    }
    case 'filter':
      return { ...state, filter: a.service };
    case 'cycleFilter': {
      const names = state.services.map((s) => s.name);
      for (const r of state.replicas) if (!names.includes(r.service)) names.push(r.service);
      const i = state.filter === undefined ? -1 : names.indexOf(state.filter);
      return { ...state, filter: i + 1 < names.length ? names[i + 1] : undefined };
    }
    case 'status':
      return { ...state, status: a.text };
  }
}

/** The selected replica, if any. */
export function selectedReplica(state: ViewState): Replica | undefined {
  return state.replicas[state.selected];
}

/** The container runs something other than what the file now says (compose#4140). */
export function drifted(state: ViewState, r: Replica): boolean {
  const want = state.services.find((s) => s.name === r.service)?.hash;
  return !!want && !!r.configHash && r.configHash !== want;
}

/**
 * The dependencies a not-yet-started replica waits on during `up` (compose#2868), by the shared
 * rule in ../waiting.ts.
 */
export function waitingOn(state: ViewState, r: Replica): string[] {
  if (state.mode !== 'up') return [];
  return waitingOnRule(r, state.services.find((s) => s.name === r.service)?.dependsOn ?? [], state.replicas);
}

/** The log lines the filter lets through. */
export function visibleLogs(state: ViewState): LogLine[] {
  return state.filter === undefined ? state.logs : state.logs.filter((l) => l.service === state.filter || l.name === '');
}
