// The one implementation of Docker's list / prune / events filters (src/engine/filters.ts):
// parsing both query forms, key validation, moby's matchers, labels, booleans and timestamps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  contains,
  exactMatch,
  filtersOf,
  fuzzyMatch,
  getBoolOrDefault,
  getTimestamp,
  labelMatches,
  match,
  matchKVList,
  matchLabelFilters,
  parseFilters,
  parseGoDuration,
  parseTimestamps,
  pruneUntil,
  prunePredicate,
  buildPruneUntil,
  timestampMs,
  uniqueExactMatch,
  validateFilters,
} from '../../src/engine/filters.js';
import { eventFilter, type DockerEvent } from '../../src/engine/events.js';

const status400 = (message: string | RegExp) => (e: unknown) => {
  const err = e as { status?: number; statusCode?: number; message: string };
  assert.equal(err.status ?? err.statusCode, 400);
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
  return true;
};

test('parseFilters: the map form and the legacy list form give the same filters', () => {
  const modern = parseFilters(JSON.stringify({ label: { 'a=1': true, b: true }, name: { web: true } }));
  const legacy = parseFilters(JSON.stringify({ label: ['a=1', 'b'], name: ['web'] }));
  assert.deepEqual(modern, legacy);
  assert.deepEqual(modern.get('label'), ['a=1', 'b']);
  assert.deepEqual(parseFilters(''), new Map());
  assert.deepEqual(parseFilters(null), new Map());
  assert.deepEqual(parseFilters('{}'), new Map());
  // A value set to false does not count; duplicates in the list form collapse.
  assert.deepEqual(parseFilters('{"label":{"a":false,"b":true}}').get('label'), ['b']);
  assert.deepEqual(parseFilters('{"label":["a","a"]}').get('label'), ['a']);
  // null keeps the key (Contains) with no values.
  const withNull = parseFilters('{"dangling":null}');
  assert.ok(contains(withNull, 'dangling'));
  assert.deepEqual(withNull.get('dangling'), []);
});

test('parseFilters: anything else is "invalid filter", a 400', () => {
  for (const bad of ['{', '[]', '"x"', '1', '{"a":"b"}', '{"a":[1]}', '{"a":{"b":"yes"}}', '{"a":["x"],"b":{"y":true}}']) {
    assert.throws(() => parseFilters(bad), status400('invalid filter'), bad);
  }
});

test('parseFilters never throws anything but a 400, and keeps every key', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.array(fc.string())), (o) => {
      const f = parseFilters(JSON.stringify(o));
      assert.deepEqual([...f.keys()].sort(), Object.keys(o).sort());
      const asMap = Object.fromEntries(Object.entries(o).map(([k, vs]) => [k, Object.fromEntries(vs.map((v) => [v, true]))]));
      const sorted = (m: Map<string, string[]>) => [...m].map(([k, vs]) => [k, [...vs].sort()]).sort();
      assert.deepEqual(sorted(parseFilters(JSON.stringify(asMap))), sorted(f));
    }),
  );
  fc.assert(
    fc.property(fc.string(), (s) => {
      try {
        parseFilters(s);
      } catch (e) {
        status400('invalid filter')(e);
      }
    }),
  );
});

test('validateFilters: an unknown key is dockerd\'s "invalid filter \'key\'"', () => {
  validateFilters(filtersOf({ label: ['a'] }), ['label', 'until']);
  assert.throws(() => validateFilters(filtersOf({ label: [], foo: ['x'] }), ['label']), status400("invalid filter 'foo'"));
  assert.throws(() => validateFilters(filtersOf({ constructor: ['x'] }), ['label']), status400("invalid filter 'constructor'"));
});

test('labelMatches: key present (own property only), key=value, values containing =', () => {
  const labels = { a: '1', b: 'x=y', empty: '' };
  assert.ok(labelMatches(labels, 'a'));
  assert.ok(labelMatches(labels, 'a=1'));
  assert.ok(labelMatches(labels, 'b=x=y'));
  assert.ok(labelMatches(labels, 'empty='));
  assert.ok(labelMatches(labels, 'empty'));
  assert.ok(!labelMatches(labels, 'a=2'));
  assert.ok(!labelMatches(labels, 'a='));
  assert.ok(!labelMatches(labels, 'c'));
  assert.ok(!labelMatches(null, 'a'));
  for (const inherited of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'constructor=x']) assert.ok(!labelMatches({}, inherited), inherited);
  assert.ok(labelMatches(JSON.parse('{"__proto__":"p"}'), '__proto__=p'));
});

