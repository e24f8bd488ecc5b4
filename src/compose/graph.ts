// The services' depends_on graph: dependency order (dependencies first, ties by name) and
// cycle detection with compose's message. Used by the loader (checks, `config --services`) and
// by plan/apply to order start and stop.
import type { Project, ServiceConfig } from './model.js';

type Services = Record<string, Pick<ServiceConfig, 'depends_on'>>;

/** "dependency cycle detected: a -> b -> a", or undefined. Missing services are ignored. */
export function findCycle(services: Services): string | undefined {
  const names = Object.keys(services).sort();
  const search = (path: string[], name: string): string | undefined => {
    const children = Object.keys(services[name]?.depends_on ?? {})
      .filter((c) => Object.hasOwn(services, c))
      .sort();
    for (const child of children) {
      const i = path.indexOf(child);
      if (i >= 0) return `dependency cycle detected: ${path.slice(i).join(' -> ')} -> ${child}`;
      const found = search([...path, child], child);
      if (found) return found;
    }
    return undefined;
  };
  for (const name of names) {
    const found = search([name], name);
    if (found) return found;
  }
  return undefined;
}

/** Service names with every dependency before its dependants; among the ready ones, by name. */
export function servicesInDependencyOrder(project: Pick<Project, 'services'>): string[] {
  const services = project.services;
  const done = new Set<string>();
  const order: string[] = [];
  const pending = Object.keys(services).sort();
  while (pending.length) {
    const ready = pending.find((n) => Object.keys(services[n].depends_on ?? {}).every((d) => done.has(d) || !Object.hasOwn(services, d)));
    const next = ready ?? pending[0]; // a cycle: the loader refuses those, keep going anyway
    pending.splice(pending.indexOf(next), 1);
    done.add(next);
    order.push(next);
  }
  return order;
}
