// `up` and `create` as Docker Compose v2 runs them (pkg/compose/create.go, convergence.go,
// start.go): images, networks and volumes first; then each service converged in dependency order
// (independent ones in parallel) by its plan; then containers started in dependency order, each
// service waiting for its depends_on conditions.
import type { ContainerSummary } from '../api-types/containers.js';
import { createRequest } from './create-request.js';
import { stopAndRemove, createContainer, recreateContainer, startContainer, stopContainer } from './containers.js';
import { checkCycles, walk, withDependencies } from './graph.js';
import { serviceHash } from './hash.js';
import { ensureImages, type BuildPolicy, type EnsuredImage } from './images.js';
import { serviceLinks } from './links.js';
import type { ServiceConfig } from './model.js';
import { ComposeLabels, canonicalName, containerName, serviceLabels, serviceOf, volumeName } from './naming.js';
import { byService, exited, healthy, projectContainers, running, waitFor } from './observe.js';
import { planService, type RecreatePolicy } from './plan.js';
import { containerId } from './progress.js';
import { ensureNetworks, ensureVolumes, usedNetworks, usedVolumes } from './resources.js';
import { isOrphanService, originFiles, selectServices, serviceScale, type Session } from './session.js';
import { settled } from '../util/best-effort.js';

export interface CreateOptions {
  /** Services named on the command line (all when empty). */
  services?: string[];
  /** Leave out the dependencies of the named services. */
  noDeps?: boolean;
  /** For the named services; dependencies are recreated only when they diverge. */
  recreate?: RecreatePolicy;
  removeOrphans?: boolean;
  scale?: Record<string, number>;
  /** Stop timeout in seconds for replaced containers. */
  timeout?: number;
  build?: BuildPolicy;
  /** `--pull`: overrides every service's pull_policy. */
  pull?: string;
  /** Reuse anonymous volumes of replaced containers (compose's default; `-V` turns it off). */
  inherit?: boolean;
  /** Build output (the builder's stream). */
  write?: (text: string) => void;
}

/** The project's containers after convergence, by service. */
export type Observed = Map<string, ContainerSummary[]>;

/** The services an operation covers: the named ones and, unless noDeps, their dependencies. */
export function scopeOf(s: Session, names: readonly string[] = [], noDeps = false): string[] {
  checkCycles(s.project.services);
  const selected = selectServices(s.project, names);
  return noDeps || names.length === 0 ? selected : withDependencies(s.project.services, selected);
}

/** Replaces `service:X` in network_mode/ipc/pid and volumes_from with the first container of X. */
function resolveReferences(svc: ServiceConfig, observed: Observed): ServiceConfig {
  const first = (service: string, what: string): string => {
    const list = observed.get(service) ?? [];
    if (!list.length) throw new Error(`cannot share ${what} with service ${service}: container missing`);
    return list[0].Id;
  };
  const out: ServiceConfig = { ...svc };
  for (const [key, what] of [
    ['network_mode', 'network namespace'],
    ['ipc', 'IPC namespace'],
    ['pid', 'PID namespace'],
  ] as const) {
    const v = out[key];
    if (v?.startsWith('service:')) out[key] = `container:${first(v.slice(8), what)}`;
  }
  if (out.volumes_from) {
    out.volumes_from = out.volumes_from.map((v) => {
      const [a, b] = v.split(':');
      if (a === 'container') return v.slice('container:'.length);
      const service = a === 'service' ? b : a;
      return first(service, 'volume');
    });
  }
  return out;
}

/** Labels for a service's containers: the user's, compose's own, and the image ID. */
function labelsFor(s: Session, name: string, svc: ServiceConfig, image?: EnsuredImage): Record<string, string> {
  const labels = { ...(svc.labels ?? {}), ...serviceLabels(s.project.name, name, s.origin) };
  if (image) labels[ComposeLabels.image] = image.id;
  return labels;
}

