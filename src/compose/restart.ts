// `compose restart` as compose's restart.go: the named services (all when none) and, unless
// --no-deps, the services depending on them with `restart: true`, restarted in dependency order,
// each after its restart-linked dependencies are ready again. Without a compose file the
// dependencies come from the containers' com.docker.compose.depends_on labels.
import type { ContainerSummary } from '../api-types/containers.js';
import type { ServiceDependency } from './model.js';
import { canonicalName, ComposeLabels } from './naming.js';
import { byService, projectContainers } from './observe.js';
import { walk } from './graph.js';
import { containerId } from './progress.js';
import type { Session } from './session.js';
import { waitDependencies } from './up.js';

type RestartGraph = Record<string, { depends_on: Record<string, ServiceDependency> }>;

/** "db:service_healthy:true,cache:service_started:false" → depends_on entries. */
function dependsOnFromLabel(label: string | undefined): Record<string, ServiceDependency> {
  const out: Record<string, ServiceDependency> = {};
  for (const part of (label ?? '').split(',').filter(Boolean)) {
    const [name, condition = 'service_started', restart = 'false'] = part.split(':');
    out[name] = { condition: condition as ServiceDependency['condition'], restart: restart === 'true', required: true };
  }
  return out;
}

/** Each service's `restart: true` dependencies (the only edges restart follows). */
function restartGraph(s: Session, observed: Map<string, ContainerSummary[]>): RestartGraph {
  const graph: RestartGraph = {};
  const names = new Set([...Object.keys(s.project.services), ...observed.keys()]);
  for (const name of names) {
    const declared = s.project.services[name]?.depends_on ?? dependsOnFromLabel(observed.get(name)?.[0]?.Labels?.[ComposeLabels.dependsOn]);
    graph[name] = { depends_on: Object.fromEntries(Object.entries(declared).filter(([, d]) => d.restart === true)) };
  }
  return graph;
}

/** The named services plus, transitively, those depending on them with `restart: true`. */
function withRestartDependents(graph: RestartGraph, names: readonly string[]): Set<string> {
  const out = new Set(names);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, svc] of Object.entries(graph)) {
      if (out.has(name)) continue;
      if (Object.keys(svc.depends_on).some((d) => out.has(d))) {
        out.add(name);
        grew = true;
      }
    }
  }
  return out;
}

export async function restart(s: Session, services: readonly string[], opts: { noDeps?: boolean; timeout?: number } = {}): Promise<void> {
  for (const n of services) if (Object.keys(s.project.services).length && !s.project.services[n]) throw new Error(`no such service: ${n}`);
  const observed = byService(await projectContainers(s.client, s.project.name));
  const graph = restartGraph(s, observed);
  const scope = services.length === 0 ? new Set(Object.keys(graph)) : opts.noDeps ? new Set(services) : withRestartDependents(graph, services);
  // Waiting uses only the restart edges inside the scope (compose drops the others).
  const services2 = Object.fromEntries(
    Object.entries(graph).map(([name, g]) => [name, { ...(s.project.services[name] ?? {}), depends_on: Object.fromEntries(Object.entries(g.depends_on).filter(([d]) => scope.has(d))) }]),
  );
  const scoped: Session = { ...s, project: { ...s.project, services: services2 } };
  await walk(
    services2,
    async (name) => {
      await waitDependencies(scoped, name, observed);
      await Promise.all(
        (observed.get(name) ?? []).map(async (c) => {
          const id = containerId(canonicalName(c));
          s.progress({ id, status: 'working', text: 'Restarting' });
          try {
            await s.client.containers.restart(c.Id, { timeout: opts.timeout });
          } catch (e) {
            s.progress({ id, status: 'error', text: 'Error' });
            throw e;
          }
          s.progress({ id, status: 'done', text: 'Started' });
        }),
      );
    },
    { only: new Set([...scope].filter((n) => observed.has(n))) },
  );
}
