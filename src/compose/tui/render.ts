// Draws the live view's state as a frame: exactly `height` lines, none wider than `width`
// columns. Pure (state in, strings out) so a test can check what a terminal of any size shows.
// Layout: a title line, the table of replicas (state, health, restarts, ports, CPU, memory
// sparkline, a note: waiting on X, drift from the file, exit code), a rule, the newest log
// lines, and a line of keys (or the status line while something happens).
import { bytesSize } from '../../cli/format/units.js';
import { drifted, visibleLogs, waitingOn, type Replica, type ViewState } from './model.js';

export interface RenderOptions {
  /** ANSI colours and reverse video for the selected row. */
  color?: boolean;
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** A sparkline of the last `width` values, scaled from 0 to their maximum. */
export function sparkline(values: readonly number[], width: number): string {
  const tail = values.slice(-width);
  const max = Math.max(0, ...tail);
  return tail.map((v) => (max > 0 ? BLOCKS[Math.min(BLOCKS.length - 1, Math.round((v / max) * (BLOCKS.length - 1)))] : BLOCKS[0])).join('');
}

/** Removes what would move the cursor or change colours: escapes, control characters; tabs become spaces. */
export function sanitize(text: string): string {
  return text
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '')
    .replace(/\t/g, '    ')
    .replace(/[\x00-\x1f\x7f]/g, '');
}

/** Cuts or pads `text` to exactly `width` columns (one column per code point). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length > width) return chars.slice(0, Math.max(0, width - 1)).join('') + '…';
  return text + ' '.repeat(width - chars.length);
}

const SGR = {
  bold: '1',
  dim: '2',
  reverse: '7',
  red: '31',
  green: '32',
  yellow: '33',
  cyan: '36',
} as const;

function stateColor(r: Replica): keyof typeof SGR | undefined {
  if (r.state === 'running') return r.health === 'unhealthy' ? 'red' : 'green';
  if (r.state === 'exited' || r.state === 'dead') return r.exitCode ? 'red' : 'dim';
  if (r.state === 'restarting' || r.state === 'paused') return 'yellow';
  return undefined;
}

interface Column {
  title: string;
  width: number;
  cell: (r: Replica) => string;
}

/** The note column: what keeps a replica from running, or how it differs from the file. */
function note(state: ViewState, r: Replica): string {
  const parts: string[] = [];
  if (drifted(state, r)) parts.push('≠ differs from the compose file');
  const waits = waitingOn(state, r);
  if (waits.length) parts.push(`waiting on ${waits.join(', ')}`);
  else if (r.state !== 'running' && r.state !== 'exited' && state.phases[r.container]) parts.push(state.phases[r.container].toLowerCase());
  return parts.join('; ');
}

function stateText(r: Replica): string {
  if ((r.state === 'exited' || r.state === 'dead') && r.exitCode !== undefined) return `${r.state} (${r.exitCode})`;
  return r.state;
}

function columns(state: ViewState, width: number): Column[] {
  const nameWidth = Math.max(7, ...state.replicas.map((r) => r.service.length + 1 + String(r.number).length)) + 2;
  const fixed: Column[] = [
    { title: 'SERVICE', width: nameWidth, cell: (r) => `${drifted(state, r) ? '≠' : ' '} ${r.service}-${r.number}` },
    { title: 'STATE', width: 12, cell: stateText },
    { title: 'HEALTH', width: 10, cell: (r) => r.health ?? '-' },
    { title: 'RESTARTS', width: 9, cell: (r) => String(r.policyRestarts + r.manualRestarts) },
    { title: 'CPU%', width: 7, cell: (r) => (r.state === 'running' && r.cpu.length ? `${r.cpu[r.cpu.length - 1].toFixed(1)}%` : '-') },
    { title: 'MEMORY', width: 22, cell: (r) => (r.mem.length ? `${sparkline(r.mem, 12)} ${bytesSize(r.mem[r.mem.length - 1])}` : '-') },
  ];
  const portsWidth = Math.max(6, ...state.replicas.map((r) => r.ports.length)) + 1;
  const used = fixed.reduce((n, c) => n + c.width + 1, 0);
  const rest = width - used;
  // Ports and the note share what is left; ports first, as long as the note keeps some room.
  const ports = Math.max(0, Math.min(portsWidth, rest - 20));
  return [
    ...fixed.slice(0, 4),
    { title: 'PORTS', width: ports, cell: (r) => r.ports },
    ...fixed.slice(4),
    { title: 'NOTE', width: Math.max(0, rest - ports - 1), cell: (r) => note(state, r) },
  ];
}