test('matchKVList: every label filter must hold (AND), none given matches all', () => {
  const web = { 'com.docker.compose.project': 'p', 'com.docker.compose.service': 'web' };
  const db = { 'com.docker.compose.project': 'p', 'com.docker.compose.service': 'db' };
  const f = filtersOf({ label: ['com.docker.compose.project=p', 'com.docker.compose.service=web'] });
  assert.ok(matchKVList(f, 'label', web));
  assert.ok(!matchKVList(f, 'label', db));
  assert.ok(matchKVList(new Map(), 'label', db));
  assert.ok(matchKVList(filtersOf({ label: [] }), 'label', null));
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.string()), fc.array(fc.string(), { maxLength: 4 }), (labels, wanted) => {
      const all = matchKVList(filtersOf({ label: wanted }), 'label', labels);
      assert.equal(all, wanted.every((w) => matchKVList(filtersOf({ label: [w] }), 'label', labels)));
    }),
  );
});

test('matchLabelFilters: label! excludes only when every label! value matches (daemon/prune.go)', () => {
  const labels = { a: '1', b: '2' };
  assert.ok(matchLabelFilters(new Map(), labels));
  assert.ok(!matchLabelFilters(filtersOf({ 'label!': ['a'] }), labels));
  assert.ok(matchLabelFilters(filtersOf({ 'label!': ['a', 'c'] }), labels));
  assert.ok(!matchLabelFilters(filtersOf({ 'label!': ['a', 'b=2'] }), labels));
  assert.ok(!matchLabelFilters(filtersOf({ label: ['c'] }), labels));
  assert.ok(matchLabelFilters(filtersOf({ label: ['a'], 'label!': ['c'] }), labels));
});

test('exactMatch, uniqueExactMatch, fuzzyMatch, match: moby\'s Args semantics', () => {
  const f = filtersOf({ name: ['web', '^db$', '('], id: ['abc'], one: ['x'], two: ['x', 'y'] });
  assert.ok(exactMatch(f, 'none', 'anything'));
  assert.ok(exactMatch(f, 'name', 'web'));
  assert.ok(!exactMatch(f, 'name', 'myweb'));
  assert.ok(uniqueExactMatch(f, 'one', 'x'));
  assert.ok(!uniqueExactMatch(f, 'two', 'x'));
  assert.ok(fuzzyMatch(f, 'id', 'abcdef'));
  assert.ok(!fuzzyMatch(f, 'id', 'xabc'));
  assert.ok(match(f, 'name', '/myweb1'), 'a regular expression matches anywhere');
  assert.ok(match(f, 'name', 'db'));
  assert.ok(!match(f, 'name', 'dbx'));
  assert.ok(match(f, 'name', '('), 'an invalid expression still matches exactly');
  assert.ok(!match(f, 'name', 'x(y'));
  fc.assert(fc.property(fc.string(), fc.string(), (p, s) => !s.startsWith(p) || fuzzyMatch(filtersOf({ k: [p] }), 'k', s)));
});

test('getBoolOrDefault: true/1, false/0, absent → default, anything else or both → 400', () => {
  assert.equal(getBoolOrDefault(new Map(), 'dangling', true), true);
  assert.equal(getBoolOrDefault(new Map(), 'dangling'), undefined);
  assert.equal(getBoolOrDefault(filtersOf({ dangling: ['1'] }), 'dangling'), true);
  assert.equal(getBoolOrDefault(filtersOf({ dangling: ['true', '1'] }), 'dangling'), true);
  assert.equal(getBoolOrDefault(filtersOf({ dangling: ['false', '0'] }), 'dangling', true), false);
  assert.throws(() => getBoolOrDefault(filtersOf({ dangling: [] }), 'dangling'), status400("invalid filter 'dangling'"));
  assert.throws(() => getBoolOrDefault(filtersOf({ dangling: ['maybe'] }), 'dangling'), status400("invalid filter 'dangling=maybe'"));
  assert.throws(() => getBoolOrDefault(filtersOf({ dangling: ['true', 'false'] }), 'dangling'), status400("invalid filter 'dangling=true,false'"));
});

