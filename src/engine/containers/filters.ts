// The filters of GET /containers/json (ps) and POST /containers/prune, as dockerd's
// daemon/list.go and daemon/prune.go apply them, on engine/filters.ts's matchers.
import { InvalidArgumentError } from '../errors.js';
import { contains, exactMatch, match, matchKVList, prunePredicate, validateFilters, type Filters } from '../filters.js';
import { familiarString, parseNormalizedNamed } from '../images/reference.js';
import type { ContainerRecord } from './types.js';
import type { ContainerService } from './service.js';

const PS_FILTERS = ['ancestor', 'before', 'expose', 'exited', 'health', 'id', 'isolation', 'is-task', 'label', 'name', 'network', 'publish', 'since', 'status', 'volume'];
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
const HEALTHS = ['starting', 'healthy', 'unhealthy', 'none'];

/** GET /containers/json: all, limit, filters — newest first, as Docker lists them. */
export function listContainers(svc: ContainerService, o: { all: boolean; limit?: number; filters: Filters }): ContainerRecord[] {
  const f = o.filters;
  validateFilters(f, PS_FILTERS);
  for (const s of f.get('status') ?? []) if (!STATUSES.includes(s)) throw new InvalidArgumentError(`invalid filter 'status=${s}'`);
  for (const h of f.get('health') ?? []) if (!HEALTHS.includes(h)) throw new InvalidArgumentError(`unrecognized filter value for health: ${h}`);
  const exitCodes = (f.get('exited') ?? []).map((v) => {
    if (!/^[-+]?\d+$/.test(v)) throw new InvalidArgumentError(`strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
    return Number(v);
  });
  if (contains(f, 'is-task') && !exactMatch(f, 'is-task', 'true') && !exactMatch(f, 'is-task', 'false')) {
    throw new InvalidArgumentError(`invalid filter 'is-task=[${(f.get('is-task') ?? []).join(' ')}]'`);
  }
  // Asked for by full ids only (the dashboard re-reads the rows its events named): look them up
  // instead of walking and sorting every container.
  const byId = onlyFullIds(f);
  let list = (byId ? byId.flatMap((id) => svc.store.find(id) ?? []) : svc.list()).sort((a, b) => (b.created < a.created ? -1 : b.created > a.created ? 1 : 0));
  const all = o.all || (o.limit !== undefined && o.limit > 0) || f.has('status') || f.has('exited');
  const created = (ref: string) => Date.parse(svc.get(ref).created);
  const before = f.get('before') ?? [];
  if (before.length) {
    const t = Math.min(...before.map(created));
    list = list.filter((c) => Date.parse(c.created) < t);
  }
  const since = f.get('since') ?? [];
  if (since.length) {
    const t = Math.max(...since.map(created));
    list = list.filter((c) => Date.parse(c.created) > t);
  }
  list = list.filter((c) => {
    if (!all && !c.state.Running && !c.state.Restarting) return false;
    if (!match(f, 'name', '/' + c.name)) return false;
    if (!match(f, 'id', c.id)) return false;
    if ((f.get('is-task') ?? []).includes('true')) return false; // no swarm tasks here
    if (!matchKVList(f, 'label', c.config.Labels)) return false; // every label filter must hold
    if (!match(f, 'isolation', 'default')) return false;
    if (exitCodes.length && !(exitCodes.includes(c.state.ExitCode) && !c.state.Running && c.state.StartedAt !== '0001-01-01T00:00:00Z')) return false;
    if (!exactMatch(f, 'status', c.state.Status)) return false;
    if (!exactMatch(f, 'health', ((c.state as { Health?: { Status?: string } }).Health?.Status ?? 'none'))) return false;
    // The rest: any one of the values matching is enough (dockerd walks the values).
    for (const k of ['ancestor', 'volume', 'network', 'expose', 'publish']) {
      const vals = f.get(k) ?? [];
      if (vals.length && !vals.some((v) => matchAny(svc, c, k, v))) return false;
    }
    return true;
  });
  if (o.limit !== undefined && o.limit > 0) list = list.slice(0, o.limit);
  return list;
}

/** The id filter's values when it is the only filter and each is a full 64-hex id, else undefined. */
function onlyFullIds(f: Filters): string[] | undefined {
  const ids = f.get('id');
  if (!ids?.length || f.size !== 1 || !ids.every((v) => /^[0-9a-f]{64}$/.test(v))) return undefined;
  return [...new Set(ids)];
}

function matchAny(svc: ContainerService, c: ContainerRecord, k: string, v: string): boolean {
  switch (k) {
    case 'ancestor':
      return matchesAncestor(svc, c, v);
    case 'volume':
      return c.mounts.some((m) => m.Name === v || m.Destination === v || m.Source === v);
    case 'network': {
      const nets = (c.networkSettings.Networks ?? {}) as Record<string, { NetworkID?: string } | null>;
      if (Object.prototype.hasOwnProperty.call(nets, v) || c.hostConfig.NetworkMode === v) return true;
      return Object.values(nets).some((n) => !!n?.NetworkID && n.NetworkID.startsWith(v));
    }
    case 'expose':
      return Object.keys(c.config.ExposedPorts ?? {}).some((p) => p === v || p === `${v}/tcp`);
    case 'publish':
      return Object.entries<any>(c.networkSettings.Ports ?? {}).some(([p, b]) => p === v || p === `${v}/tcp` || (b ?? []).some((x: any) => x.HostPort === v.split('/')[0]));
    default:
      return false;
  }
}

function matchesAncestor(svc: ContainerService, c: ContainerRecord, v: string): boolean {
  if (c.config.Image === v) return true;
  try {
    const want = svc.o.images.find(v);
    if (!want) {
      const n = parseNormalizedNamed(v);
      return familiarString(n) === c.config.Image;
    }
    if (want.id === c.image) return true;
    // Descendants of the image count too.
    let cur = svc.o.images.find(c.image);
    for (let i = 0; cur && i < 100; i++) {
      if (cur.id === want.id) return true;
      cur = cur.parent ? svc.o.images.find(cur.parent) : undefined;
    }
  } catch {}
  return false;
}

/** POST /containers/prune filters (until, label, label!) → which stopped containers go. */
export function containerPruneFilter(f: Filters, now: number = Date.now()): (c: ContainerRecord) => boolean {
  const keep = prunePredicate(f, ['until', 'label', 'label!'], now);
  return (c) => keep(Date.parse(c.created), c.config.Labels);
}