/** Creates what is missing and recreates what diverged; starts nothing. Returns the containers by service. */
export async function converge(s: Session, opts: CreateOptions = {}): Promise<Observed> {
  const { project } = s;
  const scope = scopeOf(s, opts.services, opts.noDeps);
  const named = new Set(opts.services?.length ? opts.services : scope);
  // The project's containers are read alongside (one list call, by label): nothing below
  // changes a container before they are known.
  const listing = projectContainers(s.client, project.name);
  void settled(listing); // its error is thrown where it is awaited, or lost with an earlier one
  const images = await ensureImages(s.client, project, scope, { build: opts.build, pull: opts.pull, progress: s.progress, write: opts.write, origin: originFiles(s) });
  const networks = await ensureNetworks(s.client, project, usedNetworks(project, scope), s.progress);
  await ensureVolumes(s.client, project, usedVolumes(project, scope), s.progress);

  const all = await listing;
  const orphans = all.filter((c) => isOrphanService(s, serviceOf(c)));
  if (orphans.length) {
    if (opts.removeOrphans) await Promise.all(orphans.map((c) => stopAndRemove(s, c, { timeout: opts.timeout })));
    else {
      s.warn(
        `Found orphan containers ([${orphans.map(canonicalName).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`,
      );
    }
  }
  const observed: Observed = byService(all.filter((c) => project.services[serviceOf(c)]));

  await walk(
    project.services,
    async (name) => {
      const svc = resolveReferences(project.services[name], observed);
      const scale = serviceScale(svc, opts.scale?.[name]);
      if (scale > 1 && svc.container_name) {
        throw new Error(
          `WARNING: The "${name}" service is using the custom container name "${svc.container_name}". Docker requires each container to have a unique name. Remove the custom name to scale the service`,
        );
      }
      const policy = named.has(name) ? (opts.recreate ?? 'diverged') : 'diverged';
      const nets: Record<string, string> = {};
      if (!svc.network_mode) for (const key of Object.keys(svc.networks ?? { default: null })) if (networks[key]) nets[key] = networks[key];
      const vols = (svc.volumes ?? []).filter((v) => v.type === 'volume' && v.source && project.volumes?.[v.source]).map((v) => volumeName(project, v.source!));
      const want = { hash: serviceHash(svc), imageDigest: images[name]?.id, scale, networks: nets, volumes: vols };
      const plan = planService(want, observed.get(name) ?? [], policy);
      if (plan.recreate.length) await stopDependents(s, name, observed, opts.timeout);
      const labels = labelsFor(s, name, svc, images[name]);
      const request = (number: number, cname: string, inherit?: ContainerSummary) =>
        createRequest({ project, service: name, svc, number, name: cname, labels, useNetworkAliases: true, links: serviceLinks(project.name, name, svc, number, (x) => observed.get(x) ?? []), inherit: opts.inherit === false ? undefined : inherit, imageVolumes: images[name]?.volumes });
      const kept = plan.keep.map((c) => {
        if (c.State === 'running') s.progress({ id: containerId(canonicalName(c)), status: 'done', text: 'Running' });
        else if (c.State === 'exited') s.progress({ id: containerId(canonicalName(c)), status: 'done', text: 'Created' });
        return c;
      });
      const results = await Promise.all([
        ...plan.remove.map(async (c) => {
          await stopAndRemove(s, c, { timeout: opts.timeout });
          return undefined;
        }),
        ...plan.recreate.map((c) => {
          const number = Number(c.Labels?.[ComposeLabels.containerNumber] ?? 1);
          const cname = containerName(project.name, name, svc, number);
          return recreateContainer(s, svc, c, cname, request(number, cname, c), opts.timeout);
        }),
        ...plan.create.map((number) => {
          const cname = containerName(project.name, name, svc, number);
          return createContainer(s, svc, cname, request(number, cname));
        }),
      ]);
      observed.set(name, [...kept, ...results.filter((c): c is ContainerSummary => !!c)]);
    },
    { only: new Set(scope) },
  );
  return observed;
}

/** Stops the containers of services depending on `name` with `restart: true` (they are started again later). */
async function stopDependents(s: Session, name: string, observed: Observed, timeout?: number): Promise<void> {
  const dependents = Object.entries(s.project.services)
    .filter(([, svc]) => svc.depends_on?.[name]?.restart === true)
    .map(([n]) => n);
  await Promise.all(
    dependents.flatMap((d) =>
      (observed.get(d) ?? []).map(async (c) => {
        if (c.State !== 'running') return;
        await stopContainer(s, c, timeout);
        c.State = 'exited';
      }),
    ),
  );
}

export interface StartOptions {
  services?: string[];
  noDeps?: boolean;
  /** Seconds to wait for dependencies (none: no limit). */
  waitTimeout?: number;
  /** Called once a container is started (`fresh`), or for one already running: attach hooks in here. */
  onContainer?: (c: ContainerSummary, fresh: boolean) => void;
}

