import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMAND_MODULES, routeCommand } from '../../../src/cli/command-table.js';
import { LOADERS, resolveCommand } from '../../../src/cli/commands.js';
import { NO_COMMAND_BUNDLE, bundleFor, bundleName } from '../../../src/cli/launch.js';

test('the launcher picks the bundle of the command main.ts will run', () => {
  assert.equal(bundleFor(['run', '--rm', 'busybox', 'true']), 'container-run');
  assert.equal(bundleFor(['container', 'run', 'busybox']), 'container-run');
  assert.equal(bundleFor(['-H', 'unix:///x.sock', '--tlsverify', 'ps', '-a']), 'container-ls');
  assert.equal(bundleFor(['--host=tcp://h:1', 'images']), 'image-ls');
  assert.equal(bundleFor(['-Hunix:///x', 'version']), 'system-version');
  assert.equal(bundleFor(['registry', 'serve', '--addr', ':5000']), 'system-registry-serve');
  // A word after the command is an argument, not another command.
  assert.equal(bundleFor(['run', 'ps']), 'container-run');
});

test('calls that run no command get the bundle without commands', () => {
  for (const argv of [[], ['--help'], ['-v'], ['help'], ['container'], ['container', 'nosuch'], ['nosuch'], ['--bogus', 'run'], ['-H'], ['toString'], ['container', 'constructor']]) {
    assert.equal(bundleFor(argv), NO_COMMAND_BUNDLE, JSON.stringify(argv));
  }
});

test('every command word leads to a module that has a loader', () => {
  for (const id of COMMAND_MODULES) {
    assert.equal(typeof LOADERS[id], 'function', id);
    assert.match(bundleName(id), /^[a-z-]+$/);
  }
  assert.deepEqual(Object.keys(LOADERS).sort(), [...COMMAND_MODULES]);
  const r = routeCommand(['image', 'rm', 'x']);
  assert.deepEqual(r, { path: 'image rm', module: 'image/rm', rest: ['x'] });
  const resolved = resolveCommand(['rmi', 'x']);
  assert.ok(resolved && 'load' in resolved && resolved.load === LOADERS['image/rm']);
});

test('compose options before the verb are handed to the command as groupArgs', () => {
  assert.deepEqual(routeCommand(['compose', 'config', '--services']), { path: 'compose config', module: 'compose/config', rest: ['--services'] });
  assert.deepEqual(routeCommand(['compose', '-f', 'a.yml', '-p', 'x', '--profile=dev', '--dry-run', 'config', '-q']), {
    path: 'compose config',
    module: 'compose/config',
    rest: ['-q'],
    groupArgs: ['-f', 'a.yml', '-p', 'x', '--profile=dev', '--dry-run'],
  });
  assert.deepEqual(routeCommand(['compose', '-fa.yml', 'version']), { path: 'compose version', module: 'compose/version', rest: [], groupArgs: ['-fa.yml'] });
  // A verb word given as an option's value is not the verb.
  assert.deepEqual(routeCommand(['compose', '--env-file', 'config', 'version']), { path: 'compose version', module: 'compose/version', rest: [], groupArgs: ['--env-file', 'config'] });
  assert.deepEqual(routeCommand(['compose', '-p', 'x']), { group: 'compose' });
  assert.deepEqual(routeCommand(['compose', '-p', 'x', 'nosuch']), { group: 'compose', word: 'nosuch' });
  assert.equal(bundleFor(['-H', 'unix:///x', 'compose', '-f', 'a.yml', 'config']), 'compose-config');
  assert.equal(bundleFor(['compose', '--help']), NO_COMMAND_BUNDLE);
});
