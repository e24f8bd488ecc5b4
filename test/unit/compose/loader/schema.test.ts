// The generated validator matches the schema it was made from; errors read as compose-go's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { validateSchema } from '../../../../src/compose/loader/schema.js';

const src = (p: string) => readFileSync(new URL(`../../../../../src/compose/schema/${p}`, import.meta.url), 'utf8');

test('compose-validator.ts was generated from the compose-spec.json in the repo', () => {
  const sha = createHash('sha256').update(src('compose-spec.json')).digest('hex');
  assert.match(src('compose-validator.ts'), new RegExp(`^// schema sha256: ${sha}$`, 'm'), 'run: node scripts/gen-compose-validator.mjs');
});

test('schema errors name the path and the problem', () => {
  const err = (tree: unknown) => {
    try {
      validateSchema(tree, 'f.yaml');
    } catch (e) {
      return (e as Error).message;
    }
    return 'valid';
  };
  assert.equal(err({ services: { web: { image: 'x' } } }), 'valid');
  assert.equal(err({ services: { web: { image: 1 } } }), 'validating f.yaml: services.web.image must be a string');
  assert.equal(err({ services: { web: { image: 'x', foo: 1, bar: 2 } } }), "validating f.yaml: services.web additional properties 'foo', 'bar' not allowed");
  assert.equal(err({ services: { web: { image: 'x', develop: { watch: [{ path: '.' }] } } } }), "validating f.yaml: services.web.develop.watch.0 missing property 'action'");
  assert.equal(err({ services: [] }), 'validating f.yaml: services must be a mapping');
  assert.equal(err({ services: { web: { image: 'x', restart: 1 } } }), 'validating f.yaml: services.web.restart must be a string');
  assert.equal(err({ services: { 'bad name': { image: 'x' } } }), "validating f.yaml: services additional properties 'bad name' not allowed");
});
