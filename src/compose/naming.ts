// Names and labels as Docker Compose v2 writes them (pkg/api/labels.go, pkg/compose/create.go,
// convergence.go), so berth compose and Docker Compose find and manage each other's projects.
import type { ContainerSummary } from '../api-types/containers.js';
import type { FilterInput } from '../api-types/common.js';
import { ComposeLabels, type Project, type ServiceConfig } from './model.js';

export { ComposeLabels };

/**
 * The Compose version written in `com.docker.compose.version`: the Docker Compose release whose
 * labels, names and config hash berth compose reproduces (informational; nothing reads it back).
 */
export const COMPOSE_VERSION = '2.39.4';

/** The unique slug of a one-off (`run`) container. */
export const SLUG_LABEL = 'com.docker.compose.slug';

/** Compose v2's separator in container and image names (`<project>-<service>-<n>`). */
export const SEPARATOR = '-';

/** `<project>-<service>-<n>`, or the service's `container_name`. */
export function containerName(project: string, service: string, svc: Pick<ServiceConfig, 'container_name'> | undefined, n: number): string {
  return svc?.container_name || [project, service, String(n)].join(SEPARATOR);
}

/** A one-off (`run`) container: `<project>-<service>-run-<slug12>`. */
export function oneOffContainerName(project: string, service: string, slug: string): string {
  return [project, service, 'run', slug.slice(0, 12)].join(SEPARATOR);
}

/** The image a service runs: its `image`, else `<project>-<service>` (what `build` tags). */
export function serviceImage(project: string, service: string, svc: Pick<ServiceConfig, 'image'>): string {
  return svc.image || `${project}${SEPARATOR}${service}`;
}

/** The engine name of a top-level network (the loader fills `name`; `<project>_<key>` otherwise). */
export function networkName(project: Project, key: string): string {
  return project.networks?.[key]?.name ?? `${project.name}_${key}`;
}

/** The engine name of a top-level volume. */
export function volumeName(project: Project, key: string): string {
  return project.volumes?.[key]?.name ?? `${project.name}_${key}`;
}

/** A container's name without the leading slash. */
export function canonicalName(c: Pick<ContainerSummary, 'Names' | 'Id'>): string {
  const names = c.Names ?? [];
  // A linked container has several names (/a/b); the canonical one has a single slash.
  const plain = names.find((n) => n.lastIndexOf('/') === 0) ?? names[0];
  return plain ? plain.replace(/^\//, '') : c.Id.slice(0, 12);
}

/** The name compose prints in log prefixes: the container name without `<project>-` (`web-1`). */
export function shortName(project: string, c: Pick<ContainerSummary, 'Names' | 'Id'>): string {
  const name = canonicalName(c);
  return name.startsWith(project + SEPARATOR) ? name.slice(project.length + 1) : name;
}

/** The container's `com.docker.compose.container-number`, or undefined. */
export function containerNumber(c: Pick<ContainerSummary, 'Labels'>): number | undefined {
  const v = c.Labels?.[ComposeLabels.containerNumber];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

export function serviceOf(c: Pick<ContainerSummary, 'Labels'>): string {
  return c.Labels?.[ComposeLabels.service] ?? '';
}

export function isOneOff(c: Pick<ContainerSummary, 'Labels'>): boolean {
  return c.Labels?.[ComposeLabels.oneoff] === 'True';
}

/** Filters for a project's containers, as compose lists them (project label, oneoff, services). */
export function projectFilters(project: string, opts: { oneOff?: 'include' | 'exclude' | 'only'; service?: string } = {}): FilterInput {
  const label = [`${ComposeLabels.project}=${project}`];
  if (opts.service !== undefined) label.push(`${ComposeLabels.service}=${opts.service}`);
  const oneOff = opts.oneOff ?? 'exclude';
  if (oneOff === 'exclude') label.push(`${ComposeLabels.oneoff}=False`);
  if (oneOff === 'only') label.push(`${ComposeLabels.oneoff}=True`);
  return { label };
}

/** What the loader knows about where the project came from (labels on every container). */
export interface ProjectOrigin {
  workingDir: string;
  configFiles: string[];
  envFiles?: string[];
}

/**
 * The labels compose puts on a service container besides the user's own (its CustomLabels):
 * project, service, version, working dir, config files, oneoff, env file.
 */
export function serviceLabels(project: string, service: string, origin: ProjectOrigin, oneOff = false): Record<string, string> {
  const labels: Record<string, string> = {
    [ComposeLabels.project]: project,
    [ComposeLabels.service]: service,
    [ComposeLabels.version]: COMPOSE_VERSION,
    [ComposeLabels.workingDir]: origin.workingDir,
    [ComposeLabels.configFiles]: origin.configFiles.join(','),
    [ComposeLabels.oneoff]: oneOff ? 'True' : 'False',
  };
  if (origin.envFiles?.length) labels[ComposeLabels.environmentFile] = origin.envFiles.join(',');
  return labels;
}

/** `com.docker.compose.depends_on`: `name:condition:restart` joined by commas. */
export function dependsOnLabel(svc: ServiceConfig): string {
  return Object.entries(svc.depends_on ?? {})
    .map(([name, d]) => `${name}:${d.condition}:${d.restart === true}`)
    .join(',');
}

/** Labels compose writes on the networks and volumes it creates. */
export function resourceLabels(kind: 'network' | 'volume', project: string, key: string, hash: string): Record<string, string> {
  return {
    [kind === 'network' ? ComposeLabels.network : ComposeLabels.volume]: key,
    [ComposeLabels.project]: project,
    [ComposeLabels.version]: COMPOSE_VERSION,
    [ComposeLabels.configHash]: hash,
  };
}
