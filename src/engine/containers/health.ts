// Health checks: the image's or container's HEALTHCHECK run as an exec at its interval, with
// Docker's state machine (starting → healthy/unhealthy, failing streak, last 5 results) and its
// `health_status` events.
import type { ContainerService } from './service.js';
import type { ExecManager } from './exec.js';
import type { ContainerRecord } from './types.js';
import type { OutputSink } from './streams.js';
import { bestEffort } from '../../util/best-effort.js';

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

export interface HealthState {
  Status: 'starting' | 'healthy' | 'unhealthy' | 'none';
  FailingStreak: number;
  Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }>;
}

const NS = 1_000_000;
const DEFAULTS = { interval: 30_000, timeout: 30_000, startInterval: 5_000, retries: 3 };
const MAX_OUTPUT = 4096;

/** The command a health test runs, or undefined for none. */
export function healthCommand(test: string[] | undefined): string[] | undefined {
  if (!test || test.length === 0 || test[0] === 'NONE') return undefined;
  if (test[0] === 'CMD-SHELL') return ['/bin/sh', '-c', test.slice(1).join(' ')];
  if (test[0] === 'CMD') return test.slice(1);
  return test;
}

export class HealthMonitor {
  private timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private svc: ContainerService,
    private execs: ExecManager,
  ) {}

  /** Called when a container starts: begins probing if it has a health check. */
  started(rec: ContainerRecord): void {
    this.stopped(rec.id);
    const hc = rec.config.Healthcheck as HealthConfig | undefined;
    const cmd = healthCommand(hc?.Test);
    if (!cmd) return;
    (rec.state as any).Health = { Status: 'starting', FailingStreak: 0, Log: [] } satisfies HealthState;
    const startedAt = Date.now();
    const interval = hc?.Interval ? hc.Interval / NS : DEFAULTS.interval;
    const startPeriod = hc?.StartPeriod ? hc.StartPeriod / NS : 0;
    const startInterval = hc?.StartInterval ? hc.StartInterval / NS : DEFAULTS.startInterval;
    const next = () => {
      const inStart = Date.now() - startedAt < startPeriod && (rec.state as any).Health?.Status === 'starting';
      const t = setTimeout(() => void probe(), inStart ? startInterval : interval);
      t.unref();
      this.timers.set(rec.id, t);
    };
    const probe = async () => {
      if (!rec.state.Running || !this.timers.has(rec.id)) return;
      await bestEffort(this.probeOnce(rec, cmd, hc ?? {}, Date.now() - startedAt < startPeriod), `health probe of ${rec.id}`);
      if (rec.state.Running && this.timers.has(rec.id)) next();
    };
    next();
  }

  stopped(id: string): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
  }

  private async probeOnce(rec: ContainerRecord, cmd: string[], hc: HealthConfig, inStartPeriod: boolean): Promise<void> {
    const start = new Date().toISOString();
    const timeout = hc.Timeout ? hc.Timeout / NS : DEFAULTS.timeout;
    const { Id } = this.execs.create(rec.id, { Cmd: cmd, AttachStdout: true, AttachStderr: true }, { internal: true });
    const chunks: Buffer[] = [];
    let size = 0;
    const sink: OutputSink = {
      write(_s, data) {
        if (size < MAX_OUTPUT) chunks.push(data);
        size += data.length;
      },
    };
    let exitCode: number;
    let timer: NodeJS.Timeout | undefined;
    try {
      const run = await this.execs.start(Id, { detach: false, sink });
      const timedOut = await Promise.race([run.done.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeout).unref()))]);
      if (timedOut) {
        // As dockerd: the probe is killed and waited for, so dying probes never pile up.
        run.abort();
        await this.execs.kill(Id);
        exitCode = -1;
        chunks.push(Buffer.from(`Health check exceeded timeout (${timeout / 1000}s)`));
      } else exitCode = (await run.exit) ?? -1;
    } catch (e: any) {
      exitCode = -1;
      chunks.push(Buffer.from(String(e?.message ?? e)));
      // A probe that failed to start leaves a session (and maybe files) behind.
      await bestEffort(this.execs.kill(Id), `killing health probe ${Id}`);
    } finally {
      clearTimeout(timer);
    }
    const h: HealthState = (rec.state as any).Health ?? { Status: 'starting', FailingStreak: 0, Log: [] };
    h.Log.push({ Start: start, End: new Date().toISOString(), ExitCode: exitCode, Output: Buffer.concat(chunks).toString('utf8').slice(0, MAX_OUTPUT) });
    if (h.Log.length > 5) h.Log.shift();
    const before = h.Status;
    if (exitCode === 0) {
      h.Status = 'healthy';
      h.FailingStreak = 0;
    } else if (!(inStartPeriod && h.Status === 'starting')) {
      h.FailingStreak++;
      if (h.FailingStreak >= (hc.Retries || DEFAULTS.retries)) h.Status = 'unhealthy';
    }
    (rec.state as any).Health = h;
    if (h.Status !== before) this.svc.emit(rec, `health_status: ${h.Status}`);
  }
}
