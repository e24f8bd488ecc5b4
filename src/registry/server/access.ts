// Who may do what: htpasswd users (bcrypt), an optional ACL file, and the scope grammar of
// Docker's token spec ("repository:name:pull,push", "registry:catalog:*").
import { promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import YAML from 'yaml';

export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

/** Parses a scope string; several scopes may be space-separated. */
export function parseScopes(scope: string): AccessEntry[] {
  const out: AccessEntry[] = [];
  for (const s of scope.split(' ').filter(Boolean)) {
    const first = s.indexOf(':');
    const last = s.lastIndexOf(':');
    if (first < 0 || last === first) continue;
    let type = s.slice(0, first);
    // Docker sends "repository(plugin):name:pull" for plugins; the class is not an access type.
    type = type.replace(/\(.*\)$/, '');
    out.push({ type, name: s.slice(first + 1, last), actions: s.slice(last + 1).split(',').filter(Boolean) });
  }
  return out;
}

export function formatScope(a: AccessEntry): string {
  return `${a.type}:${a.name}:${a.actions.join(',')}`;
}

export class Htpasswd {
  private readonly users = new Map<string, string>();
  /** Successful checks, by user and password hash: bcrypt costs ~100 ms a check in JS. */
  private readonly verified = new Set<string>();

  static parse(text: string): Htpasswd {
    const h = new Htpasswd();
    for (const line of text.split('\n')) {
      const t = line.trim();
      if (!t || t.startsWith('#')) continue;
      const i = t.indexOf(':');
      if (i <= 0) continue;
      // $2y$ (Apache) is the same algorithm as $2b$, which bcryptjs understands.
      h.users.set(t.slice(0, i), t.slice(i + 1).replace(/^\$2y\$/, '$2b$'));
    }
    return h;
  }

  static async load(file: string): Promise<Htpasswd> {
    return Htpasswd.parse(await fsp.readFile(file, 'utf8'));
  }

  async check(user: string, password: string): Promise<boolean> {
    const hash = this.users.get(user);
    if (!hash || !hash.startsWith('$2')) return false;
    const key = `${user}\0${createHash('sha256').update(hash).update('\0').update(password).digest('hex')}`;
    if (this.verified.has(key)) return true;
    const ok = await bcrypt.compare(password, hash);
    if (ok) {
      if (this.verified.size > 1000) this.verified.clear();
      this.verified.add(key);
    }
    return ok;
  }
}

/**
 * One ACL rule. `account`: a user name, "*" (any authenticated user) or "anonymous";
 * `name`: repository glob ("team/*", "*") or "catalog" with type "registry".
 */
export interface AclRule {
  account: string;
  type?: string;
  name: string;
  actions: string[];
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

export class AccessPolicy {
  constructor(private readonly rules?: AclRule[]) {}

  static async loadAcl(file: string): Promise<AccessPolicy> {
    const parsed = YAML.parse(await fsp.readFile(file, 'utf8')) as unknown;
    const rules = Array.isArray(parsed) ? parsed : (parsed as { rules?: unknown })?.rules;
    if (!Array.isArray(rules)) throw new Error(`${file}: expected a list of ACL rules`);
    return new AccessPolicy(rules as AclRule[]);
  }

  /**
   * Actions `account` (undefined = anonymous) holds on a resource. Without an ACL: authenticated
   * users may do everything, anonymous users may pull (only if `anonymousPull`).
   */
  granted(account: string | undefined, type: string, name: string, anonymousPull: boolean): string[] {
    if (!this.rules) {
      if (account !== undefined) return type === 'registry' ? ['*'] : ['pull', 'push', 'delete', '*'];
      return anonymousPull && type === 'repository' ? ['pull'] : [];
    }
    const out = new Set<string>();
    for (const r of this.rules) {
      const who = r.account === '*' ? account !== undefined : r.account === 'anonymous' ? account === undefined : r.account === account;
      if (!who || (r.type ?? 'repository') !== type || !globToRegExp(r.name).test(name)) continue;
      for (const a of r.actions) out.add(a);
    }
    return [...out];
  }

  /** The requested actions that are granted (`*` grants all). */
  static intersect(requested: string[], granted: string[]): string[] {
    if (granted.includes('*')) return requested;
    return requested.filter((a) => granted.includes(a));
  }
}
