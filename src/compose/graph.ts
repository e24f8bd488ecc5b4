// The service dependency graph (compose's pkg/compose/dependencies.go): depends_on plus the
// implicit edges (links, network_mode/ipc/pid `service:X`, volumes_from), walked so that a service
// runs once everything it depends on is done (or, reversed, once everything depending on it is),
// independent services in parallel. A failure stops new visits; the running ones finish.

/** The part of a service the graph reads. */
export interface GraphService {
  depends_on?: Record<string, { condition?: string; required?: boolean; restart?: boolean }>;
  links?: string[];
  network_mode?: string;
  ipc?: string;
  pid?: string;
  volumes_from?: string[];
}

const serviceRef = (mode: string | undefined): string | undefined => (mode?.startsWith('service:') ? mode.slice('service:'.length) : undefined);

/** The services `svc` depends on, explicit and implicit, each once. */
export function dependenciesOf(svc: GraphService): string[] {
  const deps = new Set(Object.keys(svc.depends_on ?? {}));
  for (const l of svc.links ?? []) deps.add(l.split(':')[0]);
  for (const m of [svc.network_mode, svc.ipc, svc.pid]) {
    const s = serviceRef(m);
    if (s) deps.add(s);
  }
  for (const v of svc.volumes_from ?? []) {
    const [first, second] = v.split(':');
    if (first === 'container') continue;
    if (first === 'service' && second) deps.add(second);
    else deps.add(first);
  }
  return [...deps];
}

export class DependencyCycleError extends Error {}

/** Throws compose-go's "dependency cycle detected: a -> b -> a" when depends_on loops. */
export function checkCycles(services: Record<string, GraphService>): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const i = path.indexOf(name);
      throw new DependencyCycleError(`dependency cycle detected: ${path.slice(i).join(' -> ')} -> ${name}`);
    }
    state.set(name, 'visiting');
    path.push(name);
    const svc = services[name];
    if (svc) for (const d of dependenciesOf(svc).sort()) if (services[d]) visit(d);
    path.pop();
    state.set(name, 'done');
  };
  for (const name of Object.keys(services).sort()) visit(name);
}

/** `names` and everything they depend on, transitively (services not in the project are skipped). */
export function withDependencies(services: Record<string, GraphService>, names: readonly string[]): string[] {
  const out = new Set<string>();
  const add = (n: string): void => {
    if (out.has(n) || !services[n]) return;
    out.add(n);
    for (const d of dependenciesOf(services[n])) add(d);
  };
  for (const n of names) add(n);
  return [...out];
}

/** The services depending on `name`, directly. */
export function dependentsOf(services: Record<string, GraphService>, name: string): string[] {
  return Object.keys(services).filter((s) => dependenciesOf(services[s]).includes(name));
}

/** Services in a valid start order (dependencies first), ties by name (`config --services`, tests). */
export function startOrder(services: Record<string, GraphService>): string[] {
  checkCycles(services);
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string): void => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const d of dependenciesOf(services[n]).sort()) if (services[d]) visit(d);
    out.push(n);
  };
  for (const n of Object.keys(services).sort()) visit(n);
  return out;
}

export interface WalkOptions {
  /** Visit dependants before their dependencies (stop, down). */
  reverse?: boolean;
  /** Only these services are visited; the others are walked through as already done. */
  only?: ReadonlySet<string>;
}

/**
 * Calls `fn` for each service once every service it waits on (its dependencies, or with
 * `reverse` its dependants) has completed; independent services run at the same time. After a
 * failure no new service starts; the first error is thrown once the running ones settle.
 */
export async function walk(services: Record<string, GraphService>, fn: (name: string) => Promise<void>, opts: WalkOptions = {}): Promise<void> {
  checkCycles(services);
  const names = Object.keys(services);
  const waitsOn = new Map<string, string[]>();
  for (const n of names) {
    waitsOn.set(n, opts.reverse ? dependentsOf(services, n) : dependenciesOf(services[n]).filter((d) => services[d]));
  }
  const done = new Set<string>();
  const started = new Set<string>();
  let failure: { error: unknown } | undefined;
  await new Promise<void>((resolve) => {
    let running = 0;
    const pump = (): void => {
      if (!failure) {
        for (const n of names) {
          if (started.has(n) || !waitsOn.get(n)!.every((d) => done.has(d))) continue;
          started.add(n);
          running++;
          const visit = opts.only && !opts.only.has(n) ? Promise.resolve() : Promise.resolve().then(() => fn(n));
          visit.then(
            () => {
              done.add(n);
              running--;
              pump();
            },
            (error: unknown) => {
              failure ??= { error };
              running--;
              pump();
            },
          );
        }
      }
      if (running === 0) resolve();
    };
    pump();
  });
  if (failure) throw failure.error;
}

/** The project's services, dependencies first (what `docker compose config --services` lists). */
export function servicesInDependencyOrder(project: { services: Record<string, GraphService> }): string[] {
  return startOrder(project.services);
}
