// Request authentication for the registry: none, Basic (htpasswd) or Bearer tokens (Docker's
// token spec). In token mode the registry can also be its own token endpoint (/token).
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { AccessEntry, AccessPolicy, Htpasswd, formatScope, parseScopes } from './access.js';
import { RegistryError } from './errors.js';
import { TokenKeys, signJwt, verifyJwt } from './jwt.js';

export interface TokenSettings {
  /** Token endpoint URL sent in challenges; undefined = this server's own /token. */
  realm?: string;
  issuer: string;
  service: string;
  keys: TokenKeys;
  /** Token lifetime in seconds. */
  ttl: number;
}

export interface AuthSettings {
  htpasswd?: Htpasswd;
  token?: TokenSettings;
  policy: AccessPolicy;
}

/** 401 with the challenge a client needs to authenticate. */
export class ChallengeError extends RegistryError {
  constructor(
    readonly challenge: string,
    message = 'authentication required',
    detail?: unknown,
  ) {
    super('UNAUTHORIZED', message, detail, 401);
  }
}

function basicCredentials(req: IncomingMessage): { user: string; password: string } | undefined {
  const h = req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return undefined;
  const decoded = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

export class Authenticator {
  constructor(private readonly settings: AuthSettings) {}

  get tokenEndpointEnabled(): boolean {
    return this.settings.token?.keys.privateKey !== undefined;
  }

  private realmFor(req: IncomingMessage): string {
    const t = this.settings.token!;
    if (t.realm) return t.realm;
    const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    return `${proto}://${req.headers.host ?? 'localhost'}/token`;
  }

  private bearerChallenge(req: IncomingMessage, required: AccessEntry[], error?: string): string {
    const t = this.settings.token!;
    let c = `Bearer realm="${this.realmFor(req)}",service="${t.service}"`;
    if (required.length > 0) c += `,scope="${required.map(formatScope).join(' ')}"`;
    if (error) c += `,error="${error}"`;
    return c;
  }

  /**
   * Checks the request may perform `required` (empty = only "is authenticated", for GET /v2/).
   * Throws ChallengeError (401) or DENIED (403).
   */
  async authorize(req: IncomingMessage, required: AccessEntry[]): Promise<void> {
    const { htpasswd, token, policy } = this.settings;
    if (token) {
      const h = req.headers.authorization;
      if (!h || !/^bearer /i.test(h)) throw new ChallengeError(this.bearerChallenge(req, required));
      const claims = verifyJwt(token.keys, h.slice(7).trim());
      const aud = claims?.aud;
      const audOk = Array.isArray(aud) ? aud.includes(token.service) : aud === token.service;
      if (!claims || claims.iss !== token.issuer || !audOk) {
        throw new ChallengeError(this.bearerChallenge(req, required, 'invalid_token'), 'invalid token');
      }
      const access = Array.isArray(claims.access) ? (claims.access as AccessEntry[]) : [];
      for (const need of required) {
        const have = access.filter((a) => a.type === need.type && a.name === need.name).flatMap((a) => a.actions);
        if (AccessPolicy.intersect(need.actions, have).length !== need.actions.length) {
          throw new ChallengeError(this.bearerChallenge(req, required, 'insufficient_scope'), 'authentication required', [need]);
        }
      }
      return;
    }
    if (htpasswd) {
      const creds = basicCredentials(req);
      if (!creds || !(await htpasswd.check(creds.user, creds.password))) {
        throw new ChallengeError('Basic realm="berth-registry"');
      }
      for (const need of required) {
        const granted = policy.granted(creds.user, need.type, need.name, false);
        if (AccessPolicy.intersect(need.actions, granted).length !== need.actions.length) throw new RegistryError('DENIED', undefined, [need]);
      }
    }
  }

  /**
   * Token endpoint: GET /token?service=…&scope=…, with Basic credentials or anonymous. Grants the
   * requested actions the policy allows (anonymous: pull only, unless the ACL says otherwise).
   */
  async issueToken(req: IncomingMessage, query: URLSearchParams, form?: URLSearchParams): Promise<Record<string, unknown>> {
    const t = this.settings.token!;
    let account: string | undefined;
    const creds =
      basicCredentials(req) ??
      (form?.get('grant_type') === 'password' ? { user: form.get('username') ?? '', password: form.get('password') ?? '' } : undefined);
    if (creds) {
      if (!this.settings.htpasswd || !(await this.settings.htpasswd.check(creds.user, creds.password))) {
        throw new ChallengeError('Basic realm="berth-registry-token"', 'authentication failed');
      }
      account = creds.user;
    }
    const scopes = [...query.getAll('scope'), ...(form?.getAll('scope') ?? [])].flatMap(parseScopes);
    const access = scopes
      .map((s) => ({ ...s, actions: AccessPolicy.intersect(s.actions, this.settings.policy.granted(account, s.type, s.name, true)) }))
      .filter((s) => s.actions.length > 0);
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(t.keys, {
      iss: t.issuer,
      sub: account ?? '',
      aud: query.get('service') ?? form?.get('service') ?? t.service,
      exp: now + t.ttl,
      nbf: now - 1,
      iat: now,
      jti: randomBytes(16).toString('hex'),
      access,
    });
    return { token, access_token: token, expires_in: t.ttl, issued_at: new Date(now * 1000).toISOString() };
  }
}