test('parseGoDuration: Go\'s time.ParseDuration', () => {
  assert.equal(parseGoDuration('1h30m'), 90 * 60_000);
  assert.equal(parseGoDuration('10m'), 600_000);
  assert.equal(parseGoDuration('1.5h'), 90 * 60_000);
  assert.equal(parseGoDuration('.5s'), 500);
  assert.equal(parseGoDuration('1.s'), 1000);
  assert.equal(parseGoDuration('300ms'), 300);
  assert.equal(parseGoDuration('2us'), 0.002);
  assert.equal(parseGoDuration('2µs'), 0.002);
  assert.equal(parseGoDuration('-1h'), -3_600_000);
  assert.equal(parseGoDuration('+1h'), 3_600_000);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('1h2m3s4ms'), 3_723_004);
  for (const bad of ['', '1', 'h', '.h', '1d', '1 h', '1h5', '1mh', '--1h', 'abc', '1.2.3s']) assert.equal(parseGoDuration(bad), undefined, bad);
  fc.assert(
    fc.property(fc.nat(1000), fc.nat(59), fc.nat(59), (h, m, s) => parseGoDuration(`${h}h${m}m${s}s`) === ((h * 60 + m) * 60 + s) * 1000),
  );
});

test('parseTimestamps: seconds with a fraction scaled to nanoseconds', () => {
  assert.deepEqual(parseTimestamps('1700000000', 0), { seconds: 1700000000, nanos: 0 });
  assert.deepEqual(parseTimestamps('1700000000.5', 0), { seconds: 1700000000, nanos: 500_000_000 });
  assert.deepEqual(parseTimestamps('1700000000.000000001', 0), { seconds: 1700000000, nanos: 1 });
  assert.deepEqual(parseTimestamps('', -1), { seconds: -1, nanos: 0 });
  assert.throws(() => parseTimestamps('abc', 0), status400(/invalid syntax/));
  assert.throws(() => parseTimestamps('1.x', 0), status400(/invalid syntax/));
});

test('getTimestamp: durations, RFC 3339 with and without zone, dates, Unix seconds (timetypes.GetTimestamp)', () => {
  const now = Date.UTC(2024, 0, 2, 12, 0, 0, 700);
  const nowS = Math.floor(now / 1000);
  assert.equal(getTimestamp('1h30m', now), String(nowS - 5400));
  assert.equal(getTimestamp('10m', now), String(nowS - 600));
  assert.equal(getTimestamp('-10m', now), String(nowS + 600));
  assert.equal(getTimestamp('0', now), '0', '"0" is a Unix time, not a duration');
  assert.equal(getTimestamp('1700000000', now), '1700000000');
  assert.equal(getTimestamp('1700000000.25', now), '1700000000.25');
  assert.equal(getTimestamp('2006-01-02T15:04:05Z', now), '1136214245.000000000');
  assert.equal(getTimestamp('2006-01-02T15:04:05.123Z', now), '1136214245.123000000');
  assert.equal(getTimestamp('2006-01-02T15:04:05+07:00', now), '1136189045.000000000');
  assert.equal(getTimestamp('2006-01-02T15:04:05-07:00', now), '1136239445.000000000');
  assert.equal(getTimestamp('2006-01-02T15Z', now), '1136214000.000000000');
  assert.equal(getTimestamp('2006-01-02T15:04Z', now), '1136214240.000000000');
  assert.equal(getTimestamp('2006-01-02Z', now), '1136160000.000000000');
  // Without a zone: the daemon's zone at `now`.
  const offsetS = new Date(now).getTimezoneOffset() * 60;
  assert.equal(getTimestamp('2006-01-02', now), `${1136160000 + offsetS}.000000000`);
  assert.equal(getTimestamp('2006-01-02T15:04:05', now), `${1136214245 + offsetS}.000000000`);
  assert.equal(getTimestamp('2006-01-02T15:04:05.5', now), `${1136214245 + offsetS}.500000000`);
  assert.throws(() => getTimestamp('2006-13-02', now), status400(/parsing time/));
  assert.throws(() => getTimestamp('2006-02-30T10:00:00Z', now), status400(/parsing time/));
  assert.throws(() => getTimestamp('yesterday', now), status400('failed to parse value as time or duration: "yesterday"'));
  assert.throws(() => getTimestamp('1d', now), status400(/failed to parse value as time or duration/));
  assert.equal(timestampMs('2006-01-02T15:04:05.25Z', now), 1136214245250);
  assert.equal(timestampMs('90m', now), (nowS - 5400) * 1000);
});

test('getTimestamp round-trips every RFC 3339 UTC time and every duration', () => {
  fc.assert(
    fc.property(fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }), (d) => {
      const iso = d.toISOString();
      assert.equal(timestampMs(iso), d.getTime());
      assert.equal(timestampMs(iso.replace(/\.\d+Z$/, 'Z')), Math.floor(d.getTime() / 1000) * 1000);
    }),
  );
  const now = 1_750_000_000_123;
  fc.assert(fc.property(fc.nat(100_000), (s) => getTimestamp(`${s}s`, now) === String(Math.floor(now / 1000) - s)));
});

