import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  familiarString,
  parseNormalizedNamed,
  parseNormalizedTagged,
  parseRepoAndTag,
  referenceString,
} from '../../../src/engine/images/reference.js';
import { InvalidArgumentError } from '../../../src/engine/errors.js';

const DIGEST = 'sha256:' + 'a'.repeat(64);

test('normalises like Docker', () => {
  const cases: Array<[string, string, string]> = [
    ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['user/app:v1', 'docker.io/user/app:v1', 'user/app:v1'],
    ['localhost/x', 'localhost/x:latest', 'localhost/x:latest'],
    ['localhost:5000/x', 'localhost:5000/x:latest', 'localhost:5000/x:latest'],
    ['127.0.0.1:5000/a/b:1', '127.0.0.1:5000/a/b:1', '127.0.0.1:5000/a/b:1'],
    [`host.example/ns/x:tag@${DIGEST}`, `host.example/ns/x:tag@${DIGEST}`, `host.example/ns/x:tag@${DIGEST}`],
    [`busybox@${DIGEST}`, `docker.io/library/busybox@${DIGEST}`, `busybox@${DIGEST}`],
    ['Registry.Example/x', 'Registry.Example/x:latest', 'Registry.Example/x:latest'],
    ['a/b/c/d', 'docker.io/a/b/c/d:latest', 'a/b/c/d:latest'],
    ['x__y.z-w', 'docker.io/library/x__y.z-w:latest', 'x__y.z-w:latest'],
  ];
  for (const [input, full, familiar] of cases) {
    const r = parseNormalizedTagged(input);
    assert.equal(referenceString(r), full, input);
    assert.equal(familiarString(r), familiar, input);
  }
});

test('refuses invalid references with Docker wording', () => {
  const bad: Array<[string, RegExp]> = [
    ['', /repository name must have at least one component|invalid reference format/],
    ['Busybox', /^invalid reference format: repository name \(library\/Busybox\) must be lowercase$/],
    ['user/App', /must be lowercase/],
    ['busybox:', /^invalid reference format$/],
    ['busybox::1', /^invalid reference format$/],
    ['-x', /^invalid reference format$/],
    ['x_', /^invalid reference format$/],
    ['a//b', /^invalid reference format$/],
    ['busybox@sha256:abc', /^invalid reference format$/],
    ['a'.repeat(64), /cannot specify 64-byte hexadecimal strings/],
    ['x:' + 'a'.repeat(129), /^invalid reference format$/],
    ['docker.io/' + 'a'.repeat(256), /must not be more than 255 characters/],
  ];
  for (const [input, re] of bad) {
    assert.throws(() => parseNormalizedNamed(input), (e: unknown) => e instanceof InvalidArgumentError && re.test((e as Error).message), input);
  }
});

test('repo + tag as the tag endpoint receives them', () => {
  assert.equal(referenceString(parseRepoAndTag('docker.io/library/trtag', '1')), 'docker.io/library/trtag:1');
  assert.equal(referenceString(parseRepoAndTag('x', '')), 'docker.io/library/x:latest');
  assert.throws(() => parseRepoAndTag('x', 'bad tag'), /invalid tag format/);
});

const component = fc.stringMatching(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/, { maxLength: 12 }).filter((s) => s.length > 0);
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
const domain = fc.constantFrom('docker.io', 'localhost', 'localhost:5000', 'registry.example.com', '127.0.0.1:5000', 'my-reg.io:443');

test('property: parse(familiar(parse(x))) is a fixed point and full form round-trips', () => {
  fc.assert(
    fc.property(domain, fc.array(component, { minLength: 1, maxLength: 3 }), fc.option(tag, { nil: undefined }), (d, path, t) => {
      const input = `${d}/${path.join('/')}${t ? ':' + t : ''}`;
      if (input.length > 200 || /^[a-f0-9]{64}$/.test(input)) return;
      // As in Docker, a familiar name whose first component looks like a host is read as one.
      if (d === 'docker.io' && path.length > 1 && path[0].includes('.')) return;
      const r = parseNormalizedTagged(input);
      const again = parseNormalizedTagged(familiarString(r));
      assert.deepEqual(again, r);
      assert.deepEqual(parseNormalizedTagged(referenceString(r)), r);
      assert.equal(r.tag, t ?? 'latest');
    }),
  );
});

test('property: uppercase in the repository path is always refused', () => {
  fc.assert(
    fc.property(component, fc.integer({ min: 0, max: 11 }), (c, i) => {
      const idx = i % c.length;
      if (!/[a-z]/.test(c[idx])) return;
      const upper = c.slice(0, idx) + c[idx].toUpperCase() + c.slice(idx + 1);
      assert.throws(() => parseNormalizedNamed(`user/${upper}`), InvalidArgumentError);
    }),
  );
});

test('property: arbitrary strings either parse to a valid reference or throw InvalidArgumentError', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (s) => {
      let r: ReturnType<typeof parseNormalizedNamed>;
      try {
        r = parseNormalizedNamed(s);
      } catch (e) {
        assert.ok(e instanceof InvalidArgumentError, String(e));
        return;
      }
      // Outside the try: a parsed reference that fails these is a bug, not a refusal.
      assert.ok(r.domain.length > 0 && r.path.length > 0);
      assert.deepEqual(parseNormalizedNamed(referenceString(r)), r);
    }),
  );
});
