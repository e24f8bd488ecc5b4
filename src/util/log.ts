// berthd logs to stderr, one line each, like dockerd: time, level, message.
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };
let threshold: Level = (process.env.BERTH_LOG_LEVEL as Level) in order ? (process.env.BERTH_LOG_LEVEL as Level) : 'info';

function write(level: Level, msg: string): void {
  if (order[level] < order[threshold]) return;
  process.stderr.write(`time="${new Date().toISOString()}" level=${level} msg=${JSON.stringify(msg)}\n`);
}

export const log = {
  setLevel(l: Level) {
    threshold = l;
  },
  debug: (m: string) => write('debug', m),
  info: (m: string) => write('info', m),
  warn: (m: string) => write('warn', m),
  error: (m: string) => write('error', m),
};

/** Phase timings of a hot path, logged at debug level (`--log-level debug`): `trace(phase)` logs the time since the last phase and since the start. */
export function tracer(what: string, id: string): (phase: string) => void {
  const t0 = performance.now();
  let last = t0;
  return (phase) => {
    const now = performance.now();
    log.debug(`${what} ${id.slice(0, 12)} ${phase} +${(now - last).toFixed(1)}ms (${(now - t0).toFixed(1)}ms)`);
    last = now;
  };
}
