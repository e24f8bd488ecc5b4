import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags, type FlagDef } from '../../../src/cli/flags.js';
import { UsageError } from '../../../src/cli/errors.js';

const defs: FlagDef[] = [
  { name: 'interactive', short: 'i', kind: 'bool' },
  { name: 'tty', short: 't', kind: 'bool' },
  { name: 'detach', short: 'd', kind: 'bool' },
  { name: 'env', short: 'e', kind: 'list' },
  { name: 'publish', short: 'p', kind: 'list' },
  { name: 'name', kind: 'string' },
  { name: 'network', kind: 'string', aliases: ['net'] },
  { name: 'rm', kind: 'bool' },
  { name: 'tail', short: 'n', kind: 'int' },
  { name: 'sig-proxy', kind: 'bool', default: 'true' },
];

test('bundled shorthands and values', () => {
  const f = parseFlags(defs, ['-it', '-e', 'A=1', '-eB=2', '--env=C=3', '--env', 'D=4', 'busybox']);
  assert.equal(f.bool('interactive'), true);
  assert.equal(f.bool('tty'), true);
  assert.deepEqual(f.list('env'), ['A=1', 'B=2', 'C=3', 'D=4']);
  assert.deepEqual(f.positionals, ['busybox']);
});

test('a shorthand that takes a value ends a bundle: -dp 80:80', () => {
  const f = parseFlags(defs, ['-dp', '80:80', 'img']);
  assert.equal(f.bool('detach'), true);
  assert.deepEqual(f.list('publish'), ['80:80']);
});

test('stops at the first positional for run/exec', () => {
  const f = parseFlags(defs, ['--rm', 'busybox', 'ls', '-la', '--name', 'x'], { stopAtPositional: 1 });
  assert.deepEqual(f.positionals, ['busybox', 'ls', '-la', '--name', 'x']);
  assert.equal(f.changed('name'), false);
});

test('interspersed positionals without stopAtPositional; -- ends flags', () => {
  const f = parseFlags(defs, ['a', '--rm', 'b', '--', '--name', 'c']);
  assert.deepEqual(f.positionals, ['a', 'b', '--name', 'c']);
  assert.equal(f.bool('rm'), true);
});

test('bool values, defaults, aliases, ints', () => {
  const f = parseFlags(defs, ['--rm=false', '--sig-proxy=false', '--net', 'host', '-n', '5']);
  assert.equal(f.bool('rm'), false);
  assert.equal(f.changed('rm'), true);
  assert.equal(f.bool('sig-proxy'), false);
  assert.equal(f.string('network'), 'host');
  assert.equal(f.int('tail'), 5);
  assert.equal(parseFlags(defs, []).bool('sig-proxy'), true);
  assert.equal(parseFlags(defs, ['-n=7']).int('tail'), 7);
});

test("pflag's error wording", () => {
  assert.throws(() => parseFlags(defs, ['--nope']), (e: Error) => e instanceof UsageError && e.message === 'unknown flag: --nope');
  assert.throws(() => parseFlags(defs, ['-x']), { message: "unknown shorthand flag: 'x' in -x" });
  assert.throws(() => parseFlags(defs, ['--name']), { message: 'flag needs an argument: --name' });
  assert.throws(() => parseFlags(defs, ['-e']), { message: "flag needs an argument: 'e' in -e" });
  assert.throws(() => parseFlags(defs, ['--rm=maybe']), /invalid argument "maybe" for "--rm" flag/);
  assert.throws(() => parseFlags(defs, ['-n', 'x']), /strconv.ParseInt/);
});

test('--help is always known', () => {
  assert.equal(parseFlags(defs, ['--help']).bool('help'), true);
  assert.equal(parseFlags(defs, ['-h']).bool('help'), true);
});
