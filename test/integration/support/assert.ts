// Assertions on client results that print the whole result when they fail.
import assert from 'node:assert/strict';
import { describeResult, type CmdResult } from './proc.js';

/** Asserts exit 0 and returns stdout without its trailing newline. */
export function ok(r: CmdResult, what = 'command'): string {
  assert.equal(r.code, 0, `${what} failed: ${describeResult(r)}`);
  return r.stdout.replace(/\n$/, '');
}

/** Asserts the exit code and returns the result. */
export function exits(r: CmdResult, code: number, what = 'command'): CmdResult {
  assert.equal(r.code, code, `${what}: expected exit ${code}, got ${describeResult(r)}`);
  return r;
}

/** Asserts a failure (non-zero exit) whose stderr matches `pattern`. */
export function fails(r: CmdResult, pattern: RegExp | string, what = 'command'): CmdResult {
  assert.notEqual(r.code, 0, `${what} should have failed: ${describeResult(r)}`);
  if (typeof pattern === 'string') assert.ok(r.stderr.includes(pattern), `${what}: stderr lacks ${JSON.stringify(pattern)}: ${describeResult(r)}`);
  else assert.match(r.stderr, pattern, `${what}: ${describeResult(r)}`);
  return r;
}

export const ID64 = /^[0-9a-f]{64}$/;
