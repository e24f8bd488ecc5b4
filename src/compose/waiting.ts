// "waiting on X" (compose#2868): the depends_on conditions a not-yet-started container still waits
// for, judged from what the replicas of its dependencies show (state, health, exit code). Pure and
// free of Node: the terminal live view (tui/model.ts) and the dashboard's compose page (in the
// browser) both ask it, so the rule has this one home.
import type { Project } from './model.js';

/** One depends_on entry: service_started, service_healthy or service_completed_successfully. */
export interface Dependency {
  service: string;
  condition: string;
}

/** What the rule needs to know of a container. */
export interface ReplicaState {
  service: string;
  /** created, running, paused, restarting, exited, dead, removing. */
  state: string;
  /** starting, healthy, unhealthy; absent without a healthcheck. */
  health?: string;
  exitCode?: number;
}

/** Each service's depends_on entries from a loaded project, the condition defaulted as compose does. */
export function dependenciesOf(project: Pick<Project, 'services'>): Record<string, Dependency[]> {
  return Object.fromEntries(
    Object.entries(project.services).map(([name, svc]) => [name, Object.entries(svc.depends_on ?? {}).map(([service, d]) => ({ service, condition: d.condition ?? 'service_started' }))]),
  );
}

/** A dependency's condition holds, as far as its replicas tell. */
export function dependencyHolds(replicas: readonly ReplicaState[], service: string, condition: string): boolean {
  const reps = replicas.filter((r) => r.service === service);
  if (!reps.length) return false;
  if (condition === 'service_healthy') return reps.every((r) => r.health === 'healthy' || (r.state === 'running' && !r.health));
  if (condition === 'service_completed_successfully') return reps.every((r) => r.state === 'exited' && r.exitCode === 0);
  return reps.every((r) => r.state === 'running');
}

const AWAITED: Record<string, string> = { service_healthy: 'healthy', service_completed_successfully: 'completed' };

/**
 * What a replica that has not started yet (state created) waits on: its service's dependencies
 * whose condition does not hold, named with what is awaited ("web (healthy)"). Empty otherwise.
 */
export function waitingOn(r: ReplicaState, dependsOn: readonly Dependency[], replicas: readonly ReplicaState[]): string[] {
  if (r.state !== 'created') return [];
  return dependsOn.filter((d) => !dependencyHolds(replicas, d.service, d.condition)).map((d) => (AWAITED[d.condition] ? `${d.service} (${AWAITED[d.condition]})` : d.service));
}
