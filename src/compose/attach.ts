// The attached part of `up` without -d: follows the output of the project's containers through a
// LogSink (the plain LogPrinter, or the live view), prints "web-1 exited with code 0", and tells
// when every container has exited (or, for --abort-on-container-exit, the first).
import type { ContainerSummary } from '../api-types/containers.js';
import type { EngineClient } from '../client/client.js';
import { isNotFound } from '../client/errors.js';
import { settled } from '../util/best-effort.js';
import { printLogs, type LogSink } from './log-printer.js';
import { serviceOf, shortName } from './naming.js';

/** What following needs of a container (a list entry, or one made from inspect). */
export type ContainerRef = Pick<ContainerSummary, 'Id' | 'Names' | 'Labels'>;

/**
 * Where a container's output is followed from: all of it (true), what comes from now on (false),
 * or from a time and/or the last lines.
 */
export type FollowFrom = boolean | { since?: string; tail?: number };

export interface ExitInfo {
  container: ContainerRef;
  service: string;
  code: number;
}

export class Attacher {
  private readonly followed = new Map<string, Promise<ExitInfo>>();
  /** Containers whose output is being read now (a container can be followed again once it exits). */
  private readonly live = new Set<string>();
  private readonly abort = new AbortController();
  private readonly exits: ExitInfo[] = [];
  /** Called as each followed container exits. */
  onExit?: (e: ExitInfo) => void;

  constructor(
    private readonly client: EngineClient,
    private readonly project: string,
    readonly printer: LogSink,
  ) {}

  /** Follows a container's output from `from`, unless it is being followed already. */
  follow(c: ContainerRef, from: FollowFrom): void {
    if (this.live.has(c.Id)) return;
    this.live.add(c.Id);
    const name = shortName(this.project, c);
    this.printer.register(name);
    const start = typeof from === 'object' ? from : { since: from ? undefined : (Date.now() / 1000).toFixed(3) };
    const done = (async (): Promise<ExitInfo> => {
      let info = await this.client.containers.inspect(c.Id);
      const tty = !!info.Config.Tty;
      let since = start.since;
      let tail = start.tail;
      for (;;) {
        await printLogs(this.client, c.Id, name, this.printer, { follow: true, since, tail: tail === undefined ? undefined : String(tail), tty, signal: this.abort.signal });
        tail = undefined;
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
          since = (Date.parse(info.State.StartedAt ?? '') / 1000 || Date.now() / 1000).toFixed(3);
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
    })().finally(() => this.live.delete(c.Id));
    // Keyed per run, so all() also waits for a container followed again after it exited.
    this.followed.set(`${c.Id}#${this.followed.size}`, done);
    void settled(done); // its failure is all()'s to report; a caller that never asks must not crash on it

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
