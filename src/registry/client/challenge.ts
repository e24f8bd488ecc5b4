// WWW-Authenticate parsing (RFC 7235 auth-params, as registries send them) and scope helpers.

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="a b"` (several challenges may be comma-joined). */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const s = header;
  const skipWs = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
  };
  while (i < s.length) {
    skipWs();
    const m = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(s.slice(i));
    if (!m) break;
    const scheme = m[0].toLowerCase();
    i += m[0].length;
    const params: Record<string, string> = {};
    for (;;) {
      const save = i;
      while (i < s.length && (s[i] === ' ' || s[i] === ',')) i++;
      const pm = /^([A-Za-z0-9_.-]+)\s*=\s*/.exec(s.slice(i));
      if (!pm) {
        i = save;
        break;
      }
      i += pm[0].length;
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        i++;
      } else {
        const vm = /^[^,\s]*/.exec(s.slice(i))!;
        value = vm[0];
        i += value.length;
      }
      params[pm[1]!.toLowerCase()] = value;
    }
    out.push({ scheme, params });
  }
  return out;
}

export function repositoryScope(repository: string, actions: string[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}
