// Who may use the dashboard: the login token printed with the URL (as Jupyter does) becomes a
// session cookie (HttpOnly, SameSite=Strict); each session has a CSRF token that every POST must
// carry in a header; WebSocket upgrades and POSTs must come from the dashboard's own origin, and
// on a loopback address the Host header must name it (a DNS-rebinding page cannot). Pure logic:
// server.ts applies it to requests. Sessions are kept by the SHA-256 of their id, so the file that
// keeps them across restarts (session-file.ts) holds nothing a cookie could be made from.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isLoopbackHost } from '../../daemon/tcp-security.js';
import type { SessionFile } from './session-file.js';

export const SESSION_COOKIE = 'berth_dashboard';

export interface Session {
  /** SHA-256 of the session id the cookie carries (the id itself is not kept). */
  hash: string;
  csrf: string;
  /** Date.now() of the last request that used it. */
  lastUsed: number;
}

/** A session unused this long is forgotten (a page's open WebSocket counts as use: hub.ts). */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;

/** A session's use is written to its file at most this often (a restart loses at most this much idle time). */
const SAVE_USE_MS = 60 * 1000;

type Headers = Record<string, string | string[] | undefined>;

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Cookie header → value of `name` (the first one). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sessionHash(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

export class Access {
  /** By the hash of their id. */
  private readonly sessions = new Map<string, Session>();
  private savedAt = 0;

  /**
   * `loginToken`: the secret of the printed URL. `listenHost`/`port`: where the dashboard
   * listens (for the Host check on loopback). `secure`: served over TLS (the cookie says Secure).
   * `now`: the clock (tests move it). `file`: where the sessions are kept across restarts (the
   * ones still fresh in it are taken up).
   */
  constructor(
    readonly loginToken: string,
    private readonly listen: { host: string; port: number; secure: boolean },
    private readonly now: () => number = Date.now,
    private readonly file?: SessionFile,
  ) {
    const t = this.now();
    for (const s of file?.load() ?? []) if (t - s.lastUsed <= SESSION_IDLE_MS) this.sessions.set(s.hash, { hash: s.hash, csrf: s.csrf, lastUsed: s.lastUsed });
    this.savedAt = t;
  }

  /** Writes the sessions to the file (when there is one). */
  private save(): void {
    this.savedAt = this.now();
    this.file?.save([...this.sessions.values()].map((s) => ({ hash: s.hash, csrf: s.csrf, lastUsed: s.lastUsed })));
  }

  /** The session was used now (a request, or a page's WebSocket traffic). */
  touch(session: Session): void {
    session.lastUsed = this.now();
    if (session.lastUsed - this.savedAt > SAVE_USE_MS) this.save();
  }

  /** Resolves once the sessions are on disk (before the dashboard exits). */
  async flush(): Promise<void> {
    if (!this.file) return;
    this.save();
    await this.file.flush();
  }

  tokenMatches(candidate: string): boolean {
    return sameSecret(candidate, this.loginToken);
  }

  /** A new session: its Set-Cookie header value and the session. */
  login(): { session: Session; setCookie: string } {
    const id = randomToken(32);
    const session = { hash: sessionHash(id), csrf: randomToken(24), lastUsed: this.now() };
    this.sessions.set(session.hash, session);
    this.save();
    const attrs = ['HttpOnly', 'SameSite=Strict', 'Path=/', ...(this.listen.secure ? ['Secure'] : [])];
    return { session, setCookie: `${SESSION_COOKIE}=${id}; ${attrs.join('; ')}` };
  }

  /** The session a request's cookie names, if any. */
  session(headers: Headers): Session | undefined {
    const id = cookieValue(typeof headers.cookie === 'string' ? headers.cookie : undefined, SESSION_COOKIE);
    const session = id ? this.sessions.get(sessionHash(id)) : undefined;
    if (!session) return undefined;
    if (this.now() - session.lastUsed > SESSION_IDLE_MS) {
      this.sessions.delete(session.hash);
      this.save();
      return undefined;
    }
    this.touch(session);
    return session;
  }

  /**
   * The Host header is acceptable: any on a non-loopback address (TLS and the cookie guard it),
   * on loopback only the loopback names with the dashboard's port.
   */
  hostAllowed(headers: Headers): boolean {
    const host = typeof headers.host === 'string' ? headers.host : '';
    if (!isLoopbackHost(this.listen.host)) return host !== '';
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
    if (!m) return false;
    const port = m[2] ? Number(m[2]) : this.listen.secure ? 443 : 80;
    return isLoopbackHost(m[1]) && port === this.listen.port;
  }

  /** The request comes from the dashboard's own page: Origin present and equal to our origin. */
  sameOrigin(headers: Headers): boolean {
    const origin = typeof headers.origin === 'string' ? headers.origin : '';
    const host = typeof headers.host === 'string' ? headers.host : '';
    if (!origin || !host || !this.hostAllowed(headers)) return false;
    return origin === `${this.listen.secure ? 'https' : 'http'}://${host}`;
  }

  /** A POST may act: session, same origin, and the session's CSRF token in `header`. */
  actionAllowed(headers: Headers, header: string): Session | undefined {
    const session = this.session(headers);
    const sent = headers[header];
    if (!session || typeof sent !== 'string' || !this.sameOrigin(headers)) return undefined;
    return sameSecret(sent, session.csrf) ? session : undefined;
  }
}
