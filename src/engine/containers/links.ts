// Legacy links (HostConfig.Links) as dockerd keeps them: resolved to containers at create (by ID,
// so renames keep them), shown by inspect as "/child:/parent/alias", the environment variables
// they give at start (moby daemon/links), and their removal (`docker rm --link /parent/alias`).
import { InvalidArgumentError, NotFoundError, SystemError } from '../errors.js';
import type { ContainerRecord, LegacyLink } from './types.js';
import type { ContainerService } from './service.js';

/** opts.ParseLink: "name:alias", "name" (alias = name), or inspect's "/name:/parent/alias". */
export function parseLink(val: string): { name: string; alias: string } {
  if (!val) throw new InvalidArgumentError('empty string specified for links');
  const parts = val.split(':');
  if (parts.length > 2) throw new InvalidArgumentError(`bad format for links: ${val}`);
  if (parts.length === 1) return { name: val, alias: val };
  if (parts[0].startsWith('/')) return { name: parts[0].slice(1), alias: parts[1].split('/').pop()! };
  return { name: parts[0], alias: parts[1] };
}

const HOST_AND_LINKS = "conflicting options: host type networking can't be used with links. This would result in undefined behavior";
const CONTAINER_AND_LINKS = "conflicting options: container type network can't be used with links. This would result in undefined behavior";

/** Whether a network mode names a user-defined network (links there are DNS aliases instead). */
function userDefined(mode: string): boolean {
  return !['bridge', 'default', 'host', 'none'].includes(mode) && !mode.startsWith('container:');
}

/**
 * dockerd's registerLinks at create: each link's container must exist (a 400 otherwise, so the
 * CLI does not go pulling), a link through `container:` mode leads to that container, and none
 * may lead to the host's network. On a user-defined network there is nothing to register.
 */
export function resolveLinksAtCreate(svc: ContainerService, links: string[] | null | undefined, networkMode: string): LegacyLink[] {
  if (!links?.length) return [];
  if (networkMode === 'host') throw new InvalidArgumentError(HOST_AND_LINKS);
  if (networkMode.startsWith('container:')) throw new InvalidArgumentError(CONTAINER_AND_LINKS);
  if (userDefined(networkMode)) return [];
  const out: LegacyLink[] = [];
  for (const l of links) {
    const { name, alias } = parseLink(l);
    let child = lookup(svc, name, name);
    for (let mode = child.hostConfig.NetworkMode ?? ''; mode.startsWith('container:'); mode = child.hostConfig.NetworkMode ?? '') {
      child = lookup(svc, mode.slice(10), mode.slice(10));
    }
    if (child.hostConfig.NetworkMode === 'host') throw new InvalidArgumentError(HOST_AND_LINKS);
    // A second link under the same alias is ignored, as dockerd's name reservation does.
    if (!out.some((x) => x.alias === alias)) out.push({ alias, childId: child.id });
  }
  return out;
}

function lookup(svc: ContainerService, ref: string, what: string): ContainerRecord {
  const c = svc.store.find(ref);
  if (!c) throw new InvalidArgumentError(`could not get container for ${what}: No such container: ${ref}`);
  return c;
}

/** The links whose containers are still there, with their full link names ("/parent/alias"). */
function children(svc: ContainerService, rec: ContainerRecord): Array<{ linkName: string; child: ContainerRecord }> {
  const out: Array<{ linkName: string; child: ContainerRecord }> = [];
  for (const l of rec.links ?? []) {
    const child = svc.store.find(l.childId);
    if (child && child.id === l.childId) out.push({ linkName: `/${rec.name}/${l.alias}`, child });
  }
  return out;
}

/** HostConfig.Links as dockerd's inspect shows them: "/child:/parent/alias", or null. */
export function linksView(svc: ContainerService, rec: ContainerRecord): string[] | null {
  const list = children(svc, rec).map(({ linkName, child }) => `/${child.name}:${linkName}`);
  return list.length ? list : null;
}

/**
 * The environment the links give the container at start (dockerd's setupLinkedContainers): only
 * on the default bridge; each linked container must be running there.
 */
