// Relative host paths to absolute ones, against the project directory (compose-go's paths
// package): build contexts (not URLs), env_file paths, extends files, bind mount sources,
// secret/config files, develop.watch paths, include paths, and a local volume's bind device.
// `~` is the user's home.
import os from 'node:os';
import path from 'node:path';
import { realpathSync } from 'node:fs';
import { ComposeError } from './errors.js';
import { isMapping, matchPath, type TreePath } from './tree.js';

type Resolver = (value: unknown) => unknown;

export function expandUser(p: string): string {
  if (!p.startsWith('~')) return p;
  return path.join(os.homedir(), p.slice(1));
}

const REMOTE_CONTEXT = ['https://', 'http://', 'git://', 'ssh://', 'github.com/', 'git@'];

export function resolveRelativePaths(tree: Record<string, unknown>, base: string): void {
  const abs: Resolver = (v) => {
    if (Array.isArray(v)) return v.map(abs);
    if (typeof v !== 'string') throw new ComposeError(`unexpected type ${typeof v}`);
    const e = expandUser(v);
    if (path.isAbsolute(e) || e === '') return e;
    return path.join(base, e);
  };
  const context: Resolver = (v) => {
    const s = String(v);
    if (s.includes('://') || s.startsWith('service:') || REMOTE_CONTEXT.some((p) => s.startsWith(p))) return s;
    return abs(s);
  };
  const maybeUnix: Resolver = (v) => (typeof v === 'string' ? abs(v) : v);
  const symlink: Resolver = (v) => {
    const a = abs(v) as string;
    try {
      return realpathSync(a);
    } catch {
      return a;
    }
  };
  const volumeMount: Resolver = (v) => {
    if (!isMapping(v) || v.type !== 'bind') return v;
    if (!('source' in v)) throw new ComposeError('invalid mount config for type "bind": field Source must not be empty');
    v.source = maybeUnix(v.source);
    return v;
  };
  const volumeDriverOpts: Resolver = (v) => {
    if (!isMapping(v) || v.driver !== 'local' || !isMapping(v.driver_opts)) return v;
    const opts = v.driver_opts;
    if (opts.o === 'bind' && 'device' in opts) opts.device = maybeUnix(opts.device);
    return v;
  };
  const RESOLVERS: [string, Resolver][] = [
    ['services.*.build.context', context],
    ['services.*.build.additional_contexts.*', context],
    ['services.*.build.ssh.*', maybeUnix],
    ['services.*.env_file.*.path', abs],
    ['services.*.label_file.*', abs],
    ['services.*.extends.file', abs],
    ['services.*.develop.watch.*.path', symlink],
    ['services.*.volumes.*', volumeMount],
    ['configs.*.file', maybeUnix],
    ['secrets.*.file', maybeUnix],
    ['include.path', abs],
    ['include.project_directory', abs],
    ['include.env_file', abs],
    ['volumes.*', volumeDriverOpts],
  ];
  const walk = (value: unknown, p: TreePath): unknown => {
    const rule = RESOLVERS.find(([pattern]) => matchPath(p, pattern));
    if (rule) return rule[1](value);
    if (isMapping(value)) for (const [k, e] of Object.entries(value)) value[k] = walk(e, [...p, k]);
    else if (Array.isArray(value)) value.forEach((e, i) => (value[i] = walk(e, [...p, '[]'])));
    return value;
  };
  walk(tree, []);
}
