// Compose benchmark (issue 14): `up -d` of a 10-service project, cold (no container, no network)
// and with nothing changed, then `down`, for each client × daemon pair:
//   berth compose on berthd, docker-compose 1.29 on berthd, and, with a dockerd column
//   (bench/lib/run-bench.ts: `--dockerd` or BENCH_DOCKERD), docker-compose and berth compose on dockerd.
// The project: 10 busybox services on the project's default network, a chain of depends_on
// through three of them, environment, labels, a named volume on one. Rounds alternate the pairs;
// the table gives medians (and all values). Goals: no-change `up` < 300 ms; cold `up` ≥ 2×
// faster than docker-compose on dockerd.
//
//   npm run build && node build/bench/compose.js [--rounds 5] [--services 10] [--dockerd] [--pairs berth@berthd,dc@berthd,dc@dockerd,berth@dockerd]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BERTH_BIN } from '../test/integration/harness.js';
import { benchFlagOptions, progress, runBench, type BenchTarget } from './lib/run-bench.js';
import { summarize } from './lib/stats.js';
import { markdownTable, ms, type Cell } from './lib/table.js';
import { timeCommand } from './lib/timing.js';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    services: { type: 'string', default: '10' },
    pairs: { type: 'string', default: 'berth@berthd,dc@berthd,dc@dockerd,berth@dockerd' },
    ...benchFlagOptions,
  },
});
const ROUNDS = Number(flags.rounds);
const SERVICES = Number(flags.services);
const PROJECT = `benchc${process.pid}`;

/** The compose file: SERVICES busybox services, s1 ← s2 ← s3 by depends_on, a volume on s1. */
function composeFile(): string {
  const lines = ['services:'];
  for (let i = 1; i <= SERVICES; i++) {
    lines.push(
      `  s${i}:`,
      '    image: busybox:latest',
      '    command: ["sleep", "3600"]',
      '    stop_signal: SIGKILL',
      `    environment:`,
      `      SERVICE: s${i}`,
      `    labels:`,
      `      bench.service: s${i}`,
    );
    if (i === 1) lines.push('    volumes:', '      - data:/data');
    if (i === 2 || i === 3) lines.push('    depends_on:', `      - s${i - 1}`);
  }
  lines.push('volumes:', '  data: {}');
  return lines.join('\n') + '\n';
}

type Client = 'berth' | 'dc';
interface Pair {
  key: string;
  client: Client;
  target: BenchTarget;
}
interface Times {
  cold: number[];
  noChange: number[];
  down: number[];
}

const CLIENT_NAME: Record<Client, string> = { berth: 'berth compose', dc: 'docker-compose 1.29' };

function compose(pair: Pair, dir: string, args: string[]) {
  const file = path.join(dir, 'compose.yaml');
  const [bin, pre] = pair.client === 'berth' ? [BERTH_BIN, ['compose']] : ['docker-compose', []];
  return timeCommand(bin, [...pre, '-p', PROJECT, '-f', file, ...args], { env: { ...pair.target.env, COMPOSE_INTERACTIVE_NO_CLI: '1' }, timeoutMs: 300_000 });
}

async function round(pair: Pair, dir: string, t: Times): Promise<void> {
  t.cold.push((await compose(pair, dir, ['up', '-d'])).ms);
  const ps = await pair.target.docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`]);
  const running = ps.stdout.split('\n').filter(Boolean).length;
  if (running !== SERVICES) throw new Error(`${pair.key}: ${running} containers running after up, not ${SERVICES}`);
  const before = (await pair.target.docker(['ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${PROJECT}`])).stdout;
  t.noChange.push((await compose(pair, dir, ['up', '-d'])).ms);
  const after = (await pair.target.docker(['ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${PROJECT}`])).stdout;
  if (before !== after) throw new Error(`${pair.key}: the no-change up replaced containers`);
  t.down.push((await compose(pair, dir, ['down', '-v'])).ms);
}

await runBench({ name: 'bcompose', flags }, async ({ berth, dockerd, onCleanup }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-bench-compose-'));
  writeFileSync(path.join(dir, 'compose.yaml'), composeFile());
  const targets: Record<string, BenchTarget | undefined> = { berthd: berth, dockerd };
  const pairs: Pair[] = flags.pairs
    .split(',')
    .map((key) => {
      const [client, daemon] = key.split('@') as [Client, string];
      const target = targets[daemon];
      return target ? { key, client, target } : undefined;
    })
    .filter((p): p is Pair => !!p);
  onCleanup(async () => {
    for (const p of pairs) await compose(p, dir, ['down', '-v']).catch((e: Error) => progress(`down on ${p.key}: ${e.message}`));
    rmSync(dir, { recursive: true, force: true });
  });
  const times = new Map(pairs.map((p) => [p.key, { cold: [], noChange: [], down: [] } as Times]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const p of pairs) {
      progress(`round ${r + 1}/${ROUNDS}: ${CLIENT_NAME[p.client]} on ${p.target.name}`);
      await round(p, dir, times.get(p.key)!);
    }
  }
  const med = (v: number[]) => summarize(v).p50;
  const cell = (v: number[]) => `${ms(med(v))} (${v.map((x) => Math.round(x)).join(', ')})`;
  const rows: Cell[][] = pairs.map((p) => {
    const t = times.get(p.key)!;
    return [`${CLIENT_NAME[p.client]} on ${p.target.name}`, cell(t.cold), cell(t.noChange), cell(t.down)];
  });
  console.log(`\n## Compose: ${SERVICES} services, median of ${ROUNDS} rounds (all values in ms)\n`);
  console.log(markdownTable(['client on daemon', 'cold `up -d`', 'no-change `up -d`', '`down -v`'], rows));
  const ref = times.get('dc@dockerd');
  const ours = times.get('berth@berthd');
  if (ref && ours) {
    console.log(`\ncold up: docker-compose on dockerd / berth compose on berthd = ${(med(ref.cold) / med(ours.cold)).toFixed(2)}× (goal ≥ 2×)`);
  }
  if (ours) console.log(`no-change up, berth compose on berthd: ${ms(med(ours.noChange))} (goal < 300 ms)`);
});
