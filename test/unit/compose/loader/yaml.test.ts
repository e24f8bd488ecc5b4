// YAML as compose reads it: anchors, merge keys, !reset / !override, duplicate keys, octal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseComposeYaml } from '../../../../src/compose/loader/yaml.js';

test('anchors and merge keys: explicit keys win, then the first merged mapping', () => {
  const [doc] = parseComposeYaml(
    ['x-a: &a {image: a, user: a, tty: true}', 'x-b: &b {image: b, init: true}', 'services:', '  web:', '    <<: [*a, *b]', '    user: web', '    list: &l [1, 2]', '    again: *l'].join('\n'),
    'f.yaml',
  );
  const web = (doc.value as { services: { web: Record<string, unknown> } }).services.web;
  assert.deepEqual(web, { user: 'web', list: [1, 2], again: [1, 2], image: 'a', tty: true, init: true });
});

test('!reset drops the node and !override keeps it; both paths are recorded', () => {
  const [doc] = parseComposeYaml(['services:', '  web:', '    ports: !reset []', '    command: !override ["a"]', '    user: !reset null', '    mode: !override 0755'].join('\n'), 'f.yaml');
  assert.deepEqual(doc.value, { services: { web: { command: ['a'], mode: 493 } } });
  assert.deepEqual(doc.resets, [
    ['services', 'web', 'ports'],
    ['services', 'web', 'command'],
    ['services', 'web', 'user'],
    ['services', 'web', 'mode'],
  ]);
});

test('several documents, YAML 1.2 scalars, octal like go-yaml', () => {
  const docs = parseComposeYaml('a: yes\nb: 0755\nc: 1.5\nd: ~\n---\ne: 2\n', 'f.yaml');
  assert.deepEqual(
    docs.map((d) => d.value),
    [{ a: 'yes', b: 493, c: 1.5, d: null }, { e: 2 }],
  );
});

test('errors name the file and the line', () => {
  assert.throws(() => parseComposeYaml('services:\n  web:\n    image: a\n    image: b\n', '/p/compose.yaml'), {
    message: 'failed to parse /p/compose.yaml: line 4: mapping key "image" already defined at line 3',
  });
  assert.throws(() => parseComposeYaml('services: [\n', '/p/compose.yaml'), /^.*failed to parse \/p\/compose\.yaml: yaml: line \d+: /);
  assert.throws(() => parseComposeYaml('1: a\n', 'f'), { message: 'non-string key at top level: 1' });
});
