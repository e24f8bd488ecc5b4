// Preloaded into berthd by `bench/core.ts --cpu-prof DIR` (NODE_OPTIONS=--import …), because
// Node refuses --cpu-prof in NODE_OPTIONS and the harness starts berthd with no node flags.
// Profiles the whole process and writes DIR/berthd-PID.cpuprofile when it exits (SIGTERM included:
// berthd turns it into process.exit). The in-thread inspector session answers synchronously,
// which is what makes writing from the exit event possible.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.BERTH_BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  // 200 µs sampling: the hot path is a few ms per request, the default 1 ms misses too much.
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `berthd-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
