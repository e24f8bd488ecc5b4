// Interpolation of a whole parsed compose file: every string value (never a key) goes through
// substitute(); values at the paths compose-go casts are then turned into numbers/booleans, so
// `replicas: ${N}` validates as an integer. Errors name the path as compose-go does
// ("error while interpolating services.web.image: required variable TAG is missing a value").
import { ComposeError } from './errors.js';
import { InvalidTemplateError, substitute, type Lookup } from './template.js';
import { defineKey, matchPath, type TreePath } from './tree.js';

type Cast = (value: string, warn: (m: string) => void) => unknown;

const toInt: Cast = (v) => {
  if (!/^[+-]?\d+$/.test(v)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
};
const toFloat: Cast = (v) => {
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
  return n;
};
const toBoolean: Cast = (v, warn) => {
  const l = v.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  if (l === 'y' || l === 'yes' || l === 'on') {
    warn(`${JSON.stringify(v)} for boolean is not supported by YAML 1.2, please use \`true\``);
    return true;
  }
  if (l === 'n' || l === 'no' || l === 'off') {
    warn(`${JSON.stringify(v)} for boolean is not supported by YAML 1.2, please use \`false\``);
    return false;
  }
  throw new Error(`invalid boolean: ${v}`);
};

const svc = (p: string) => `services.*.${p}`;
/** compose-go's interpolateTypeCastMapping. `*` matches any key, `[]` any list item. */
const CASTS: [string, Cast][] = [
  [svc('cpu_count'), toInt],
  [svc('cpu_percent'), toFloat],
  [svc('cpu_period'), toInt],
  [svc('cpu_quota'), toInt],
  [svc('cpu_rt_period'), toInt],
  [svc('cpu_rt_runtime'), toInt],
  [svc('cpus'), toFloat],
  [svc('cpu_shares'), toInt],
  [svc('init'), toBoolean],
  [svc('depends_on.*.required'), toBoolean],
  [svc('depends_on.*.restart'), toBoolean],
  [svc('deploy.replicas'), toInt],
  [svc('deploy.update_config.parallelism'), toInt],
  [svc('deploy.update_config.max_failure_ratio'), toFloat],
  [svc('deploy.rollback_config.parallelism'), toInt],
  [svc('deploy.rollback_config.max_failure_ratio'), toFloat],
  [svc('deploy.restart_policy.max_attempts'), toInt],
  [svc('deploy.placement.max_replicas_per_node'), toInt],
  [svc('healthcheck.retries'), toInt],
  [svc('healthcheck.disable'), toBoolean],
  [svc('oom_kill_disable'), toBoolean],
  [svc('oom_score_adj'), toInt],
  [svc('pids_limit'), toInt],
  [svc('ports.[].target'), toInt],
  [svc('privileged'), toBoolean],
  [svc('read_only'), toBoolean],
  [svc('scale'), toInt],
  [svc('stdin_open'), toBoolean],
  [svc('tty'), toBoolean],
  [svc('ulimits.*'), toInt],
  [svc('ulimits.*.hard'), toInt],
  [svc('ulimits.*.soft'), toInt],
  [svc('volumes.[].read_only'), toBoolean],
  [svc('volumes.[].volume.nocopy'), toBoolean],
  ['networks.*.external', toBoolean],
  ['networks.*.internal', toBoolean],
  ['networks.*.attachable', toBoolean],
  ['networks.*.enable_ipv4', toBoolean],
  ['networks.*.enable_ipv6', toBoolean],
  ['volumes.*.external', toBoolean],
  ['secrets.*.external', toBoolean],
  ['configs.*.external', toBoolean],
];

export interface InterpolateOptions {
  lookup: Lookup;
  warn?: (message: string) => void;
}

/** Returns a copy of `value` (a parsed YAML document) with every string substituted. */
export function interpolate(value: unknown, opts: InterpolateOptions, path: TreePath = []): unknown {
  const warn = opts.warn ?? (() => {});
  const unset = new Set<string>();
  const onUnset = (name: string) => {
    if (unset.has(name)) return;
    unset.add(name);
    warn(`The ${JSON.stringify(name)} variable is not set. Defaulting to a blank string.`);
  };
  const walk = (v: unknown, p: TreePath): unknown => {
    if (typeof v === 'string') {
      let out: string;
      try {
        out = substitute(v, opts.lookup, { onUnset });
      } catch (e) {
        if (e instanceof InvalidTemplateError) {
          throw new ComposeError(`invalid interpolation format for ${p.join('.')}.\nYou may need to escape any $ with another $.\n${e.template}`);
        }
        throw new ComposeError(`error while interpolating ${p.join('.')}: ${(e as Error).message}`);
      }
      const cast = CASTS.find(([pattern]) => matchPath(p, pattern));
      if (!cast) return out;
      try {
        return cast[1](out, warn);
      } catch (e) {
        throw new ComposeError(`error while interpolating ${p.join('.')}: failed to cast to expected type: ${(e as Error).message}`);
      }
    }
    if (Array.isArray(v)) return v.map((item) => walk(item, [...p, '[]']));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) defineKey(out, k, walk(item, [...p, k]));
      return out;
    }
    return v;
  };
  return walk(value, path);
}
