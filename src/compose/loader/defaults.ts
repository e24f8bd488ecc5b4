// Defaults compose-go fills in once every file is merged (transform.SetDefaultValues): a build
// without context builds ".", a secret is mounted at /run/secrets/<source>, a port is tcp/ingress,
// a device request without count or ids takes them all, a bind mount creates its host path.
import { ComposeError } from './errors.js';
import { isMapping, matchPath, type TreePath } from './tree.js';

type Dict = Record<string, unknown>;
type Default = (data: unknown, path: TreePath) => unknown;

const buildContext: Default = (v) => {
  if (isMapping(v) && !('context' in v)) v.context = '.';
  return v;
};
const secretMount: Default = (v, p) => {
  if (!isMapping(v)) throw new ComposeError(`${p.join('.')}: unsupported type`);
  if (!('target' in v)) v.target = `/run/secrets/${String(v.source)}`;
  return v;
};
const portDefaults: Default = (v) => {
  if (isMapping(v)) {
    if (!('protocol' in v)) v.protocol = 'tcp';
    if (!('mode' in v)) v.mode = 'ingress';
  }
  return v;
};
const deviceRequest: Default = (v, p) => {
  if (!isMapping(v)) throw new ComposeError(`${p.join('.')}: invalid type for device request`);
  if (!('count' in v) && !('device_ids' in v)) v.count = 'all';
  return v;
};
const volumeBind: Default = (v, p) => {
  if (!isMapping(v)) throw new ComposeError(`${p.join('.')}: invalid type for service volume bind`);
  if (!('create_host_path' in v)) v.create_host_path = true;
  return v;
};

const DEFAULTS: [string, Default][] = [
  ['services.*.build', buildContext],
  ['services.*.secrets.*', secretMount],
  ['services.*.ports.*', portDefaults],
  ['services.*.deploy.resources.reservations.devices.*', deviceRequest],
  ['services.*.gpus.*', deviceRequest],
  ['services.*.volumes.*.bind', volumeBind],
];

function walk(data: unknown, p: TreePath): unknown {
  const rule = DEFAULTS.find(([pattern]) => matchPath(p, pattern));
  if (rule) return rule[1](data, p);
  if (isMapping(data)) for (const [k, e] of Object.entries(data)) data[k] = walk(e, [...p, k]);
  else if (Array.isArray(data)) data.forEach((e, i) => (data[i] = walk(e, [...p, '[]'])));
  return data;
}

export function setDefaults(tree: Dict): Dict {
  return walk(tree, []) as Dict;
}
