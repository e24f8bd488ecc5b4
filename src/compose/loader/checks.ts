// Checks the schema cannot express, on the merged tree (compose-go's validation package):
// file/environment/content of secrets and configs exclusive, published ports' host_ip a valid
// address, develop.watch paths not blank, device requests with count or device_ids, not both.
import { isIP } from 'node:net';
import { ComposeError } from './errors.js';
import { isMapping, matchPath, type TreePath } from './tree.js';

type Check = (value: unknown, path: string) => void;

const fileObject =
  (...keys: string[]): Check =>
  (value, p) => {
    if (!isMapping(value)) return;
    const count = keys.filter((k) => k in value).length;
    if (count > 1) throw new ComposeError(`${p}: ${keys.join('|')} attributes are mutually exclusive`);
    if (count === 0 && !('driver' in value) && !('external' in value)) throw new ComposeError(`${p}: one of ${keys.join('|')} must be set`);
  };

const volume: Check = (value, p) => {
  if (!isMapping(value)) return;
  if (value.external !== true) return;
  for (const k of Object.keys(value)) {
    if (k !== 'name' && k !== 'external' && !k.startsWith('x-')) throw new ComposeError(`${p}: conflicting parameters "external" and "${k}" specified`);
  }
};

const ipAddress: Check = (value, p) => {
  if (isMapping(value) && 'host_ip' in value && isIP(String(value.host_ip)) === 0) throw new ComposeError(`${p}: invalid ip address: ${String(value.host_ip)}`);
};

const watchPath: Check = (value, p) => {
  if (value === '') throw new ComposeError(`${p}: value can't be blank`);
};

const deviceRequest: Check = (value, p) => {
  if (isMapping(value) && 'count' in value && 'device_ids' in value) throw new ComposeError(`${p}: "count" and "device_ids" attributes are exclusive`);
};

const CHECKS: [string, Check][] = [
  ['volumes.*', volume],
  ['configs.*', fileObject('file', 'environment', 'content')],
  ['secrets.*', fileObject('file', 'environment')],
  ['services.*.ports.*', ipAddress],
  ['services.*.develop.watch.*.path', watchPath],
  ['services.*.deploy.resources.reservations.devices.*', deviceRequest],
  ['services.*.gpus.*', deviceRequest],
];

export function checkTree(value: unknown, p: TreePath = []): void {
  const rule = CHECKS.find(([pattern]) => matchPath(p, pattern));
  if (rule) return rule[1](value, p.join('.'));
  if (isMapping(value)) for (const [k, v] of Object.entries(value)) checkTree(v, [...p, k]);
  else if (Array.isArray(value)) for (const v of value) checkTree(v, [...p, '[]']);
}
