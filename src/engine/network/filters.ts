// Docker's network filters for GET /networks (list) and POST /networks/prune, as dockerd's
// daemon/network/filter.go and daemon/prune.go apply them, on engine/filters.ts's matchers.
import { InvalidArgumentError } from '../errors.js';
import { exactMatch, match, matchKVList, prunePredicate, validateFilters, type Filters } from '../filters.js';
import type { NetworkRecord } from './types.js';

const NETWORK_LIST_FILTERS = ['driver', 'type', 'name', 'id', 'label', 'scope', 'dangling'];

/** GET /networks filters → a predicate over (network, in use); bad filters are 400s up front. */
export function networkListFilter(f: Filters): (n: NetworkRecord, inUse: boolean) => boolean {
  validateFilters(f, NETWORK_LIST_FILTERS);
  const types = f.get('type') ?? [];
  for (const t of types) if (t !== 'builtin' && t !== 'custom') throw new InvalidArgumentError(`invalid filter: 'type'='${t}'`);
  const dangling = f.get('dangling') ?? [];
  if (dangling.length > 1) throw new InvalidArgumentError('got more than one value for filter key "dangling"');
  if (dangling.length && !['0', 'false', '1', 'true'].includes(dangling[0])) {
    throw new InvalidArgumentError('invalid value for filter \'dangling\', must be "true" (or "1"), or "false" (or "0")');
  }
  const danglingOnly = dangling.length ? dangling[0] === '1' || dangling[0] === 'true' : undefined;
  return (n, inUse) =>
    exactMatch(f, 'driver', n.Driver) &&
    match(f, 'name', n.Name) &&
    match(f, 'id', n.Id) &&
    matchKVList(f, 'label', n.Labels) &&
    exactMatch(f, 'scope', 'local') &&
    (danglingOnly === undefined || danglingOnly === (!inUse && !n.predefined)) &&
    (types.length === 0 || types.includes(n.predefined ? 'builtin' : 'custom'));
}

/** POST /networks/prune filters: until, label, label! → which unused networks go. */
export function networkPruneFilter(f: Filters): (n: NetworkRecord) => boolean {
  const keep = prunePredicate(f, ['until', 'label', 'label!']);
  return (n) => keep(Date.parse(n.Created), n.Labels);
}
