// What `up` must do to one service, decided from the running containers alone (pure): compose's
// convergence.ensureService. Containers whose config hash (or image) differs are recreated;
// surplus containers go, obsolete ones and the highest numbers first; missing replicas are
// created with the next free numbers.
import type { ContainerSummary } from '../api-types/containers.js';
import { ComposeLabels, containerNumber } from './naming.js';

/** `diverged` (default): recreate on change; `force`: always; `never`: keep what exists. */
export type RecreatePolicy = 'diverged' | 'force' | 'never';

export interface ServiceState {
  /** The config hash the service's containers should carry. */
  hash: string;
  /** The image ID compose records in `com.docker.compose.image` (when known). */
  imageDigest?: string;
  /** Wanted number of containers. */
  scale: number;
  /** Top-level network keys the service joins → network IDs (checked for running containers). */
  networks?: Record<string, string>;
  /** Named volume keys the service mounts → engine volume names. */
  volumes?: string[];
}

export interface ServicePlan {
  /** Up-to-date containers, kept (started later if not running). */
  keep: ContainerSummary[];
  /** Containers replaced by a new one with the same number. */
  recreate: ContainerSummary[];
  /** Surplus containers, stopped and removed. */
  remove: ContainerSummary[];
  /** Numbers of the containers to create. */
  create: number[];
}

/** compose's mustRecreate: policy, then hash and image digest, then networks and volumes. */
export function mustRecreate(want: ServiceState, c: ContainerSummary, policy: RecreatePolicy): boolean {
  if (policy === 'never') return false;
  if (policy === 'force') return true;
  const labels = c.Labels ?? {};
  if (labels[ComposeLabels.configHash] !== want.hash) return true;
  if (want.imageDigest !== undefined && (labels[ComposeLabels.image] ?? '') !== want.imageDigest) return true;
  if (want.networks && c.State === 'running') {
    const joined = new Set(Object.values(c.NetworkSettings?.Networks ?? {}).map((n) => n.NetworkID));
    for (const id of Object.values(want.networks)) if (!joined.has(id)) return true;
  }
  if (want.volumes?.length) {
    const mounted = new Set((c.Mounts ?? []).filter((m) => m.Type === 'volume').map((m) => m.Name));
    for (const v of want.volumes) if (!mounted.has(v)) return true;
  }
  return false;
}

/** The next free number: one past the highest in use. */
export function nextNumber(containers: readonly ContainerSummary[]): number {
  let max = 0;
  for (const c of containers) max = Math.max(max, containerNumber(c) ?? 0);
  return max + 1;
}

export function planService(want: ServiceState, observed: readonly ContainerSummary[], policy: RecreatePolicy = 'diverged'): ServicePlan {
  const obsolete = new Map(observed.map((c) => [c, mustRecreate(want, c, policy)]));
  // Keepers first: up to date, lowest numbers; obsolete ones and the highest numbers at the end.
  const sorted = [...observed].sort((a, b) => {
    const oa = obsolete.get(a)!;
    const ob = obsolete.get(b)!;
    if (oa !== ob) return oa ? 1 : -1;
    const na = containerNumber(a);
    const nb = containerNumber(b);
    if (na !== undefined && nb !== undefined) return na - nb;
    return a.Created - b.Created;
  });
  const plan: ServicePlan = { keep: [], recreate: [], remove: [], create: [] };
  sorted.forEach((c, i) => {
    if (i >= want.scale) plan.remove.push(c);
    else if (obsolete.get(c)) plan.recreate.push(c);
    else plan.keep.push(c);
  });
  // Surplus goes highest number first, as compose removes them.
  plan.remove.sort((a, b) => (containerNumber(b) ?? 0) - (containerNumber(a) ?? 0));
  const next = nextNumber(observed);
  for (let i = 0; i < want.scale - observed.length; i++) plan.create.push(next + i);
  return plan;
}

/** True when the plan touches no container (a no-change `up`, save starting stopped ones). */
export function isNoop(plan: ServicePlan): boolean {
  return plan.recreate.length === 0 && plan.remove.length === 0 && plan.create.length === 0;
}
