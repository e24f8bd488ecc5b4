// The .env syntax compose reads (compose-go's dotenv parser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DotenvError, parseDotenv } from '../../../../src/compose/loader/dotenv.js';

test('plain, quoted, exported and commented lines', () => {
  const text = [
    '# a comment',
    '',
    'PLAIN=value',
    'SPACED = spaced value   ',
    'export EXPORTED=yes',
    'COLON: colon',
    'TRAILING=value # a comment',
    'HASH=value#not-a-comment',
    "SINGLE='single $PLAIN \\n'",
    'DOUBLE="double $PLAIN\\n\\t\\"q\\" \\$PLAIN"',
    'EMPTY=',
    'MULTI="line one',
    'line two"',
    'DOTTED.KEY-1=x',
  ].join('\n');
  assert.deepEqual(parseDotenv(text), {
    PLAIN: 'value',
    SPACED: 'spaced value',
    EXPORTED: 'yes',
    COLON: 'colon',
    TRAILING: 'value',
    HASH: 'value#not-a-comment',
    SINGLE: 'single $PLAIN \\n',
    DOUBLE: 'double value\n\t"q" $PLAIN',
    EMPTY: '',
    MULTI: 'line one\nline two',
    'DOTTED.KEY-1': 'x',
  });
});

test('variables come from the lookup first, then from earlier lines', () => {
  const lookup = (k: string) => (k === 'HOST' ? 'from-env' : undefined);
  assert.deepEqual(parseDotenv('A=1\nB=${A}-$HOST\nC=${MISSING:-dflt}\nHOST=file\nD=$HOST', lookup), { A: '1', B: '1-from-env', C: 'dflt', HOST: 'file', D: 'from-env' });
});

test('a bare key takes the lookup value, or is skipped', () => {
  const lookup = (k: string) => (k === 'PRESENT' ? 'here' : undefined);
  assert.deepEqual(parseDotenv('PRESENT\nABSENT\nX=1', lookup), { PRESENT: 'here', X: '1' });
});

test('byte order mark, CRLF and errors with line numbers', () => {
  assert.deepEqual(parseDotenv('\uFEFFA=1\r\nB=2\r\n'), { A: '1', B: '2' });
  assert.throws(() => parseDotenv('A=1\nB="open'), (e: unknown) => e instanceof DotenvError && e.message.startsWith('line 2: unterminated quoted value'));
  assert.throws(() => parseDotenv('A=1\nB%=2'), { message: 'line 2: unexpected character "%" in variable name "B%=2"' });
  assert.throws(() => parseDotenv('MY KEY=1'), { message: 'line 1: key cannot contain a space' });
});
