// Summarises a .cpuprofile (from `bench/core.ts --cpu-prof DIR` or `node --cpu-prof`): self and
// inclusive time per function, bundle positions mapped back to src/ through the bundle's source
// map, so the top costs read as file:line of the source tree.
//   node build/bench/lib/profile-summary.js FILE.cpuprofile [--top 30] [--filter src/]
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const maps = new Map<string, SourceMap | undefined>();

function sourceMapFor(url: string): SourceMap | undefined {
  if (maps.has(url)) return maps.get(url);
  let map: SourceMap | undefined;
  try {
    const file = url.startsWith('file:') ? fileURLToPath(url) : url;
    if (file && existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
  } catch {
    map = undefined;
  }
  maps.set(url, map);
  return map;
}

/** "name path:line" of a frame, through the source map when there is one. */
export function frameLabel(f: CallFrame): string {
  const name = f.functionName || '(anonymous)';
  if (!f.url) return name;
  const map = sourceMapFor(f.url);
  const entry = map?.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  if (entry?.originalSource) {
    const src = entry.originalSource.replace(/^.*?\/(src|node_modules)\//, '$1/');
    return `${name} ${src}:${(entry.originalLine ?? 0) + 1}`;
  }
  const short = f.url.startsWith('file:') ? path.relative(process.cwd(), fileURLToPath(f.url)) : f.url;
  return `${name} ${short}:${f.lineNumber + 1}`;
}

export interface ProfileTotals {
  totalMs: number;
  idleMs: number;
  self: Map<string, number>;
  inclusive: Map<string, number>;
}

export function summariseProfile(p: Profile): ProfileTotals {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    totalMs += dt;
    const leaf = byId.get(p.samples[i]);
    if (!leaf) continue;
    if (leaf.callFrame.functionName === '(idle)') {
      idleMs += dt;
      continue;
    }
    const leafLabel = frameLabel(leaf.callFrame);
    self.set(leafLabel, (self.get(leafLabel) ?? 0) + dt);
    // Each function once per sample, however deep the recursion.
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const label = frameLabel(byId.get(id)!.callFrame);
      if (seen.has(label)) continue;
      seen.add(label);
      inclusive.set(label, (inclusive.get(label) ?? 0) + dt);
    }
  }
  return { totalMs, idleMs, self, inclusive };
}

function top(m: Map<string, number>, n: number, filter?: string): string[] {
  return [...m]
    .filter(([k]) => !filter || k.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${v.toFixed(1).padStart(9)} ms  ${k}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' }, filter: { type: 'string' } } });
  const n = Number(values.top);
  for (const file of positionals) {
    const t = summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile);
    console.log(`${file}: ${t.totalMs.toFixed(0)} ms sampled, ${(t.totalMs - t.idleMs).toFixed(0)} ms on CPU`);
    console.log(`\nself time:\n${top(t.self, n, values.filter).join('\n')}`);
    console.log(`\ninclusive time:\n${top(t.inclusive, n, values.filter).join('\n')}`);
  }
}