export function linkEnvironment(svc: ContainerService, rec: ContainerRecord): string[] {
  const mode = rec.hostConfig.NetworkMode ?? 'bridge';
  if (mode !== 'bridge' && mode !== 'default') return [];
  const env: string[] = [];
  for (const { linkName, child } of children(svc, rec)) {
    if (!child.state.Running) throw new SystemError(`Cannot link to a non running container: /${child.name} AS ${linkName}`);
    const ip = child.networkSettings?.Networks?.bridge?.IPAddress as string | undefined;
    if (!ip) throw new SystemError(`container ${child.id} not attached to default bridge network`);
    env.push(...linkEnvVars(ip, linkName, child.config.Env ?? [], Object.keys(child.config.ExposedPorts ?? {})));
  }
  return env;
}

/**
 * The container's environment with its links' variables (dockerd's CreateDaemonEnvironment and
 * ReplaceOrAppendEnvValues): the links' first, replaced in place or followed by Config.Env.
 * Used at start and for each exec, as dockerd does.
 */
export function envWithLinks(svc: ContainerService, rec: ContainerRecord): string[] {
  const env = rec.config.Env ?? [];
  const linkEnv = linkEnvironment(svc, rec);
  if (!linkEnv.length) return env;
  const key = (e: string) => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e);
  const out = [...linkEnv];
  for (const e of env) {
    const i = out.findIndex((x) => key(x) === key(e));
    if (i >= 0) out[i] = e;
    else out.push(e);
  }
  return out;
}

/** moby daemon/links ToEnv: ALIAS_PORT, ALIAS_PORT_<n>_<PROTO>{,_ADDR,_PORT,_PROTO}, ranges, ALIAS_NAME, ALIAS_ENV_X. */
export function linkEnvVars(childIp: string, linkName: string, childEnv: string[], exposedPorts: string[]): string[] {
  const alias = linkName.split('/').pop()!.toUpperCase().replaceAll('-', '_');
  const ports = exposedPorts
    .map((p) => {
      const [num, proto = 'tcp'] = p.split('/');
      return { num: Number(num), proto: proto.toLowerCase() };
    })
    .filter((p) => Number.isInteger(p.num))
    .sort((a, b) => (a.proto === b.proto ? a.num - b.num : a.proto === 'tcp' ? -1 : b.proto === 'tcp' ? 1 : a.proto < b.proto ? -1 : 1));
  const env: string[] = [];
  let start = ports[0];
  let end = ports[0];
  ports.forEach((p, i) => {
    if (i === 0) env.push(`${alias}_PORT=${p.proto}://${childIp}:${p.num}`);
    const prefix = `${alias}_PORT_${p.num}_${p.proto.toUpperCase()}`;
    env.push(`${prefix}=${p.proto}://${childIp}:${p.num}`, `${prefix}_ADDR=${childIp}`, `${prefix}_PORT=${p.num}`, `${prefix}_PROTO=${p.proto}`);
    if (p.num === end.num + 1 && p.proto === start.proto) {
      end = p;
      if (i < ports.length - 1) return;
    }
    if (end !== start) {
      const rp = `${alias}_PORT_${start.num}_${start.proto.toUpperCase()}`;
      env.push(`${rp}_START=${start.proto}://${childIp}:${start.num}`, `${rp}_PORT_START=${start.num}`, `${rp}_END=${end.proto}://${childIp}:${end.num}`, `${rp}_PORT_END=${end.num}`);
    }
    start = p;
    end = p;
  });
  env.push(`${alias}_NAME=${linkName}`);
  for (const v of childEnv) {
    const i = v.indexOf('=');
    if (i < 0) continue;
    const name = v.slice(0, i);
    if (name === 'HOME' || name === 'PATH') continue;
    env.push(`${alias}_ENV_${name}=${v.slice(i + 1)}`);
  }
  return env;
}

/**
 * `DELETE /containers/{/parent/alias}?link=1` (dockerd's rmLink): the link goes from the parent,
 * both containers stay. A plain name is the container's own, which cannot be removed as a link.
 * Returns the parent whose links changed.
 */
export function removeLink(svc: ContainerService, name: string): ContainerRecord {
  const full = name.startsWith('/') ? name : `/${name}`;
  const cut = full.lastIndexOf('/');
  const parentName = full.slice(0, cut);
  const alias = full.slice(cut + 1);
  if (!parentName) {
    svc.get(name); // an unknown name is the 404 dockerd's lookup gives first
    throw new SystemError("Conflict, cannot remove the default link name of the container");
  }
  const parent = svc.store.find(parentName.slice(1));
  const link = parent?.links?.find((l) => l.alias === alias && svc.store.find(l.childId));
  if (!parent || !link) throw new NotFoundError(`No such container: ${name}`);
  parent.links = parent.links!.filter((l) => l !== link);
  return parent;
}
