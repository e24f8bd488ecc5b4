// Merging compose documents as the Compose Specification says (compose-go's override package):
// mappings merge key by key, sequences append, scalars are replaced; the special cases below
// (environment/labels/… merged as KEY=VALUE sequences, command/entrypoint replaced, depends_on /
// networks merged as mappings, logging replaced when the driver changes…); then sequences that
// are sets (ports, volumes by target, secrets by target, …) keep one entry per key, the later
// one in the earlier one's place. `!reset`/`!override` paths are dropped from what came before.
import { ComposeError } from './errors.js';
import { parseVolumeSpec } from './volume-spec.js';
import { defineKey, isMapping, matchPath, type TreePath } from './tree.js';

type Dict = Record<string, unknown>;
type Merger = (base: unknown, over: unknown, path: TreePath) => unknown;

const override: Merger = (_base, over) => over;

const toSequence = (v: unknown): unknown[] => {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [v];
  if (isMapping(v)) {
    const seq: string[] = [];
    for (const [k, val] of Object.entries(v)) {
      if (val === null || val === undefined) seq.push(k);
      else if (Array.isArray(val)) for (const x of val) seq.push(`${k}=${goString(x)}`);
      else seq.push(`${k}=${goString(val)}`);
    }
    return seq.sort();
  }
  return [];
};

/** How Go's %v prints a YAML scalar. */
export function goString(v: unknown): string {
  return String(v);
}

const mergeToSequence: Merger = (base, over) => [...toSequence(base), ...toSequence(over)];

const toMapping = (v: unknown, dflt?: Dict): Dict => {
  if (isMapping(v)) return v;
  const out: Dict = {};
  if (Array.isArray(v)) for (const s of v) defineKey(out, String(s), dflt ? { ...dflt } : null);
  return out;
};

const mergeExtraHosts: Merger = (base, over) => {
  const right = toSequence(base);
  return [...right, ...toSequence(over).filter((v) => !right.includes(v))];
};

const mergeLogging: Merger = (base, over, path) => {
  const b = base as Dict;
  const o = over as Dict;
  if (!isMapping(b) || !isMapping(o)) return over;
  if (!('driver' in o) || !('driver' in b) || o.driver === b.driver) return mergeMappings(b, o, path);
  return o;
};

const mergeBuild: Merger = (base, over, path) => {
  const toBuild = (v: unknown): Dict => (typeof v === 'string' ? { context: v } : isMapping(v) ? v : {});
  return mergeMappings(toBuild(base), toBuild(over), path);
};

const DEP_DEFAULT = { condition: 'service_started', required: true };
const mergeDependsOn: Merger = (base, over, path) => mergeMappings(toMapping(base, DEP_DEFAULT), toMapping(over, DEP_DEFAULT), path);
const mergeAsMapping: Merger = (base, over, path) => mergeMappings(toMapping(base), toMapping(over), path);

const mergeUlimit: Merger = (base, over, path) => (isMapping(base) && isMapping(over) ? mergeMappings(base, over, path) : over);

const mergeIpamConfig: Merger = (base, over, path) => {
  if (!Array.isArray(base) || !Array.isArray(over)) throw new ComposeError(`${path.join('.')}: unexpected type`);
  const out: Dict[] = [];
  for (const original of base) {
    const right = toMapping(original);
    for (const o of over) {
      const left = toMapping(o);
      if (left.subnet !== right.subnet && !out.some((a) => a.subnet === left.subnet)) {
        out.push(left);
        continue;
      }
      const merged = mergeMappings(right, left, path);
      const at = out.findIndex((a) => a.subnet === merged.subnet);
      if (at >= 0) out[at] = merged;
      else out.push(merged);
    }
  }
  return out;
};

const SPECIAL: [string, Merger][] = [
  ['networks.*.ipam.config', mergeIpamConfig],
  ['networks.*.labels', mergeToSequence],
  ['volumes.*.labels', mergeToSequence],
  ['services.*.annotations', mergeToSequence],
  ['services.*.build', mergeBuild],
  ['services.*.build.args', mergeToSequence],
  ['services.*.build.additional_contexts', mergeToSequence],
  ['services.*.build.extra_hosts', mergeExtraHosts],
  ['services.*.build.labels', mergeToSequence],
  ['services.*.command', override],
  ['services.*.depends_on', mergeDependsOn],
  ['services.*.deploy.labels', mergeToSequence],
  ['services.*.dns', mergeToSequence],
  ['services.*.dns_opt', mergeToSequence],
  ['services.*.dns_search', mergeToSequence],
  ['services.*.entrypoint', override],
  ['services.*.env_file', mergeToSequence],
  ['services.*.label_file', mergeToSequence],
  ['services.*.environment', mergeToSequence],
  ['services.*.extra_hosts', mergeExtraHosts],
  ['services.*.healthcheck.test', override],
  ['services.*.labels', mergeToSequence],
  ['services.*.volumes.*.volume.labels', mergeToSequence],
  ['services.*.logging', mergeLogging],
  ['services.*.models', mergeAsMapping],
  ['services.*.networks', mergeAsMapping],
  ['services.*.sysctls', mergeToSequence],
  ['services.*.tmpfs', mergeToSequence],
  ['services.*.ulimits.*', mergeUlimit],
];

