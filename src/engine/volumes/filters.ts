// The `filters` of GET /volumes and POST /volumes/prune, on engine/filters.ts's matchers: name is
// a regular expression (or exact match), label is key or key=value, dangling is a boolean, prune
// takes label / label! and `all`.
import { InvalidArgumentError } from '../errors.js';
import { exactMatch, getBoolOrDefault, labelMatches, match, matchKVList, matchLabelFilters, validateFilters, type Filters } from '../filters.js';
import { ANONYMOUS_LABEL } from './names.js';
import type { VolumeRecord } from './types.js';

export type { Filters };

/** What a filter needs to know about a volume besides its record. */
export interface VolumeFacts {
  record: VolumeRecord;
  inUse: boolean;
}

export type VolumePredicate = (v: VolumeFacts) => boolean;

const LIST_FILTERS = ['dangling', 'driver', 'label', 'name'];
const PRUNE_FILTERS = ['label', 'label!', 'all'];

/** GET /volumes filters → a predicate; unknown filters and bad booleans are Docker's 400s. */
export function listPredicate(filters: Filters): VolumePredicate {
  validateFilters(filters, LIST_FILTERS);
  const dangling = getBoolOrDefault(filters, 'dangling');
  return ({ record, inUse }) =>
    exactMatch(filters, 'driver', record.Driver) &&
    match(filters, 'name', record.Name) &&
    matchKVList(filters, 'label', record.Labels) &&
    (dangling === undefined || dangling === !inUse);
}

/**
 * POST /volumes/prune filters → a predicate over unused local volumes without mount options
 * (those hold no space here). Since API 1.42 only anonymous volumes go, unless `all` is true.
 */
export function prunePredicate(filters: Filters, opts: { all?: boolean } = {}): VolumePredicate {
  validateFilters(filters, PRUNE_FILTERS);
  const all = opts.all || pruneAllFilter(filters);
  return ({ record, inUse }) =>
    !inUse &&
    record.Driver === 'local' &&
    !hasOptions(record) &&
    (all || labelMatches(record.Labels, ANONYMOUS_LABEL)) &&
    matchLabelFilters(filters, record.Labels);
}

function pruneAllFilter(filters: Filters): boolean {
  const all = filters.get('all');
  if (!all || all.length === 0) return false;
  if (all.length > 1) throw new InvalidArgumentError(`invalid filter 'all=[${all.join(' ')}]': only one value is expected`);
  const b = parseGoBool(all[0]);
  if (b === undefined) throw new InvalidArgumentError(`invalid filter 'all': strconv.ParseBool: parsing ${JSON.stringify(all[0])}: invalid syntax`);
  return b;
}

/** Go's strconv.ParseBool. */
export function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

export function hasOptions(record: VolumeRecord): boolean {
  return record.Options !== null && Object.keys(record.Options).length > 0;
}
