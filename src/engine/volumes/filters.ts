// The `filters` of GET /volumes and POST /volumes/prune, with Docker's semantics and messages:
// name is a regular expression (or exact match), label is key or key=value, dangling is a boolean,
// prune takes label / label! and `all`.
import { InvalidArgumentError } from '../errors.js';
import { ANONYMOUS_LABEL } from './names.js';
import type { VolumeRecord } from './types.js';

export type Filters = Map<string, string[]>;

/** What a filter needs to know about a volume besides its record. */
export interface VolumeFacts {
  record: VolumeRecord;
  inUse: boolean;
}

export type VolumePredicate = (v: VolumeFacts) => boolean;

const LIST_FILTERS = ['dangling', 'driver', 'label', 'name'];
const PRUNE_FILTERS = ['label', 'label!', 'all'];

function checkNames(filters: Filters, allowed: string[]): void {
  for (const k of filters.keys()) if (!allowed.includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
}

/** Docker's GetBoolOrDefault: exactly one of true/1 or false/0, else `invalid filter 'key=values'`. */
export function filterBool(filters: Filters, key: string): boolean | undefined {
  const values = filters.get(key);
  if (values === undefined) return undefined;
  const isTrue = values.includes('true') || values.includes('1');
  const isFalse = values.includes('false') || values.includes('0');
  if (isTrue === isFalse) {
    throw new InvalidArgumentError(values.length ? `invalid filter '${key}=${values.join(',')}'` : `invalid filter '${key}'`);
  }
  return isTrue;
}

/** Docker's MatchKVList: every `key` or `key=value` given must be present on the labels. */
export function matchLabels(wanted: string[] | undefined, labels: Record<string, string> | null): boolean {
  if (!wanted || wanted.length === 0) return true;
  const have = labels ?? {};
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    const key = eq < 0 ? w : w.slice(0, eq);
    if (!Object.prototype.hasOwnProperty.call(have, key)) return false;
    return eq < 0 || have[key] === w.slice(eq + 1);
  });
}

/** Docker's Args.Match: an exact match, or any value read as a regular expression that matches. */
export function matchName(patterns: string[], name: string): boolean {
  return patterns.some((p) => {
    if (p === name) return true;
    try {
      return new RegExp(p).test(name);
    } catch {
      return false;
    }
  });
}

/** GET /volumes filters → a predicate; unknown filters and bad booleans are Docker's 400s. */
export function listPredicate(filters: Filters): VolumePredicate {
  checkNames(filters, LIST_FILTERS);
  const dangling = filterBool(filters, 'dangling');
  const drivers = filters.get('driver');
  const names = filters.get('name');
  const labels = filters.get('label');
  return ({ record, inUse }) =>
    (!drivers || drivers.includes(record.Driver)) &&
    (!names || matchName(names, record.Name)) &&
    matchLabels(labels, record.Labels) &&
    (dangling === undefined || dangling === !inUse);
}

/**
 * POST /volumes/prune filters → a predicate over unused local volumes without mount options
 * (those hold no space here). Since API 1.42 only anonymous volumes go, unless `all` is true.
 */
export function prunePredicate(filters: Filters, opts: { all?: boolean } = {}): VolumePredicate {
  checkNames(filters, PRUNE_FILTERS);
  const all = opts.all || pruneAllFilter(filters);
  const labels = [...(filters.get('label') ?? [])];
  if (!all) labels.push(ANONYMOUS_LABEL);
  const notLabels = filters.get('label!');
  return ({ record, inUse }) =>
    !inUse &&
    record.Driver === 'local' &&
    !hasOptions(record) &&
    matchLabels(labels, record.Labels) &&
    !(notLabels && notLabels.length > 0 && matchLabels(notLabels, record.Labels));
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
