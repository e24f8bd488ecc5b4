// Which services a command works on (compose-go's WithProfiles / WithServicesEnabled /
// WithSelectedServices / WithoutUnnecessaryResources): services without profiles are always
// on, others when one of their profiles is active (`*` activates all); a service named on the
// command line turns its own profiles on; naming services keeps them and their dependencies
// only; networks, volumes, secrets, configs and models no kept service uses are dropped.
import type { Project, ServiceConfig } from '../model.js';
import { ComposeError } from './errors.js';

type Services = Record<string, ServiceConfig>;

function hasProfile(s: ServiceConfig, profiles: string[]): boolean {
  if (!s.profiles?.length) return true;
  return profiles.some((p) => p === '*' || s.profiles!.includes(p));
}

export function applyProfiles(all: Services, profiles: string[]): { enabled: Services; disabled: Services } {
  const enabled: Services = {};
  const disabled: Services = {};
  for (const [name, s] of Object.entries(all)) (hasProfile(s, profiles) ? enabled : disabled)[name] = s;
  return { enabled, disabled };
}

/** Profiles to add so that the named (disabled) services are enabled. */
export function profilesEnabling(names: string[], enabled: Services, disabled: Services): string[] {
  const out: string[] = [];
  for (const n of names) if (!Object.hasOwn(enabled, n) && Object.hasOwn(disabled, n)) out.push(...(disabled[n].profiles ?? []));
  return out;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Keeps the named services (glob patterns allowed) and what they depend on. */
export function selectServices(project: Project, names: string[], disabled: Services): void {
  if (names.length === 0) return;
  const keep = new Set<string>();
  const visit = (patterns: string[], deps?: Record<string, { required: boolean }>) => {
    for (const pattern of patterns) {
      const re = globToRegExp(pattern);
      const matched = Object.keys(project.services).filter((n) => re.test(n));
      if (matched.length === 0) {
        if (deps && deps[pattern] && !deps[pattern].required) continue;
        throw new ComposeError(`no such service: ${pattern}`);
      }
      for (const name of matched) {
        if (keep.has(name)) continue;
        keep.add(name);
        const dependsOn = project.services[name].depends_on ?? {};
        visit(Object.keys(dependsOn), dependsOn);
      }
    }
  };
  visit(names);
  for (const [name, s] of Object.entries(project.services)) {
    if (keep.has(name)) {
      if (s.depends_on) for (const d of Object.keys(s.depends_on)) if (!keep.has(d)) delete s.depends_on[d];
      continue;
    }
    disabled[name] = s;
    delete project.services[name];
  }
}

/** Drops top-level resources that no kept service refers to. */
export function withoutUnusedResources(project: Project): void {
  const nets = new Set<string>();
  const vols = new Set<string>();
  const secrets = new Set<string>();
  const configs = new Set<string>();
  const models = new Set<string>();
  for (const s of Object.values(project.services)) {
    for (const n of Object.keys(s.networks ?? {})) nets.add(n);
    for (const v of s.volumes ?? []) if (v.type === 'volume' && v.source) vols.add(v.source);
    for (const x of s.secrets ?? []) secrets.add(x.source);
    for (const x of s.build?.secrets ?? []) secrets.add(x.source);
    for (const x of s.configs ?? []) configs.add(x.source);
    for (const m of Object.keys(s.models ?? {})) models.add(m);
  }
  const filter = <T>(all: Record<string, T> | undefined, used: Set<string>): Record<string, T> | undefined => {
    if (!all) return undefined;
    const out: Record<string, T> = {};
    for (const [k, v] of Object.entries(all)) if (used.has(k)) out[k] = v;
    return Object.keys(out).length ? out : undefined;
  };
  const assign = <K extends 'networks' | 'volumes' | 'secrets' | 'configs' | 'models'>(key: K, value: Project[K] | undefined) => {
    if (value) project[key] = value;
    else delete project[key];
  };
  assign('networks', filter(project.networks, nets));
  assign('volumes', filter(project.volumes, vols));
  assign('secrets', filter(project.secrets, secrets));
  assign('configs', filter(project.configs, configs));
  assign('models', filter(project.models, models));
}
