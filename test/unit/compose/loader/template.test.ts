// Interpolation of one string: every operator compose-go knows, nesting, escapes, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidTemplateError, MissingRequiredError, substitute } from '../../../../src/compose/loader/template.js';

const env: Record<string, string> = { SET: 'value', EMPTY: '', NUM: '42', lower_case: 'lc' };
const lookup = (k: string) => (Object.hasOwn(env, k) ? env[k] : undefined);
const sub = (s: string) => substitute(s, lookup);

test('plain and braced variables, $$ and a lone $', () => {
  assert.equal(sub('$SET-${SET}'), 'value-value');
  assert.equal(sub('${lower_case}$lower_case'), 'lclc');
  assert.equal(sub('$$SET costs $$5'), '$SET costs $5');
  assert.equal(sub('price: 5$ or $1 or $'), 'price: 5$ or $1 or $');
  assert.equal(sub('${NUM}0'), '420');
  assert.equal(sub('$UNSET|${UNSET}'), '|');
});

test('defaults: :- when unset or empty, - when unset only', () => {
  assert.equal(sub('${UNSET:-d}'), 'd');
  assert.equal(sub('${EMPTY:-d}'), 'd');
  assert.equal(sub('${SET:-d}'), 'value');
  assert.equal(sub('${UNSET-d}'), 'd');
  assert.equal(sub('${EMPTY-d}'), '');
  assert.equal(sub('${UNSET:-}'), '');
  assert.equal(sub('${UNSET:-a b:c}'), 'a b:c');
});

test('alternatives: :+ when set and not empty, + when set', () => {
  assert.equal(sub('${SET:+alt}'), 'alt');
  assert.equal(sub('${EMPTY:+alt}'), '');
  assert.equal(sub('${UNSET:+alt}'), '');
  assert.equal(sub('${EMPTY+alt}'), 'alt');
  assert.equal(sub('${UNSET+alt}'), '');
});

test('nested defaults and several expressions in one string', () => {
  assert.equal(sub('${UNSET:-${ALSO_UNSET:-${SET}}}'), 'value');
  assert.equal(sub('${UNSET:-x}/${SET}/${NUM:-0}'), 'x/value/42');
  assert.equal(sub('${SET:+${NUM}-${UNSET:-z}}'), '42-z');
});

test('required variables: :? when unset or empty, ? when unset', () => {
  assert.throws(() => sub('${UNSET:?please set it}'), (e: unknown) => e instanceof MissingRequiredError && e.message === 'required variable UNSET is missing a value: please set it');
  assert.throws(() => sub('${EMPTY:?}'), { message: 'required variable EMPTY is missing a value' });
  assert.equal(sub('${EMPTY?x}'), '');
  assert.throws(() => sub('${UNSET?need ${SET}}'), { message: 'required variable UNSET is missing a value: need value' });
  assert.equal(sub('${SET:?x}'), 'value');
});

test('an invalid expression names the whole template', () => {
  for (const bad of ['${}', '${1A}', '${A B}', '${A', 'x ${A%b}']) {
    assert.throws(() => sub(bad), (e: unknown) => e instanceof InvalidTemplateError && e.template === bad, bad);
  }
});

test('unset variables are reported once each', () => {
  const seen: string[] = [];
  substitute('$A ${B} ${A} ${C:-x}', () => undefined, { onUnset: (n) => seen.push(n) });
  assert.deepEqual(seen, ['A', 'B', 'A']);
});