test('pruneUntil and prunePredicate: one until, objects created after it stay, labels as prune', () => {
  const now = Date.UTC(2024, 0, 2, 12, 0, 0);
  assert.equal(pruneUntil(new Map(), now), undefined);
  assert.equal(pruneUntil(filtersOf({ until: ['1h30m'] }), now), now - 5_400_000);
  assert.throws(() => pruneUntil(filtersOf({ until: ['1h', '2h'] }), now), status400('more than one until filter specified'));
  assert.throws(() => pruneUntil(filtersOf({ until: ['soon'] }), now), status400(/failed to parse/));
  const keep = prunePredicate(filtersOf({ until: ['1h'], label: ['a'] }), undefined, now);
  assert.ok(keep(now - 2 * 3_600_000, { a: '' }), 'old enough and labelled: pruned');
  assert.ok(keep(now - 3_600_000, { a: '' }), 'created exactly at until: pruned (not After)');
  assert.ok(!keep(now - 60_000, { a: '' }), 'too young: kept');
  assert.ok(!keep(now - 2 * 3_600_000, {}), 'label missing: kept');
  assert.throws(() => prunePredicate(filtersOf({ foo: ['1'] })), status400("invalid filter 'foo'"));
  assert.throws(() => prunePredicate(filtersOf({ dangling: ['1'] })), status400("invalid filter 'dangling'"));
});

test('buildPruneUntil: a duration or a time (GetTimestamp), one value, until or unused-for, other keys passed', () => {
  const now = 1_000_000_000_000;
  assert.equal(buildPruneUntil(new Map(), now), undefined);
  assert.equal(buildPruneUntil(filtersOf({ until: ['1h30m'] }), now), now - 5_400_000);
  assert.equal(buildPruneUntil(filtersOf({ 'unused-for': ['10m'] }), now), now - 600_000);
  assert.equal(buildPruneUntil(filtersOf({ until: ['2001-09-09T01:46:40Z'] }), now), now, 'an RFC 3339 time, as dockerd 27+');
  assert.equal(buildPruneUntil(filtersOf({ until: ['999999999.5'] }), now), now - 500, 'Unix seconds with a fraction');
  assert.throws(() => buildPruneUntil(filtersOf({ until: ['soon'] }), now), status400(`"until" filter expects a duration (e.g., '24h') or a timestamp: failed to parse value as time or duration: "soon"`));
  assert.throws(() => buildPruneUntil(filtersOf({ until: ['1h'], 'unused-for': ['1h'] }), now), status400('conflicting filters: "until" and "unused-for"'));
  assert.throws(() => buildPruneUntil(filtersOf({ until: ['1h', '2h'] }), now), status400('filters expect only one value'));
  // dockerd hands BuildKit only the keys it knows: `system prune --filter label=x` must not fail here.
  assert.equal(buildPruneUntil(filtersOf({ label: ['a=b'], bogus: ['1'] }), now), undefined);
});

function ev(type: DockerEvent['Type'], action: string, id: string, attributes: Record<string, string> = {}): DockerEvent {
  return { Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, scope: 'local', time: 0, timeNano: 0 };
}

test('eventFilter: daemon/events/filter.go', () => {
  const start = ev('container', 'start', 'c0ffee', { name: 'web', image: 'busybox:1.36', 'com.example': 'x' });
  const exec = ev('container', 'exec_start: sh -c true', 'c0ffee', { name: 'web' });
  const pull = ev('image', 'pull', 'sha256:abc', { name: 'busybox:1.36' });
  const net = ev('network', 'connect', 'n1234', { name: 'bridge', container: 'c0ffee' });
  const only = (o: Record<string, string[]>) => [start, exec, pull, net].filter(eventFilter(filtersOf(o)));
  assert.deepEqual(only({}), [start, exec, pull, net]);
  assert.deepEqual(only({ container: ['web'] }), [start, exec]);
  assert.deepEqual(only({ container: ['c0f'] }), [start, exec]);
  assert.deepEqual(only({ type: ['image', 'network'] }), [pull, net]);
  assert.deepEqual(only({ event: ['start'] }), [start]);
  assert.deepEqual(only({ event: ['exec_start'] }), [exec]);
  assert.deepEqual(only({ image: ['busybox'] }), [start, pull]);
  assert.deepEqual(only({ network: ['bridge'] }), [net]);
  assert.deepEqual(only({ label: ['com.example=x'] }), [start]);
  assert.deepEqual(only({ label: ['com.example=x', 'name=web'] }), [start]);
  assert.deepEqual(only({ label: ['constructor'] }), []);
  assert.deepEqual(only({ type: ['container'], event: ['start', 'die'] }), [start]);
});
