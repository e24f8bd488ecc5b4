// The attached part of `up` without -d: follows the output of the project's containers through a
// LogPrinter, prints "web-1 exited with code 0", and tells when every container has exited (or,
// for --abort-on-container-exit, the first). Kept apart so a live view can take its place.
import type { ContainerSummary } from '../api-types/containers.js';
import type { EngineClient } from '../client/client.js';
import { isNotFound } from '../client/errors.js';
import { LogPrinter, printLogs } from './log-printer.js';
import { serviceOf, shortName } from './naming.js';

export interface ExitInfo {
  container: ContainerSummary;
  service: string;
  code: number;
}

export class Attacher {
  private readonly followed = new Map<string, Promise<ExitInfo>>();
  private readonly abort = new AbortController();
  private readonly exits: ExitInfo[] = [];
  /** Called as each followed container exits. */
  onExit?: (e: ExitInfo) => void;

  constructor(
    private readonly client: EngineClient,
    private readonly project: string,
    readonly printer: LogPrinter,
  ) {}

  /** Follows a container's output: all of it (`fromStart`) or what comes from now on. */
  follow(c: ContainerSummary, fromStart: boolean): void {
    if (this.followed.has(c.Id)) return;
    const name = shortName(this.project, c);
    this.printer.register(name);
    const since = fromStart ? undefined : (Date.now() / 1000).toFixed(3);
    const done = (async (): Promise<ExitInfo> => {
      let info = await this.client.containers.inspect(c.Id);
      const tty = !!info.Config.Tty;
      let from = since;
      for (;;) {
        await printLogs(this.client, c.Id, name, this.printer, { follow: true, since: from, tty, signal: this.abort.signal });
        if (this.abort.signal.aborted) break;
        try {
          info = await this.client.containers.inspect(c.Id);
        } catch (e) {
          // Removed (recreated by `up --watch`, or by another client): it ended with its last state.
          if (isNotFound(e)) break;
          throw e;
        }
        // Restarted by its restart policy: keep following the new run.
        if (info.State.Status === 'running' || info.State.Restarting) {
          from = (Date.parse(info.State.StartedAt ?? '') / 1000 || Date.now() / 1000).toFixed(3);
          continue;
        }
        break;
      }
      const exit: ExitInfo = { container: c, service: serviceOf(c), code: info.State.ExitCode ?? 0 };
      if (!this.abort.signal.aborted) {
        this.printer.status(name, `exited with code ${exit.code}`);
        this.exits.push(exit);
        this.onExit?.(exit);
      }
      return exit;
    })();
    this.followed.set(c.Id, done);
  }

  /** Resolves once every followed container has exited. */
  async all(): Promise<ExitInfo[]> {
    let size = -1;
    // Containers followed while waiting are waited for too.
    while (size !== this.followed.size) {
      size = this.followed.size;
      await Promise.all(this.followed.values());
    }
    return this.exits;
  }

  /** Stops following (the caller is stopping the project). */
  stop(): void {
    this.abort.abort();
  }

  exitOf(service: string): ExitInfo | undefined {
    return this.exits.find((e) => e.service === service);
  }
}
