// Where berth dashboard keeps its sessions, so a restart does not sign out the pages that are open
// (they reconnect by themselves: web/connection.ts). One file per address the dashboard listens
// on, in the user's state directory ($XDG_STATE_HOME/berth, else ~/.local/state/berth):
// dashboard-sessions-HOST-PORT.json, mode 0600, written whole to a temp file and renamed. It holds
// no session id, only its SHA-256 (what the cookie is checked against), with the session's CSRF
// token and when it was last used (it expires SESSION_IDLE_MS later). A dashboard on a random
// port (--addr HOST:0) keeps none: its pages could not come back to the next one anyway.
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { atomicWrite } from '../../util/fs.js';
import { log } from '../../util/log.js';

export interface StoredSession {
  /** SHA-256 of the session id (base64url). */
  hash: string;
  csrf: string;
  lastUsed: number;
}

interface FileShape {
  version: 1;
  sessions: StoredSession[];
}

/** $XDG_STATE_HOME/berth, else ~/.local/state/berth. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(env.HOME || homedir(), '.local', 'state');
  return path.join(base, 'berth');
}

/** The sessions file of a dashboard listening on host:port (undefined for a random port). */
export function sessionFilePath(dir: string, host: string, port: number): string | undefined {
  if (!port) return undefined;
  return path.join(dir, `dashboard-sessions-${host.replace(/[^\w.-]/g, '_')}-${port}.json`);
}

export class SessionFile {
  private pending?: StoredSession[];
  private writing?: Promise<void>;

  constructor(readonly file: string) {}

  /** The sessions kept by the last run (none when the file is missing or unreadable). */
  load(): StoredSession[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.warn(`dashboard: reading ${this.file}: ${(e as Error).message}`);
      return [];
    }
    try {
      const body = JSON.parse(text) as FileShape;
      if (body.version !== 1 || !Array.isArray(body.sessions)) throw new Error('unknown format');
      return body.sessions.filter((s) => typeof s.hash === 'string' && typeof s.csrf === 'string' && typeof s.lastUsed === 'number');
    } catch (e) {
      log.warn(`dashboard: ignoring ${this.file}: ${(e as Error).message}`);
      return [];
    }
  }

  /** Writes `sessions` soon; saves asked for while one is written coalesce into the next. */
  save(sessions: StoredSession[]): void {
    this.pending = sessions;
    this.writing ??= this.drain();
  }

  /** Resolves once every save asked for is on disk (or failed, which is logged). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending) {
        const sessions = this.pending;
        this.pending = undefined;
        try {
          mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
          await atomicWrite(this.file, JSON.stringify({ version: 1, sessions } satisfies FileShape), 0o600);
        } catch (e) {
          // The sessions still work until the dashboard stops; only a restart would forget them.
          log.warn(`dashboard: saving sessions to ${this.file}: ${(e as Error).message}`);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