/** The frame: `height` lines of at most `width` columns (plus escapes with `color`). */
export function renderFrame(state: ViewState, width: number, height: number, opts: RenderOptions = {}): string[] {
  const paint = (code: keyof typeof SGR | undefined, text: string) => (opts.color && code ? `\x1b[${SGR[code]}m${text}\x1b[0m` : text);
  const line = (text: string) => fit(sanitize(text), width);
  const cols = columns(state, width);
  const row = (cells: string[]) => cells.map((c, i) => fit(sanitize(c), cols[i].width)).join(' ');

  const running = state.replicas.filter((r) => r.state === 'running').length;
  const title = `berth compose ${state.mode} · ${state.project} · ${running}/${state.replicas.length} running`;
  const out: string[] = [paint('bold', line(title)), paint('bold', fit(row(cols.map((c) => c.title)), width))];

  // Rows get what the logs leave: at least 3 log lines when the replicas do not all fit.
  const footer = 1;
  const ruleAndLogs = Math.min(Math.max(4, height - 2 - footer - state.replicas.length), height - 2 - footer);
  const tableRows = Math.max(0, height - 2 - footer - ruleAndLogs);
  const first = Math.min(Math.max(0, state.selected - tableRows + 1), Math.max(0, state.replicas.length - tableRows));
  for (const [i, r] of state.replicas.slice(first, first + tableRows).entries()) {
    const text = fit(row(cols.map((c) => c.cell(r))), width);
    if (first + i === state.selected) out.push(paint('reverse', text));
    else if (opts.color) {
      // Colour the state cell only: the rest of the row stays plain.
      const at = cols[0].width + 1;
      const w = cols[1].width;
      const chars = [...text];
      out.push(chars.slice(0, at).join('') + paint(stateColor(r), chars.slice(at, at + w).join('')) + chars.slice(at + w).join(''));
    } else out.push(text);
  }
  while (out.length < 2 + tableRows) out.push(fit('', width));
  if (state.replicas.length === 0 && tableRows > 0) out[2] = line('  (no containers yet)');

  const logRows = Math.max(0, ruleAndLogs - 1);
  const label = ` logs: ${state.filter ?? 'all services'} `;
  out.push(paint('cyan', fit(`──${label}${'─'.repeat(Math.max(0, width - label.length - 2))}`, width)));
  const logs = visibleLogs(state).slice(-logRows);
  const prefixWidth = Math.max(0, ...logs.map((l) => l.name.length));
  for (const l of logs) {
    const text = l.name ? `${l.name.padEnd(prefixWidth)} | ${l.text}` : l.text;
    out.push(l.stream === 'status' || l.stream === 'stderr' ? paint(l.stream === 'stderr' ? 'yellow' : 'dim', line(text)) : line(text));
  }
  while (out.length < height - footer) out.push(fit('', width));

  const keys =
    state.mode === 'up'
      ? '↑↓ select  f filter logs  r restart  s shell  d detach  q/^C stop'
      : '↑↓ select  f filter logs  r restart  s shell  q quit';
  out.push(state.status ? paint('yellow', line(state.status)) : paint('dim', line(keys)));
  return out.slice(0, height);
}
