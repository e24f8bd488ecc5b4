// The live view's terminal driver with stand-in streams: it takes and gives back the terminal
// (alternate screen, raw mode), rewrites only the lines that changed, redraws all on resize, and
// turns input bytes into keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Screen } from '../../../../src/compose/tui/screen.js';
import type { Key } from '../../../../src/compose/tui/keys.js';

class FakeOut extends EventEmitter {
  columns = 20;
  rows = 3;
  written: string[] = [];
  write(s: string): boolean {
    this.written.push(s);
    return true;
  }
}

class FakeIn extends EventEmitter {
  isTTY = true;
  raw = false;
  setRawMode(on: boolean): this {
    this.raw = on;
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
}

test('enter draws every line, a change rewrites only its line, leave restores the terminal', () => {
  const out = new FakeOut();
  const input = new FakeIn();
  let frame = ['a', 'b', 'c'];
  const keys: Key[] = [];
  const screen = new Screen({
    stdin: input as unknown as NodeJS.ReadStream,
    stdout: out as unknown as NodeJS.WriteStream,
    render: (w, h) => frame.slice(0, h).map((l) => l.slice(0, w)),
    onKey: (k) => keys.push(k),
    fps: Infinity, // no throttle: every invalidate draws at once
  });
  screen.enter();
  assert.equal(input.raw, true);
  const all = out.written.join('');
  assert.ok(all.includes('\x1b[?1049h'), 'alternate screen');
  for (const [i, l] of ['a', 'b', 'c'].entries()) assert.ok(all.includes(`\x1b[${i + 1};1H\x1b[2K${l}`), `line ${i + 1}`);

  out.written = [];
  frame = ['a', 'B', 'c'];
  screen.invalidate();
  assert.deepEqual(out.written, ['\x1b[2;1H\x1b[2KB']);

  out.written = [];
  screen.invalidate();
  assert.deepEqual(out.written, [], 'nothing changed, nothing written');

  input.emit('data', Buffer.from('\x1b[Bq'));
  assert.deepEqual(keys, ['down', 'quit']);

  screen.leave();
  assert.equal(input.raw, false);
  assert.ok(out.written.join('').includes('\x1b[?1049l'), 'back to the main screen');
  assert.equal(input.listenerCount('data'), 0);
  assert.equal(out.listenerCount('resize'), 0);
});

test('a resize redraws the whole frame at the new size', async () => {
  const out = new FakeOut();
  const input = new FakeIn();
  let resized!: () => void;
  const drawn = new Promise<void>((resolve) => (resized = resolve));
  const screen = new Screen({
    stdin: input as unknown as NodeJS.ReadStream,
    stdout: out as unknown as NodeJS.WriteStream,
    render: (w, h) => {
      if (w === 30 && h === 4) resized();
      return Array.from({ length: h }, () => 'x');
    },
    onKey: () => undefined,
    fps: Infinity, // no throttle: every invalidate draws at once
  });
  screen.enter();
  out.columns = 30;
  out.rows = 4;
  out.written = [];
  out.emit('resize');
  await drawn; // at once, or when the frame interval has passed
  assert.equal((out.written.join('').match(/\x1b\[2K/g) ?? []).length, 4, 'every line rewritten');
  screen.leave();
});
