// Short syntax to long, on the merged tree (compose-go's transform.Canonical): build "dir" →
// {context}, depends_on list → map with service_started, env_file string → [{path, required}],
// networks list → map, ports "8080:80/udp" → [{target, published, protocol, mode}], volumes
// "./d:/d:ro" → {type, source, target, read_only, bind}, secrets/configs "x" → {source},
// devices "a:b" → {source, target, permissions}, extends "svc" → {service}, external networks'
// deprecated `external.name`, and string-or-list fields to lists.
import posix from 'node:path/posix';
import { ComposeError } from './errors.js';
import { parsePortSpecs } from './ports.js';
import { parseVolumeSpec } from './volume-spec.js';
import { defineKey, isMapping, matchPath, type TreePath } from './tree.js';

type Dict = Record<string, unknown>;
type Transform = (data: unknown, path: TreePath, warn: (m: string) => void) => unknown;

const where = (p: TreePath) => p.join('.');
const typeName = (v: unknown) => (Array.isArray(v) ? '[]interface {}' : v === null ? '<nil>' : typeof v === 'object' ? 'map[string]interface {}' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float64') : typeof v === 'boolean' ? 'bool' : 'string');

const stringOrList: Transform = (v) => (typeof v === 'string' ? [v] : v);

const service: Transform = (v, p, warn) => (isMapping(v) ? transformChildren(v, p, warn) : v);

const stringSliceToMap: Transform = (v) => {
  if (!Array.isArray(v)) return v;
  const out: Dict = {};
  for (const n of v) defineKey(out, String(n), null);
  return out;
};

const fileMount: Transform = (v, p) => {
  if (isMapping(v)) return v;
  if (typeof v === 'string') return { source: v };
  throw new ComposeError(`${where(p)}: unsupported type ${typeName(v)}`);
};

const stringOrX: Transform = (v) => (typeof v === 'string' ? v : String(v));

const keyValue: Transform = (v, p) => {
  if (isMapping(v)) return v;
  if (!Array.isArray(v)) throw new ComposeError(`${where(p)}: invalid type ${typeName(v)}`);
  const out: Dict = {};
  for (const e of v) {
    const s = String(e);
    const eq = s.indexOf('=');
    if (eq < 0) throw new ComposeError(`${where(p)}: invalid value ${s}, expected key=value`);
    defineKey(out, s.slice(0, eq), s.slice(eq + 1));
  }
  return out;
};

const dependsOn: Transform = (v, p) => {
  if (isMapping(v)) {
    for (const [name, d] of Object.entries(v)) {
      if (!isMapping(d)) throw new ComposeError(`${where(p)}.${name}: unsupported value ${String(d)}`);
      if (!('condition' in d)) d.condition = 'service_started';
      if (!('required' in d)) d.required = true;
    }
    return v;
  }
  if (Array.isArray(v)) {
    const out: Dict = {};
    for (const name of v) defineKey(out, String(name), { condition: 'service_started', required: true });
    return out;
  }
  throw new ComposeError(`${where(p)}: invalid type ${typeName(v)} for depend_on`);
};

const envFileValue = (v: unknown): unknown => {
  if (typeof v === 'string') return { path: v, required: true };
  if (isMapping(v)) {
    if (!('required' in v)) v.required = true;
    return v;
  }
  return null;
};
const envFile: Transform = (v, p) => {
  if (typeof v === 'string') return [envFileValue(v)];
  if (Array.isArray(v)) return v.map(envFileValue);
  throw new ComposeError(`${where(p)}: invalid type ${typeName(v)} for env_file`);
};

const extendsT: Transform = (v, p, warn) => {
  if (isMapping(v)) return transformChildren(v, p, warn);
  if (typeof v === 'string') return { service: v };
  throw new ComposeError(`${where(p)}: invalid type ${typeName(v)} for extends`);
};

const gpus: Transform = (v, p, warn) => {
  if (Array.isArray(v)) return v.map((e) => transform(e, [...p, '[]'], warn));
  if (typeof v === 'string') return [{ count: 'all' }];
  throw new ComposeError(`${where(p)}: invalid type ${typeName(v)} for gpus`);
};

const volumeMount: Transform = (v, p) => {
  if (isMapping(v)) return v;
  if (typeof v === 'string') {
    const vol = parseVolumeSpec(v);
    if (vol.target) vol.target = posix.normalize(vol.target).replace(/(.)\/$/, '$1');
    return vol;
  }
  throw new ComposeError(`${where(p)}: invalid type ${typeName(v)} for service volume mount`);
};

const deviceMapping: Transform = (v, p) => {
  if (isMapping(v)) return v;
  if (typeof v !== 'string') throw new ComposeError(`${where(p)}: invalid type ${typeName(v)} for service volume mount`);
  const arr = v.split(':');
  if (arr.length > 3) throw new ComposeError(`confusing device mapping, please use long syntax: ${v}`);
  const src = arr[0];
  const dst = arr[1] || src;
  return { source: src, target: dst, permissions: arr[2] ?? 'rwm' };
};

const ports: Transform = (v, p) => {
  if (!Array.isArray(v)) throw new ComposeError(`${where(p)}: invalid type ${typeName(v)} for port`);
  const out: unknown[] = [];
  for (const entry of v) {
    if (typeof entry === 'number') out.push(...parsePortSpecs(String(entry)));
    else if (typeof entry === 'string') out.push(...parsePortSpecs(entry));
    else if (isMapping(entry)) out.push(entry);
    else throw new ComposeError(`${where(p)}: invalid type ${typeName(entry)} for port`);
  }
  return out;
};

const build: Transform = (v, p, warn) => {
  if (isMapping(v)) return transformChildren(v, p, warn);
  if (typeof v === 'string') return { context: v };
  throw new ComposeError(`${where(p)}: invalid type ${typeName(v)} for build`);
};

const ssh: Transform = (v, p) => {
  if (isMapping(v)) return v;
  if (!Array.isArray(v)) throw new ComposeError(`${where(p)}: invalid type ${typeName(v)} for ssh`);
  const out: Dict = {};
  for (const e of v) {
    if (typeof e !== 'string') throw new ComposeError(`invalid ssh key type ${typeName(e)}`);
    const eq = e.indexOf('=');
    if (eq < 0) {
      if (e !== 'default') throw new ComposeError(`invalid ssh key ${JSON.stringify(e)}`);
      defineKey(out, e, null);
    } else defineKey(out, e.slice(0, eq), e.slice(eq + 1));
  }
  return out;
};

const ulimits: Transform = (v, p) => {
  if (isMapping(v) || typeof v === 'number') return v;
  throw new ComposeError(`${where(p)}: invalid type ${typeName(v)} for external`);
};

const maybeExternal: Transform = (v, p, warn) => {
  if (v === null || v === undefined) return null;
  if (!isMapping(v)) return v;
  const resource = transformChildren(v, p, warn);
  const ext = resource.external;
  if (isMapping(ext)) {
    resource.external = true;
    if ('name' in ext) {
      warn(`${where(p)}: external.name is deprecated. Please set name and external: true`);
      if ('name' in resource && ext.name !== resource.name) throw new ComposeError(`${where(p)}: name and external.name conflict; only use name`);
      if (!('name' in resource)) resource.name = ext.name;
    }
  }
  return resource;
};

const include: Transform = (v, p) => {
  if (isMapping(v)) return v;
  if (typeof v === 'string') return { path: v };
  throw new ComposeError(`${where(p)}: invalid type ${typeName(v)} for external`);
};

const TRANSFORMS: [string, Transform][] = [
  ['services.*', service],
  ['services.*.build.secrets.*', fileMount],
  ['services.*.build.provenance', stringOrX],
  ['services.*.build.sbom', stringOrX],
  ['services.*.build.additional_contexts', keyValue],
  ['services.*.depends_on', dependsOn],
  ['services.*.env_file', envFile],
  ['services.*.label_file', stringOrList],
  ['services.*.extends', extendsT],
  ['services.*.gpus', gpus],
  ['services.*.networks', stringSliceToMap],
  ['services.*.models', stringSliceToMap],
  ['services.*.volumes.*', volumeMount],
  ['services.*.dns', stringOrList],
  ['services.*.devices.*', deviceMapping],
  ['services.*.secrets.*', fileMount],
  ['services.*.configs.*', fileMount],
  ['services.*.ports', ports],
  ['services.*.build', build],
  ['services.*.build.ssh', ssh],
  ['services.*.ulimits.*', ulimits],
  ['services.*.build.ulimits.*', ulimits],
  ['services.*.develop.watch.*.ignore', stringOrList],
  ['services.*.develop.watch.*.include', stringOrList],
  ['volumes.*', maybeExternal],
  ['networks.*', maybeExternal],
  ['secrets.*', maybeExternal],
  ['configs.*', maybeExternal],
  ['include.*', include],
];

function transformChildren(v: Dict, p: TreePath, warn: (m: string) => void): Dict {
  for (const [k, e] of Object.entries(v)) defineKey(v, k, transform(e, [...p, k], warn));
  return v;
}

function transform(data: unknown, p: TreePath, warn: (m: string) => void): unknown {
  const rule = TRANSFORMS.find(([pattern]) => matchPath(p, pattern));
  if (rule) return rule[1](data, p, warn);
  if (isMapping(data)) return transformChildren(data, p, warn);
  if (Array.isArray(data)) return data.map((e) => transform(e, [...p, '[]'], warn));
  return data;
}

/** Rewrites the tree's short syntaxes in place (and returns it). */
export function canonical(tree: Dict, warn: (m: string) => void = () => {}): Dict {
  return transform(tree, [], warn) as Dict;
}
