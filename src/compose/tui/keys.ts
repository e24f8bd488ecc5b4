// Keys of the live view, from the bytes a terminal in raw mode sends (arrows as CSI or SS3
// sequences, Enter as CR, Ctrl-C as ETX). Pure, so the mapping is tested without a terminal.

export type Key = 'up' | 'down' | 'enter' | 'interrupt' | 'quit' | 'detach' | 'restart' | 'shell' | 'filter' | 'all-logs' | 'redraw';

const SEQUENCES: [string, Key][] = [
  ['\x1b[A', 'up'],
  ['\x1bOA', 'up'],
  ['\x1b[B', 'down'],
  ['\x1bOB', 'down'],
];

const SINGLE: Record<string, Key> = {
  k: 'up',
  j: 'down',
  '\r': 'enter',
  '\n': 'enter',
  '\x03': 'interrupt',
  q: 'quit',
  d: 'detach',
  r: 'restart',
  s: 'shell',
  f: 'filter',
  '\t': 'filter',
  a: 'all-logs',
  '\x0c': 'redraw', // Ctrl-L
};

/** The keys in one chunk of input; unknown bytes and sequences are dropped. */
export function parseKeys(input: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < input.length) {
    const seq = SEQUENCES.find(([s]) => input.startsWith(s, i));
    if (seq) {
      keys.push(seq[1]);
      i += seq[0].length;
      continue;
    }
    if (input[i] === '\x1b') {
      // Another escape sequence (function keys, mouse): skip it whole.
      const m = /^\x1b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?/.exec(input.slice(i));
      i += m?.[0].length || 1;
      continue;
    }
    const key = SINGLE[input[i]];
    if (key) keys.push(key);
    i++;
  }
  return keys;
}
