// What 10,000 abandoned `logs -f` / `attach` / `exec` calls leave in berthd: its heap (after a
// full GC), descriptors and engine maps before and after, from GET /berth/debug/resources. The
// calls are raw HTTP over the unix socket, cut off after the response headers or first bytes, many
// in parallel, against one running container (test/integration/support/aborted-calls.ts; the leak
// test runs the same with fewer calls). Starts its own berthd (the integration harness).
//
//   npm run build && node build/bench/leaks.js [--calls 10000] [--parallel 64]
import { parseArgs } from 'node:util';
import { integrationSkipReason, startDaemon, waitFor } from '../test/integration/harness.js';
import { daemonResources, runAbortedCalls, type DaemonResources } from '../test/integration/support/aborted-calls.js';
import { markdownTable, mb } from './lib/table.js';

const { values: flags } = parseArgs({
  options: {
    calls: { type: 'string', default: '10000' },
    parallel: { type: 'string', default: '64' },
  },
});
const CALLS = Number(flags.calls);
const PARALLEL = Number(flags.parallel);
const progress = (m: string) => process.stderr.write(`# ${m}\n`);

/** Same shares as the leak test: execs (a conmon and a runc each) are a small part. */
const counts = (n: number) => ({ logs: Math.round(n * 0.49), attach: Math.round(n * 0.45), 'attach-stdin': Math.round(n * 0.035), exec: Math.round(n * 0.025) });

async function main(): Promise<void> {
  const skip = integrationSkipReason();
  if (skip) {
    progress(`skipped: ${skip}`);
    return;
  }
  const d = await startDaemon({ name: 'bleaks' });
  try {
    const r = await d.docker(['run', '-d', '-i', 'busybox', 'sh', '-c', 'echo hello; echo oops >&2; while true; do sleep 1; done']);
    if (r.code !== 0) throw new Error(`run: ${r.stderr}`);
    const id = r.stdout.trim();
    const settle = (what: string) =>
      waitFor(
        what,
        async () => {
          const res = await daemonResources(d.sock);
          return res.engine.logFollowers === 0 && res.engine.execsRunning === 0 && res;
        },
        120_000,
        200,
      );
    progress('warm-up: 200 calls');
    await runAbortedCalls({ sock: d.sock, container: id, counts: counts(200), parallel: 32, firstBytes: true });
    const before = await settle('the warm-up calls to be let go');
    progress(`${CALLS} aborted calls, ${PARALLEL} at a time`);
    const t0 = performance.now();
    await runAbortedCalls({ sock: d.sock, container: id, counts: counts(CALLS), parallel: PARALLEL, firstBytes: true });
    const burstMs = performance.now() - t0;
    const after = await settle('the aborted calls to be let go');
    const settleMs = performance.now() - t0 - burstMs;
    const row = (name: string, f: (x: DaemonResources) => number, fmt: (n: number) => string | undefined) => [name, fmt(f(before)), fmt(f(after)), fmt(f(after) - f(before))];
    const n = (v: number) => String(v);
    process.stdout.write(`\n${CALLS} aborted calls (${JSON.stringify(counts(CALLS))}), ${PARALLEL} in parallel: ${(burstMs / 1000).toFixed(1)} s, berthd let go of them ${(settleMs / 1000).toFixed(1)} s later\n\n`);
    process.stdout.write(
      markdownTable(
        ['berthd', 'before', 'after', 'difference'],
        [
          row('heap used (after GC)', (x) => x.process.memory.heapUsed, mb),
          row('RSS', (x) => x.process.memory.rss, mb),
          row('open descriptors', (x) => x.process.fds, n),
          row('log followers', (x) => x.engine.logFollowers, n),
          row('container waiters', (x) => x.engine.containerWaiters, n),
          row('exec sessions (finished ones kept for inspect)', (x) => x.engine.execSessions, n),
        ],
      ) + '\n',
    );
  } finally {
    await d.cleanup();
  }
}

await main();