/** Waits for a service's depends_on conditions (compose's waitDependencies), printing Waiting/Healthy/Exited. */
export async function waitDependencies(s: Session, name: string, observed: Observed, signal?: AbortSignal): Promise<void> {
  const svc = s.project.services[name];
  await Promise.all(
    Object.entries(svc.depends_on ?? {}).map(async ([dep, cfg]) => {
      if (cfg.condition === 'service_started') return;
      const depSvc = s.project.services[dep];
      const containers = observed.get(dep) ?? [];
      if (!depSvc || serviceScale(depSvc) === 0) {
        if (!depSvc && cfg.required !== false) throw new Error(`${name} is missing dependency ${dep}`);
        return;
      }
      if (containers.length === 0) {
        if (cfg.required !== false) throw new Error(`${name} is missing dependency ${dep}`);
        s.warn(`${name} is missing dependency ${dep}`);
        return;
      }
      const ids = containers.map((c) => c.Id);
      const event = (text: string, status: 'working' | 'done' | 'warning' | 'error' = 'done') => {
        for (const c of containers) s.progress({ id: containerId(canonicalName(c)), status, text });
      };
      event('Waiting', 'working');
      try {
        if (cfg.condition === 'service_healthy') {
          await waitFor(s.client, ids, healthy(false), { signal });
          event('Healthy');
        } else if (cfg.condition === 'service_completed_successfully') {
          await waitFor(s.client, ids, exited, { signal });
          for (const id of ids) {
            const code = (await s.client.containers.inspect(id)).State.ExitCode ?? 0;
            if (code !== 0) {
              const msg = `"${dep}" didn't complete successfully: exit ${code}`;
              if (cfg.required === false) {
                event(`Skipped: optional dependency ${msg}`, 'warning');
                s.warn(`optional dependency ${msg}`);
                return;
              }
              event(`service ${msg}`, 'error');
              throw new Error(`service ${msg}`);
            }
          }
          event('Exited');
        } else {
          s.warn(`unsupported depends_on condition: ${cfg.condition}`);
        }
      } catch (e) {
        if (cfg.required === false) {
          event(`Skipped: optional dependency "${dep}" failed to start`, 'warning');
          s.warn(`optional dependency "${dep}" failed to start: ${(e as Error).message}`);
          return;
        }
        if (cfg.condition === 'service_healthy') {
          event('Error', 'error');
          throw new Error(`dependency failed to start: ${(e as Error).message}`, { cause: e });
        }
        throw e;
      }
    }),
  );
}

/** Starts the containers of the services in scope, dependencies first (compose's start). */
export async function startServices(s: Session, observed: Observed, opts: StartOptions = {}): Promise<void> {
  const scope = scopeOf(s, opts.services, opts.noDeps);
  const abort = new AbortController();
  const timer = opts.waitTimeout ? setTimeout(() => abort.abort(), opts.waitTimeout * 1000) : undefined;
  try {
    await walk(
      s.project.services,
      async (name) => {
        const svc = s.project.services[name];
        if (serviceScale(svc) === 0 && !(observed.get(name)?.length)) return;
        try {
          await waitDependencies(s, name, observed, abort.signal);
        } catch (e) {
          if (abort.signal.aborted) throw new Error('timeout waiting for dependencies', { cause: e });
          throw e;
        }
        const containers = observed.get(name) ?? [];
        if (containers.length === 0 && serviceScale(svc) > 0) throw new Error(`service "${name}" has no container to start`);
        for (const c of containers) {
          if (c.State === 'running') {
            opts.onContainer?.(c, false);
            continue;
          }
          await startContainer(s, c);
          c.State = 'running';
          opts.onContainer?.(c, true);
        }
      },
      { only: new Set(scope) },
    );
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** `start`: the existing containers of the named services (all when none), each service after its dependencies' conditions hold; creates nothing. */
export async function startExisting(s: Session, services: readonly string[]): Promise<void> {
  const observed = byService(await projectContainers(s.client, s.project.name));
  const scope = scopeOf(s, services, true);
  for (const name of scope) if (!(observed.get(name)?.length)) observed.delete(name);
  await startServices(s, observed, { services: scope.filter((n) => observed.has(n)), noDeps: true });
}

/** `--wait`: every container in scope running, and healthy where it has a healthcheck. */
export async function waitHealthy(s: Session, observed: Observed, services: readonly string[], timeoutSeconds?: number): Promise<void> {
  const abort = new AbortController();
  const timer = timeoutSeconds ? setTimeout(() => abort.abort(), timeoutSeconds * 1000) : undefined;
  try {
    await Promise.all(
      services.map(async (name) => {
        const containers = observed.get(name) ?? [];
        const svc = s.project.services[name];
        // A one-shot a dependant waits to complete is not expected to keep running.
        const oneShot = Object.values(s.project.services).some((o) => o.depends_on?.[name]?.condition === 'service_completed_successfully');
        const check = oneShot ? exited : svc.healthcheck && !svc.healthcheck.disable ? healthy(true) : running;
        try {
          await waitFor(s.client, containers.map((c) => c.Id), check, { signal: abort.signal });
        } catch (e) {
          for (const c of containers) s.progress({ id: containerId(canonicalName(c)), status: 'error', text: 'Error' });
          if (abort.signal.aborted) throw new Error(`timeout waiting for ${name} to be ${svc.healthcheck ? 'healthy' : 'running'}`, { cause: e });
          throw e;
        }
        for (const c of containers) s.progress({ id: containerId(canonicalName(c)), status: 'done', text: svc.healthcheck ? 'Healthy' : 'Running' });
      }),
    );
  } finally {
    if (timer) clearTimeout(timer);
  }
}
