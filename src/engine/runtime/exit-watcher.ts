// Learns container exits from conmon's exit files (EXITDIR/<id>, content: the exit code) through
// inotify (fs.watch), never by polling. Files already there at start-up are exits that happened
// while berthd was down.
import { watch, promises as fsp, type FSWatcher } from 'node:fs';
import path from 'node:path';

export type ExitHandler = (id: string, exitCode: number) => void;

export class ExitWatcher {
  private watcher?: FSWatcher;
  private waiting = new Map<string, ExitHandler>();

  constructor(readonly exitDir: string) {}

  async start(): Promise<void> {
    await fsp.mkdir(this.exitDir, { recursive: true });
    this.watcher = watch(this.exitDir, (_ev, name) => {
      if (name && this.waiting.has(name)) void this.check(name);
    });
  }

  stop(): void {
    this.watcher?.close();
  }

  /** Calls `onExit` once when the exit file for `id` appears (at once if it is already there). */
  watchFor(id: string, onExit: ExitHandler): void {
    this.waiting.set(id, onExit);
    void this.check(id);
  }

  forget(id: string): void {
    this.waiting.delete(id);
  }

  exitFile(id: string): string {
    return path.join(this.exitDir, id);
  }

  /** Reads an exit file: the code, or undefined when absent or not yet written. */
  async readExit(id: string): Promise<number | undefined> {
    try {
      const s = (await fsp.readFile(this.exitFile(id), 'utf8')).trim();
      if (s === '') return undefined;
      const n = Number.parseInt(s, 10);
      return Number.isNaN(n) ? undefined : n;
    } catch {
      return undefined;
    }
  }

  async removeExitFile(id: string): Promise<void> {
    await fsp.rm(this.exitFile(id), { force: true });
  }

  private async check(id: string): Promise<void> {
    const code = await this.readExit(id);
    if (code === undefined) return;
    const h = this.waiting.get(id);
    if (!h) return;
    this.waiting.delete(id);
    h(id, code);
  }
}
