// The live view's frames: exact size for any terminal, the rows' columns, drift and waiting
// notes, sparklines, the newest log lines, control characters from logs kept off the screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, reduce, type Action, type ServiceInfo, type ViewState } from '../../../../src/compose/tui/model.js';
import { fit, renderFrame, sanitize, sparkline } from '../../../../src/compose/tui/render.js';
import { parseKeys } from '../../../../src/compose/tui/keys.js';

const services: ServiceInfo[] = [
  { name: 'db', hash: 'hdb', dependsOn: [] },
  { name: 'web', hash: 'hweb', dependsOn: [{ service: 'db', condition: 'service_healthy' }] },
];

function project(): ViewState {
  const actions: Action[] = [
    { kind: 'snapshot', snapshot: { id: 'd', container: 'p-db-1', service: 'db', number: 1, state: 'running', health: 'starting', restartCount: 1, ports: '5432/tcp', configHash: 'old' } },
    { kind: 'snapshot', snapshot: { id: 'w', container: 'p-web-1', service: 'web', number: 1, state: 'created', restartCount: 0, ports: '0.0.0.0:8080->80/tcp', configHash: 'hweb' } },
    ...[10, 20, 40, 80].map((m): Action => ({ kind: 'stats', id: 'd', stats: { cpu_stats: { cpu_usage: { total_usage: 150 }, system_cpu_usage: 1000, online_cpus: 1 }, precpu_stats: { cpu_usage: { total_usage: 100 }, system_cpu_usage: 0 }, memory_stats: { usage: m * 1024 * 1024 } } })),
    ...Array.from({ length: 30 }, (_, i): Action => ({ kind: 'log', line: { name: i % 2 ? 'db-1' : 'web-1', service: i % 2 ? 'db' : 'web', text: `line ${i}`, stream: 'stdout' } })),
  ];
  return actions.reduce(reduce, initialState('shop', 'up', services));
}

const width = (line: string) => [...sanitize(line)].length;

test('a frame is exactly the terminal size, whatever the size', () => {
  const s = project();
  for (const [w, h] of [
    [80, 24],
    [120, 40],
    [40, 10],
    [20, 5],
    [10, 2],
    [200, 1],
  ]) {
    for (const color of [false, true]) {
      const frame = renderFrame(s, w, h, { color });
      assert.equal(frame.length, h, `${w}x${h} lines`);
      for (const line of frame) assert.ok(width(line) <= w, `${w}x${h}: ${JSON.stringify(line)}`);
    }
  }
});

test('rows: state, health, restarts, ports, CPU, memory sparkline, drift and waiting notes', () => {
  const frame = renderFrame(project(), 160, 20);
  assert.match(frame[0], /berth compose up · shop · 1\/2 running/);
  assert.match(frame[1], /SERVICE\s+STATE\s+HEALTH\s+RESTARTS\s+PORTS\s+CPU%\s+MEMORY\s+NOTE/);
  const db = frame.find((l) => l.includes('db-1') && l.includes('running'))!;
  assert.match(db, /^≠ db-1\s+running\s+starting\s+1\s+5432\/tcp\s+5\.0%\s+▂▃▅█ 80MiB\s+≠ differs from the compose file/);
  const web = frame.find((l) => l.includes('web-1') && l.includes('created'))!;
  assert.match(web, /^ {2}web-1\s+created\s+-\s+0\s+0\.0\.0\.0:8080->80\/tcp\s+-\s+-\s+waiting on db \(healthy\)/);
});

test('logs: a rule naming the filter, then the newest lines that fit, above the keys', () => {
  const frame = renderFrame(project(), 80, 12);
  const rule = frame.findIndex((l) => l.startsWith('── logs: all services'));
  assert.ok(rule > 0, frame.join('\n'));
  assert.deepEqual(
    frame.slice(rule + 1, 11).map((l) => l.trimEnd()),
    ['web-1 | line 24', 'db-1  | line 25', 'web-1 | line 26', 'db-1  | line 27', 'web-1 | line 28', 'db-1  | line 29'],
  );
  assert.match(frame[11], /q\/\^C stop/);
  const filtered = renderFrame(reduce(project(), { kind: 'filter', service: 'db' }), 80, 12);
  assert.ok(filtered.some((l) => l.startsWith('── logs: db ')));
  assert.ok(!filtered.some((l) => l.startsWith('web-1 |')));
});

test('a status line replaces the keys; the selected row is in reverse video with colour', () => {
  const s = reduce(project(), { kind: 'status', text: 'Gracefully stopping...' });
  assert.match(renderFrame(s, 80, 12).at(-1)!, /^Gracefully stopping\.\.\./);
  const colored = renderFrame(s, 80, 12, { color: true });
  assert.ok(colored[2].startsWith('\x1b[7m') && colored[2].includes('db-1'), JSON.stringify(colored[2]));
});

test('rows scroll to keep the selection in sight on a short terminal', () => {
  let s = initialState('p', 'top', []);
  for (let i = 1; i <= 20; i++) s = reduce(s, { kind: 'snapshot', snapshot: { id: `w${i}`, container: `p-web-${i}`, service: 'web', number: i, state: 'running', restartCount: 0, ports: '' } });
  s = reduce(s, { kind: 'select', delta: 15 });
  const frame = renderFrame(s, 80, 12);
  assert.ok(frame.some((l) => /web-16\b/.test(l)), frame.join('\n'));
  assert.ok(!frame.some((l) => /web-1\s/.test(l)));
});

test('helpers: sparkline scale, fit, log text sanitized', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([5, 5], 8), '██');
  assert.equal(sparkline([0, 0], 8), '▁▁');
  assert.equal(sparkline([1, 2, 3], 2), '▆█');
  assert.equal(fit('abcdef', 4), 'abc…');
  assert.equal(fit('ab', 4), 'ab  ');
  assert.equal(sanitize('\x1b[31mred\x1b[0m\tx\x07\r'), 'red    x');
});

test('keys from raw terminal input', () => {
  assert.deepEqual(parseKeys('\x1b[A\x1b[Bjk'), ['up', 'down', 'down', 'up']);
  assert.deepEqual(parseKeys('\x1bOA\r\x03qdrsfa\t'), ['up', 'enter', 'interrupt', 'quit', 'detach', 'restart', 'shell', 'filter', 'all-logs', 'filter']);
  assert.deepEqual(parseKeys('\x1b[15~x\x1b'), [], 'function keys and unknown bytes are dropped');
});
