// Dockerfile-like `changes` for import and commit (`--change 'CMD ["sh"]'`): applied to an image
// config as dockerd does (only CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME,
// WORKDIR and STOPSIGNAL are allowed).
import { InvalidArgumentError } from '../errors.js';
import type { ContainerConfigDefaults } from './store.js';

const ALLOWED = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR', 'STOPSIGNAL'];

/** JSON array form (`["a","b"]`) or shell form (wrapped in `/bin/sh -c`). */
function parseCommand(rest: string): string[] {
  const t = rest.trim();
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t);
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
    } catch {}
  }
  return ['/bin/sh', '-c', t];
}

/** Splits words honouring double and single quotes and backslash escapes (ENV/LABEL values). */
function splitWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}

/** `KEY=VALUE …` pairs, or the legacy `KEY VALUE` single form. */
function parseKeyValues(rest: string, what: string): Array<[string, string]> {
  const words = splitWords(rest);
  if (words.length === 0) throw new InvalidArgumentError(`${what} requires at least one argument`);
  if (!words[0].includes('=')) {
    const m = /^\s*(\S+)\s+([\s\S]*)$/.exec(rest);
    if (!m) throw new InvalidArgumentError(`${what} must have two arguments`);
    return [[m[1], splitWords(m[2]).join(' ')]];
  }
  return words.map((w) => {
    const i = w.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`${what} names can not be blank`);
    return [w.slice(0, i), w.slice(i + 1)];
  });
}

function parseList(rest: string): string[] {
  const t = rest.trim();
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t);
      if (Array.isArray(v)) return v.map(String);
    } catch {}
  }
  return splitWords(t);
}

/** Applies each change line to a copy of `config` and returns it. */
export function applyConfigChanges(config: ContainerConfigDefaults, changes: string[]): ContainerConfigDefaults {
  const c: ContainerConfigDefaults = JSON.parse(JSON.stringify(config ?? {}));
  for (const line of changes) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed)!;
    const instr = m[1].toUpperCase();
    const rest = m[2];
    if (!ALLOWED.includes(instr)) throw new InvalidArgumentError(`${m[1].toLowerCase()} is not a valid change command`);
    switch (instr) {
      case 'CMD':
        c.Cmd = parseCommand(rest);
        break;
      case 'ENTRYPOINT':
        c.Entrypoint = parseCommand(rest);
        break;
      case 'ENV': {
        const env = [...(c.Env ?? [])];
        for (const [k, v] of parseKeyValues(rest, 'ENV')) {
          const idx = env.findIndex((e) => e.split('=')[0] === k);
          if (idx >= 0) env[idx] = `${k}=${v}`;
          else env.push(`${k}=${v}`);
        }
        c.Env = env;
        break;
      }
      case 'LABEL': {
        const labels = { ...(c.Labels ?? {}) };
        for (const [k, v] of parseKeyValues(rest, 'LABEL')) labels[k] = v;
        c.Labels = labels;
        break;
      }
      case 'EXPOSE': {
        const ports = { ...(c.ExposedPorts ?? {}) };
        for (const p of splitWords(rest)) ports[p.includes('/') ? p.toLowerCase() : `${p}/tcp`] = {};
        c.ExposedPorts = ports;
        break;
      }
      case 'VOLUME': {
        const vols = { ...(c.Volumes ?? {}) };
        for (const v of parseList(rest)) vols[v] = {};
        c.Volumes = vols;
        break;
      }
      case 'USER':
        c.User = rest.trim();
        break;
      case 'WORKDIR':
        c.WorkingDir = rest.trim();
        break;
      case 'STOPSIGNAL':
        c.StopSignal = rest.trim();
        break;
      case 'ONBUILD':
        c.OnBuild = [...(c.OnBuild ?? []), rest.trim()];
        break;
    }
  }
  return c;
}
