// Cross-reference checks on the loaded project (compose-go's checkConsistency), with compose's
// messages: an image or a build per service, networks/volumes/secrets/configs that services use
// declared at the top level, depends_on naming existing services, no dependency cycle, scale and
// deploy.replicas agreeing, one mount per container path.
import { statSync } from 'node:fs';
import path from 'node:path';
import { checkCycles, DependencyCycleError } from '../graph.js';
import type { Project, ServiceConfig } from '../model.js';
import { ComposeError } from './errors.js';

const INVALID = 'invalid compose project';

export function checkConsistency(project: Project, disabled: Record<string, ServiceConfig>): void {
  const fail = (m: string): never => {
    throw new ComposeError(m);
  };
  for (const [name, s] of Object.entries(project.services)) {
    if (!s.build && !s.image && !s.provider) fail(`service ${JSON.stringify(name)} has neither an image nor a build context specified: ${INVALID}`);
    if (s.build?.dockerfile_inline && s.build.dockerfile) {
      fail(`service ${JSON.stringify(name)} declares mutualy exclusive dockerfile and dockerfile_inline: ${INVALID}`);
    }
    for (const [add, c] of Object.entries(s.build?.additional_contexts ?? {})) {
      if (!c.startsWith('service:')) continue;
      const target = c.slice('service:'.length);
      const t = project.services[target];
      if (!t) fail(`service ${JSON.stringify(name)} declares unknown service ${JSON.stringify(target)} as additional contexts ${add}`);
      if (!t.build) fail(`service ${JSON.stringify(name)} declares non-buildable service ${JSON.stringify(target)} as additional contexts ${add}`);
    }
    const context = s.build?.context;
    if (context && path.isAbsolute(context) && !isDirectory(context)) {
      fail(`service ${JSON.stringify(name)}: build context ${JSON.stringify(context)} not found (services.${name}.build.context): ${INVALID}`);
    }
    if (s.network_mode && s.networks && Object.keys(s.networks).length > 0) fail(`service ${name} declares mutually exclusive \`network_mode\` and \`networks\`: ${INVALID}`);
    for (const net of Object.keys(s.networks ?? {})) {
      if (!project.networks?.[net]) fail(`service ${JSON.stringify(name)} refers to undefined network ${net}: ${INVALID}`);
    }
    const test = s.healthcheck?.test;
    if (test && test.length > 0 && !['CMD', 'CMD-SHELL', 'NONE'].includes(test[0])) fail('healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"');
    for (const [dep, cfg] of Object.entries(s.depends_on ?? {})) {
      if (project.services[dep]) continue;
      if (disabled[dep] && !cfg.required) continue;
      fail(`service ${JSON.stringify(name)} depends on undefined service ${JSON.stringify(dep)}: ${INVALID}`);
    }
    if (s.network_mode?.startsWith('service:')) {
      const target = s.network_mode.slice('service:'.length);
      if (!project.services[target]) fail(`service ${JSON.stringify(target)} not found for network_mode 'service:${target}'`);
    }
    for (const v of s.volumes ?? []) {
      if (v.type === 'volume' && v.source && !project.volumes?.[v.source]) fail(`service ${JSON.stringify(name)} refers to undefined volume ${v.source}: ${INVALID}`);
    }
    for (const sec of s.build?.secrets ?? []) {
      if (!project.secrets?.[sec.source]) fail(`service ${JSON.stringify(name)} refers to undefined build secret ${sec.source}: ${INVALID}`);
    }
    for (const c of s.configs ?? []) {
      if (!project.configs?.[c.source]) fail(`service ${JSON.stringify(name)} refers to undefined config ${c.source}: ${INVALID}`);
    }
    for (const sec of s.secrets ?? []) {
      if (!project.secrets?.[sec.source]) fail(`service ${JSON.stringify(name)} refers to undefined secret ${sec.source}: ${INVALID}`);
    }
    if (s.scale !== undefined && s.deploy) {
      if (s.deploy.replicas !== undefined && s.deploy.replicas !== s.scale) fail(`services.${name}: can't set distinct values on 'scale' and 'deploy.replicas': ${INVALID}`);
      s.deploy.replicas = s.scale;
    }
    if (s.scale !== undefined && s.scale < 0) fail(`services.${name}.scale: must be greater than or equal to 0`);
    if (s.deploy?.replicas !== undefined && s.deploy.replicas < 0) fail(`services.${name}.deploy.replicas: must be greater than or equal to 0`);
    if (s.cpus && s.deploy?.resources.limits && s.deploy.resources.limits.cpus !== s.cpus) {
      fail(`services.${name}: can't set distinct values on 'cpus' and 'deploy.resources.limits.cpus': ${INVALID}`);
    }
    if (s.mem_limit && s.deploy?.resources.limits && s.deploy.resources.limits.memory !== s.mem_limit) {
      fail(`services.${name}: can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory': ${INVALID}`);
    }
    const scale = s.scale ?? s.deploy?.replicas ?? 1;
    if (scale > 1 && s.container_name) {
      fail(`services.${s.scale === undefined ? 'deploy.replicas' : 'scale'}: can't set container_name and ${name} as container name must be unique: ${INVALID}`);
    }
    for (const w of s.develop?.watch ?? []) {
      if (!w.target && w.action !== 'rebuild' && w.action !== 'restart') fail(`services.${name}.develop.watch: target is required for non-rebuild actions: ${INVALID}`);
    }
    const mounts = new Map<string, string>();
    (s.tmpfs ?? []).forEach((t, i) => {
      const loc = `services.${name}.tmpfs[${i}]`;
      const p = t.split(':')[0];
      if (mounts.has(p)) fail(`${loc}: target ${p} already mounted as ${mounts.get(p)}`);
      mounts.set(p, loc);
    });
    (s.volumes ?? []).forEach((v, i) => {
      const loc = `services.${name}.volumes[${i}]`;
      if (mounts.has(v.target)) fail(`${loc}: target ${v.target} already mounted as ${mounts.get(v.target)}`);
      mounts.set(v.target, loc);
    });
  }
  for (const [name, secret] of Object.entries(project.secrets ?? {})) {
    if (secret.external) continue;
    if (!secret.file && !secret.environment) fail(`secret ${JSON.stringify(name)} must declare either \`file\` or \`environment\`: ${INVALID}`);
  }
  try {
    checkCycles(project.services);
  } catch (e) {
    if (e instanceof DependencyCycleError) fail(e.message);
    throw e;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
