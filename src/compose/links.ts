// Legacy `links:` and `external_links:` as compose's getLinks writes them (a V1 inheritance):
// each container of a linked service under the link name, `<service>-<n>` and
// `<project>-<service>-<n>` (n: the number of the container being created), and one-offs also
// link to their own service's containers.
import type { ContainerSummary } from '../api-types/containers.js';
import type { ServiceConfig } from './model.js';
import { canonicalName, SEPARATOR } from './naming.js';

export function serviceLinks(
  project: string,
  service: string,
  svc: Pick<ServiceConfig, 'links' | 'external_links'>,
  number: number,
  containersOf: (service: string) => readonly ContainerSummary[],
  oneOff = false,
): string[] {
  const links: string[] = [];
  for (const raw of svc.links ?? []) {
    const [linked, alias = linked] = raw.split(':');
    for (const c of containersOf(linked)) {
      const name = canonicalName(c);
      links.push(`${name}:${alias}`, `${name}:${linked}${SEPARATOR}${number}`, `${name}:${[project, linked, number].join(SEPARATOR)}`);
    }
  }
  if (oneOff) {
    for (const c of containersOf(service)) {
      const name = canonicalName(c);
      links.push(`${name}:${service}`, `${name}:${name.startsWith(project + SEPARATOR) ? name.slice(project.length + 1) : name}`, `${name}:${name}`);
    }
  }
  for (const raw of svc.external_links ?? []) {
    const [external, alias = external] = raw.split(':');
    links.push(`${external}:${alias}`);
  }
  return links;
}
