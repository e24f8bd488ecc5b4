import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShellLex, envFromList } from '../../../src/engine/build/shell-lex.js';
import { BuildArgs, unconsumedWarning } from '../../../src/engine/build/build-args.js';

const env = envFromList(['A=a', 'EMPTY=', 'PATH=/bin:/usr/bin', 'FILE=archive.tar.gz', 'SP=x y']);
const lex = new ShellLex('\\');
const w = (s: string): string => lex.processWord(s, env);

test('simple and braced variables', () => {
  assert.equal(w('$A'), 'a');
  assert.equal(w('${A}b'), 'ab');
  assert.equal(w('$Ab'), '');
  assert.equal(w('x$'), 'x$');
  assert.equal(w('$UNSET-x'), '-x');
});

test('default, alternative, error modifiers', () => {
  assert.equal(w('${UNSET:-def}'), 'def');
  assert.equal(w('${EMPTY:-def}'), 'def');
  assert.equal(w('${EMPTY-def}'), '');
  assert.equal(w('${UNSET-def}'), 'def');
  assert.equal(w('${A:+alt}'), 'alt');
  assert.equal(w('${EMPTY:+alt}'), '');
  assert.equal(w('${EMPTY+alt}'), 'alt');
  assert.equal(w('${UNSET+alt}'), '');
  assert.equal(w('${A:-$PATH}'), 'a');
  assert.equal(w('${UNSET:-$A}'), 'a');
  assert.throws(() => w('${UNSET:?must be set}'), /failed to process "\$\{UNSET:\?must be set\}": UNSET: must be set/);
  assert.throws(() => w('${EMPTY:?}'), /EMPTY: is not allowed to be empty/);
  assert.throws(() => w('${UNSET?}'), /UNSET: is not allowed to be unset/);
  assert.equal(w('${EMPTY?}'), '');
});

test('prefix/suffix removal and replacement', () => {
  assert.equal(w('${FILE%.*}'), 'archive.tar');
  assert.equal(w('${FILE%%.*}'), 'archive');
  assert.equal(w('${FILE#*.}'), 'tar.gz');
  assert.equal(w('${FILE##*.}'), 'gz');
  assert.equal(w('${PATH/bin/sbin}'), '/sbin:/usr/bin');
  assert.equal(w('${PATH//bin/sbin}'), '/sbin:/usr/sbin');
});

test('quotes and escapes', () => {
  assert.equal(w("'$A'"), '$A');
  assert.equal(w('"$A b"'), 'a b');
  assert.equal(w('\\$A'), '$A');
  assert.equal(w('"\\$A"'), '$A');
  assert.equal(w('"a\\nb"'), 'a\\nb');
  assert.equal(w('a\\ b'), 'a b');
  assert.throws(() => w('"abc'), /unexpected end of statement while looking for matching double-quote/);
  assert.throws(() => w("'abc"), /unexpected end of statement while looking for matching single-quote/);
});

test('syntax errors', () => {
  assert.throws(() => w('${A'), /unsupported modifier \(\uFFFD\) in substitution/);
  assert.throws(() => w('${A:-x'), /missing '}'/);
  assert.throws(() => w('${}'), /bad substitution/);
  assert.throws(() => w('${A:#x}'), /unsupported modifier \(:#\) in substitution/);
});

test('backtick escape token', () => {
  const bt = new ShellLex('`');
  assert.equal(bt.processWord('c:\\dir `$A', env), 'c:\\dir $A');
});

test('processWords splits unquoted whitespace, including from variables', () => {
  assert.deepEqual(lex.processWords('$SP "q r" s', env), ['x', 'y', 'q r', 's']);
});

test('build args: meta args, declaration, overrides, proxies, unconsumed', () => {
  const opts = new Map<string, string | null>([['V', '2'], ['UNUSED', 'x'], ['HTTP_PROXY', 'http://p'], ['NOVAL', null]]);
  const global = new BuildArgs(opts);
  global.addArg('V', '1');
  global.addMetaArg('V', '1');
  global.addArg('M', 'meta');
  global.addMetaArg('M', 'meta');
  assert.equal(global.allMeta().get('V'), '2');
  const stage = global.forNewStage();
  // Not declared in the stage: only proxies are visible.
  assert.deepEqual([...stage.allAllowed()], [['HTTP_PROXY', 'http://p']]);
  stage.addArg('M', undefined);
  stage.addArg('D', 'default');
  assert.equal(stage.allAllowed().get('M'), 'meta');
  assert.equal(stage.allAllowed().get('D'), 'default');
  assert.equal(stage.isReferencedOrNotBuiltin('HTTP_PROXY'), false);
  assert.deepEqual(stage.filterAllowed(['D=env']).sort(), ['HTTP_PROXY=http://p', 'M=meta']);
  global.mergeReferenced(stage);
  assert.deepEqual(global.unconsumed(), ['NOVAL', 'UNUSED']);
  assert.equal(unconsumedWarning(global.unconsumed()), '[Warning] One or more build-args [NOVAL UNUSED] were not consumed\n');
});
