// Normalization of the merged, validated tree (compose-go's ResolveEnvironment + Normalize):
// `environment: [FOO]` takes FOO from the project environment, secrets/configs from
// `environment:` get their content; every service without networks or network_mode joins
// `default` (declared when used); build gets its context "." and dockerfile "Dockerfile";
// links, `service:` namespaces and volumes_from become depends_on; top-level networks, volumes,
// secrets and configs get their engine name (`<project>_<key>`, or the key when external).
import posix from 'node:path/posix';
import { defineKey, isMapping } from './tree.js';

type Dict = Record<string, unknown>;
type Env = Record<string, string>;

/** `environment: [FOO]` → `FOO=<value>` when the project environment has it; secret/config contents. */
export function resolveEnvironment(tree: Dict, env: Env): void {
  const has = (k: string) => Object.hasOwn(env, k);
  if (isMapping(tree.services)) {
    for (const svc of Object.values(tree.services)) {
      if (!isMapping(svc) || !Array.isArray(svc.environment)) continue;
      svc.environment = svc.environment.filter((e) => typeof e === 'string').map((e: string) => (has(e) ? `${e}=${env[e]}` : e));
    }
  }
  for (const kind of ['secrets', 'configs'] as const) {
    const all = tree[kind];
    if (!isMapping(all)) continue;
    for (const obj of Object.values(all)) {
      if (!isMapping(obj) || typeof obj.environment !== 'string' || !has(obj.environment)) continue;
      obj.content = env[obj.environment];
    }
  }
}

function resolveValues(value: unknown, env: Env, keepEmpty: boolean): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      if (typeof v !== 'string') continue;
      if (v.includes('=')) out.push(v);
      else if (Object.hasOwn(env, v)) out.push(`${v}=${env[v]}`);
      else if (keepEmpty) out.push(v);
    }
    return out;
  }
  if (isMapping(value)) {
    const out: Dict = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== null && v !== undefined) defineKey(out, k, v);
      else if (Object.hasOwn(env, k)) defineKey(out, k, env[k]);
      else if (keepEmpty) defineKey(out, k, null);
    }
    return out;
  }
  return value;
}

function normalizeNetworks(tree: Dict): void {
  const networks: Dict = isMapping(tree.networks) ? tree.networks : {};
  let usesDefault = false;
  if (isMapping(tree.services)) {
    for (const svc of Object.values(tree.services)) {
      if (!isMapping(svc) || 'provider' in svc || 'network_mode' in svc) continue;
      const nets = svc.networks;
      if (!isMapping(nets) || Object.keys(nets).length === 0) {
        svc.networks = { default: null };
        usesDefault = true;
      } else if ('default' in nets) usesDefault = true;
    }
  }
  if (!('default' in networks) && usesDefault) networks.default = null;
  if (Object.keys(networks).length > 0) tree.networks = networks;
}

const STARTED = 'service_started';

export function normalize(tree: Dict, projectName: string, env: Env): Dict {
  normalizeNetworks(tree);
  if (isMapping(tree.services)) {
    for (const svc of Object.values(tree.services)) {
      if (!isMapping(svc)) continue;
      if (svc.pull_policy === 'if_not_present') svc.pull_policy = 'missing';
      if (isMapping(svc.build)) {
        const b = svc.build;
        if (b.context === undefined || b.context === null) b.context = '.';
        if ((b.dockerfile === undefined || b.dockerfile === null) && (b.dockerfile_inline === undefined || b.dockerfile_inline === null)) b.dockerfile = 'Dockerfile';
        if ('args' in b) b.args = resolveValues(b.args, env, false);
      }
      if ('environment' in svc) svc.environment = resolveValues(svc.environment, env, true);
      const dependsOn: Dict = isMapping(svc.depends_on) ? svc.depends_on : {};
      const addDep = (name: string, restart: boolean) => {
        if (!(name in dependsOn)) defineKey(dependsOn, name, { condition: STARTED, restart, required: true });
      };
      if (Array.isArray(svc.links)) {
        for (const l of svc.links) {
          const parts = String(l).split(':');
          addDep(parts.length === 2 ? parts[0] : String(l), true);
        }
      }
      for (const ns of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup']) {
        const ref = svc[ns];
        if (typeof ref === 'string' && ref.startsWith('service:')) addDep(ref.slice('service:'.length), true);
      }
      if (Array.isArray(svc.volumes)) {
        for (const v of svc.volumes) if (isMapping(v) && typeof v.target === 'string') v.target = cleanPath(v.target);
      }
      if (Array.isArray(svc.volumes_from)) {
        for (const v of svc.volumes_from) {
          const s = String(v);
          if (!s.startsWith('container:')) addDep(s.split(':')[0], false);
        }
      }
      if (Object.keys(dependsOn).length > 0) svc.depends_on = dependsOn;
      if (Array.isArray(svc.pre_start) && typeof svc.image === 'string' && svc.image !== '') {
        for (const h of svc.pre_start) if (isMapping(h) && !('image' in h)) h.image = svc.image;
      }
    }
  }
  for (const kind of ['networks', 'volumes', 'configs', 'secrets']) {
    const all = tree[kind];
    if (!isMapping(all)) continue;
    for (const [key, r] of Object.entries(all)) {
      const resource: Dict = isMapping(r) ? r : {};
      if (resource.name === undefined || resource.name === null) {
        resource.name = isTrue(resource.external) ? key : `${projectName}_${key}`;
      }
      defineKey(all, key, resource);
    }
  }
  return tree;
}

function isTrue(v: unknown): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(String(v));
}

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}
