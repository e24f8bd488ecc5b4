// Build benchmark: a 12-step Dockerfile (busybox base, COPY of a generated ~50 MB context of
// 5,000 files, RUN steps) built against a temporary berthd, with the docker CLI (classic builder)
// and with berth's CLI (which syncs the context: only changed files travel): cold build, rebuild
// with no change (all cache hits), rebuild after one file changed (cache misses from the COPY on).
// With a dockerd column (bench/lib/run-bench.ts: `--dockerd` or BENCH_DOCKERD) the docker CLI
// builds run against that dockerd too, side by side; --rounds N alternates the clients N times and
// keeps medians. Prints a markdown table.
//   node build/bench/build.js [--files 5000] [--kb 10] [--rounds 1] [--dockerd]
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCommand } from '../test/integration/support/proc.js';
import { benchFlagOptions, progress, runBench } from './lib/run-bench.js';
import { markdownTable, mb, seconds } from './lib/table.js';

const { values: flags } = parseArgs({
  options: { files: { type: 'string', default: '5000' }, kb: { type: 'string', default: '10' }, rounds: { type: 'string', default: '1' }, ...benchFlagOptions },
});
const FILES = Number(flags.files);
const KB = Number(flags.kb);
const ROUNDS = Math.max(1, Number(flags.rounds));

const DOCKERFILE = `FROM busybox
ENV APP=/app
WORKDIR /app
RUN echo prepare > /prepare
COPY . /app/src
RUN find /app/src -type f | wc -l > /app/count
RUN du -s /app/src > /app/size
LABEL bench=build
RUN cat /app/src/dir0/file0 > /app/first
EXPOSE 8080
USER nobody
CMD ["cat", "/app/count"]
`;

async function makeContext(dir: string): Promise<number> {
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, 'Dockerfile'), DOCKERFILE);
  let bytes = 0;
  const perDir = 100;
  for (let i = 0; i < FILES; i++) {
    const sub = path.join(dir, `dir${Math.floor(i / perDir)}`);
    if (i % perDir === 0) await fsp.mkdir(sub, { recursive: true });
    const data = randomBytes(KB * 1024);
    await fsp.writeFile(path.join(sub, `file${i % perDir}`), data);
    bytes += data.length;
  }
  return bytes;
}

interface Row {
  daemon: string;
  cold: number;
  noChange: number;
  oneFile: number;
  cacheHits: number;
}

type Docker = (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

async function runScenario(name: string, docker: Docker, ctx: string): Promise<Row> {
  const tag = `bench-build-${process.pid}:latest`;
  // Every image ID the tag pointed at: the tag moves on the one-file rebuild, and the image it
  // left (with its untagged parent chain) would otherwise stay behind on a shared dockerd.
  const built: string[] = [];
  const buildOnce = async (): Promise<{ ms: number; out: string }> => {
    const t0 = performance.now();
    const r = await docker(['build', '--network', 'none', '-t', tag, ctx]);
    const ms = performance.now() - t0;
    const id = await docker(['image', 'inspect', '-f', '{{.Id}}', tag]);
    if (id.code === 0 && !built.includes(id.stdout.trim())) built.push(id.stdout.trim());
    if (r.code !== 0) throw new Error(`${name}: build failed: ${r.stderr}`);
    return { ms, out: r.stdout };
  };
  const cold = await buildOnce();
  const warm = await buildOnce();
  const changed = path.join(ctx, 'dir0', 'file0');
  const original = await fsp.readFile(changed);
  await fsp.writeFile(changed, randomBytes(KB * 1024));
  try {
    const one = await buildOnce();
    return { daemon: name, cold: cold.ms, noChange: warm.ms, oneFile: one.ms, cacheHits: (warm.out.match(/Using cache/g) ?? []).length };
  } finally {
    await fsp.writeFile(changed, original);
    // Newest first: removing each one also prunes the untagged intermediate images under it that
    // no other image still needs. Only IDs this run built, so nothing else on the daemon goes.
    for (const id of built.reverse()) await docker(['rmi', '-f', id]);
    await docker(['builder', 'prune', '-f']);
  }
}

/** Runs a scenario ROUNDS times (clients taking turns) and keeps each column's median. */
function medianRow(name: string, runs: Row[]): Row {
  const med = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  return {
    daemon: ROUNDS > 1 ? `${name} (median of ${ROUNDS})` : name,
    cold: med(runs.map((r) => r.cold)),
    noChange: med(runs.map((r) => r.noChange)),
    oneFile: med(runs.map((r) => r.oneFile)),
    cacheHits: Math.min(...runs.map((r) => r.cacheHits)),
  };
}

await runBench({ name: 'bench', flags }, async ({ berthd: d, dockerd, onCleanup }) => {
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-build-'));
  onCleanup(() => fsp.rm(work, { recursive: true, force: true }));
  const ctx = path.join(work, 'ctx');
  const bytes = await makeContext(ctx);
  const clients: Array<[string, Docker]> = [
    ['berthd, docker CLI', (args) => d.docker(args, { env: { DOCKER_BUILDKIT: '0' }, timeoutMs: 600_000 })],
    // berth's CLI syncs the context (only changed files travel): a client-side difference.
    ['berthd, berth CLI', (args) => d.berth(args, { timeoutMs: 600_000 })],
  ];
  if (dockerd) clients.push([`dockerd, docker CLI`, (args) => runCommand('docker', args, { baseEnv: { ...dockerd.env, DOCKER_BUILDKIT: '0' }, timeoutMs: 600_000 })]);
  const runs = new Map<string, Row[]>(clients.map(([n]) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, docker] of clients) {
      progress(`round ${round + 1}/${ROUNDS}: ${name}`);
      runs.get(name)!.push(await runScenario(name, docker, ctx));
    }
  }
  const rows = clients.map(([name]) => medianRow(name, runs.get(name)!));
  process.stdout.write(`\nBuild: 12-step Dockerfile, context of ${FILES} files, ${mb(bytes)} (classic builder)\n\n`);
  process.stdout.write(
    markdownTable(
      ['daemon, client', 'cold build', 'no-change rebuild', 'one file changed', 'cache hits on rebuild'],
      rows.map((r) => [r.daemon, seconds(r.cold), seconds(r.noChange), seconds(r.oneFile), `${r.cacheHits}/11`]),
    ) + '\n',
  );
});