/** Merges `over` into `base` (both already parsed and interpolated); `base` is modified. */
export function mergeYaml(base: unknown, over: unknown, path: TreePath = []): unknown {
  const special = SPECIAL.find(([pattern]) => matchPath(path, pattern));
  if (special) return special[1](base, over, path);
  if (over === null || over === undefined) return base;
  if (isMapping(base)) {
    if (!isMapping(over)) throw new ComposeError(`cannot override ${path.join('.')}`);
    return mergeMappings(base, over, path);
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(over)) throw new ComposeError(`cannot override ${path.join('.')}`);
    return [...base, ...over];
  }
  return over;
}

function mergeMappings(base: Dict, over: Dict, path: TreePath): Dict {
  for (const [k, v] of Object.entries(over)) {
    if (!Object.hasOwn(base, k)) defineKey(base, k, v);
    else defineKey(base, k, mergeYaml(base[k], v, [...path, k]));
  }
  return base;
}

/** Drops from `target` every key at one of the `!reset` / `!override` paths. */
export function applyResets(target: unknown, resets: string[][], path: TreePath = []): void {
  if (resets.length === 0 || !isMapping(target)) return;
  for (const k of Object.keys(target)) {
    const next = [...path, k];
    if (resets.some((r) => r.length === next.length && r.every((p, i) => p === next[i]))) delete target[k];
    else applyResets(target[k], resets, next);
  }
}

// ---------- unicity ----------

type Indexer = (entry: unknown, path: string) => string;

const keyValue: Indexer = (v, p) => {
  if (typeof v !== 'string') throw new ComposeError(`${p}: unexpected type ${typeof v}`);
  const eq = v.indexOf('=');
  return eq >= 0 ? v.slice(0, eq) : v;
};
const volumeKey: Indexer = (v, p) => {
  if (isMapping(v)) {
    if (typeof v.target !== 'string') throw new ComposeError(`service volume ${p} is missing a mount target`);
    return v.target;
  }
  if (typeof v === 'string') return parseVolumeSpec(v).target;
  return '';
};
const deviceKey: Indexer = (v, p) => {
  if (isMapping(v)) {
    if (typeof v.target !== 'string') throw new ComposeError(`service device ${p} is missing a mount target`);
    return v.target;
  }
  if (typeof v === 'string') {
    const parts = v.split(':');
    return parts.length === 1 ? parts[0] : parts[1];
  }
  return '';
};
const exposeKey: Indexer = (v, p) => {
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  throw new ComposeError(`${p}: unsupported expose value ${String(v)}`);
};
const mountKey =
  (dflt: string): Indexer =>
  (v, p) => {
    if (typeof v === 'string') return `${dflt}/${v}`;
    if (isMapping(v)) return typeof v.target === 'string' ? v.target : `${dflt}/${String(v.source)}`;
    throw new ComposeError(`${p}: unsupported expose value ${String(v)}`);
  };
const portKey: Indexer = (v, p) => {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  if (isMapping(v)) {
    if (!('target' in v)) throw new ComposeError(`service ports ${p} is missing a target port`);
    return `${String(v.host_ip ?? '0.0.0.0')}:${String(v.published)}:${String(v.target)}/${String(v.protocol ?? 'tcp')}`;
  }
  return '';
};
const envFileKey: Indexer = (v, p) => {
  if (typeof v === 'string') return v;
  if (isMapping(v)) {
    if (!('path' in v)) throw new ComposeError(`environment path attribute ${p} is missing`);
    return String(v.path);
  }
  return '';
};

const UNIQUE: [string, Indexer][] = [
  ['networks.*.labels', keyValue],
  ['networks.*.ipam.options', keyValue],
  ['services.*.annotations', keyValue],
  ['services.*.build.args', keyValue],
  ['services.*.build.additional_contexts', keyValue],
  ['services.*.build.platform', keyValue],
  ['services.*.build.tags', keyValue],
  ['services.*.build.labels', keyValue],
  ['services.*.cap_add', keyValue],
  ['services.*.cap_drop', keyValue],
  ['services.*.configs', mountKey('')],
  ['services.*.deploy.labels', keyValue],
  ['services.*.dns', keyValue],
  ['services.*.dns_opt', keyValue],
  ['services.*.dns_search', keyValue],
  ['services.*.environment', keyValue],
  ['services.*.env_file', envFileKey],
  ['services.*.expose', exposeKey],
  ['services.*.labels', keyValue],
  ['services.*.links', keyValue],
  ['services.*.networks.*.aliases', keyValue],
  ['services.*.networks.*.link_local_ips', keyValue],
  ['services.*.ports', portKey],
  ['services.*.profiles', keyValue],
  ['services.*.secrets', mountKey('/run/secrets')],
  ['services.*.sysctls', keyValue],
  ['services.*.tmpfs', keyValue],
  ['services.*.volumes', volumeKey],
  ['services.*.devices', deviceKey],
];

/** Keeps one entry per key in the sequences that are sets; the later entry takes the earlier's place. */
export function enforceUnicity(value: unknown, path: TreePath = []): unknown {
  if (isMapping(value)) {
    for (const [k, v] of Object.entries(value)) defineKey(value, k, enforceUnicity(v, [...path, k]));
    return value;
  }
  if (Array.isArray(value)) {
    const rule = UNIQUE.find(([pattern]) => matchPath(path, pattern));
    if (!rule) return value;
    const seq: unknown[] = [];
    const seen = new Map<string, number>();
    value.forEach((entry, i) => {
      const key = rule[1](entry, `${path.join('.')}.[${i}]`);
      const at = seen.get(key);
      if (at !== undefined) seq[at] = entry;
      else {
        seen.set(key, seq.length);
        seq.push(entry);
      }
    });
    return seq;
  }
  return value;
}
