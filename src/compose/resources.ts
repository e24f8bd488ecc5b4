// The project's networks and volumes on the engine: found or created as compose does
// (pkg/compose/create.go ensureNetwork/ensureVolume), and removed by `down`.
import type { EngineClient } from '../client/client.js';
import { isNotFound } from '../client/errors.js';
import { networkHash, volumeHash } from './hash.js';
import type { NetworkConfig, Project, VolumeConfig } from './model.js';
import { ComposeLabels, networkName, resourceLabels, volumeName } from './naming.js';
import { networkId, volumeId, type ProgressSink } from './progress.js';
import { compareStrings } from '../util/compare.js';

/** Top-level network keys the given services join (`default` for those with no networks). */
export function usedNetworks(project: Project, services: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const s of services) {
    const svc = project.services[s];
    if (!svc || svc.network_mode) continue;
    const nets = svc.networks && Object.keys(svc.networks).length ? Object.keys(svc.networks) : ['default'];
    for (const n of nets) if (project.networks?.[n]) keys.add(n);
  }
  return [...keys].sort();
}

/** Top-level volume keys the given services mount. */
export function usedVolumes(project: Project, services: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const s of services) {
    for (const v of project.services[s]?.volumes ?? []) if (v.type === 'volume' && v.source && project.volumes?.[v.source]) keys.add(v.source);
  }
  return [...keys].sort();
}

async function ensureNetwork(client: EngineClient, project: Project, key: string, n: NetworkConfig, progress: ProgressSink): Promise<string> {
  const name = networkName(project, key);
  const existing = (await client.networks.list({ filters: { name: [name] } })).filter((x) => x.Name === name || x.Id === name);
  if (n.external) {
    if (existing.length === 1) return existing[0].Id;
    if (existing.length === 0) throw new Error(`network ${name} declared as external, but could not be found`);
    throw new Error(`multiple networks with name "${name}" were found. Use network ID as \`name\` to avoid ambiguity`);
  }
  const ours = existing.find((x) => x.Labels?.[ComposeLabels.project] === project.name && x.Labels?.[ComposeLabels.network] === key);
  if (ours) return ours.Id;
  if (existing.length > 0) return existing[0].Id; // compose warns and uses it
  const hash = networkHash(n);
  const ipam = n.ipam?.driver || n.ipam?.config?.length
    ? {
        Driver: n.ipam.driver || undefined,
        Config: (n.ipam.config ?? []).map((p) => ({ Subnet: p.subnet, IPRange: p.ip_range, Gateway: p.gateway, AuxiliaryAddresses: p.aux_addresses })),
      }
    : undefined;
  progress({ id: networkId(name), status: 'working', text: 'Creating' });
  try {
    const r = await client.networks.create({
      Name: name,
      Driver: n.driver || undefined,
      Options: n.driver_opts,
      Internal: n.internal || undefined,
      Attachable: n.attachable || undefined,
      IPAM: ipam,
      EnableIPv6: n.enable_ipv6,
      EnableIPv4: n.enable_ipv4,
      Labels: { ...(n.labels ?? {}), ...resourceLabels('network', project.name, key, hash) },
    });
    progress({ id: networkId(name), status: 'done', text: 'Created' });
    return r.Id;
  } catch (e) {
    progress({ id: networkId(name), status: 'error', text: 'Error' });
    throw new Error(`failed to create network ${name}: ${(e as Error).message}`, { cause: e });
  }
}

/** Finds or creates the networks `keys`; returns key → network ID. */
export async function ensureNetworks(client: EngineClient, project: Project, keys: readonly string[], progress: ProgressSink): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const key of keys) ids[key] = await ensureNetwork(client, project, key, project.networks![key], progress);
  return ids;
}

async function ensureVolume(client: EngineClient, project: Project, key: string, v: VolumeConfig, progress: ProgressSink): Promise<string> {
  const name = volumeName(project, key);
  try {
    await client.volumes.inspect(name);
    return name;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (v.external) throw new Error(`external volume "${name}" not found`);
  progress({ id: volumeId(name), status: 'working', text: 'Creating' });
  try {
    await client.volumes.create({ Name: name, Driver: v.driver || undefined, DriverOpts: v.driver_opts, Labels: { ...(v.labels ?? {}), ...resourceLabels('volume', project.name, key, volumeHash(v)) } });
  } catch (e) {
    progress({ id: volumeId(name), status: 'error', text: 'Error' });
    throw e;
  }
  progress({ id: volumeId(name), status: 'done', text: 'Created' });
  return name;
}

/** Finds or creates the volumes `keys`; returns key → engine volume name. */
export async function ensureVolumes(client: EngineClient, project: Project, keys: readonly string[], progress: ProgressSink): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const key of keys) names[key] = await ensureVolume(client, project, key, project.volumes![key], progress);
  return names;
}

/** Removes the project's own networks (by label; external ones are never touched). */
export async function removeNetworks(client: EngineClient, projectName: string, progress: ProgressSink): Promise<void> {
  const nets = await client.networks.list({ filters: { label: [`${ComposeLabels.project}=${projectName}`] } });
  for (const n of nets.sort((a, b) => compareStrings(a.Name, b.Name))) {
    progress({ id: networkId(n.Name), status: 'working', text: 'Removing' });
    try {
      await client.networks.remove(n.Id);
    } catch (e) {
      if (isNotFound(e)) continue;
      progress({ id: networkId(n.Name), status: 'error', text: 'Error' });
      throw e;
    }
    progress({ id: networkId(n.Name), status: 'done', text: 'Removed' });
  }
}

/** Removes the project's own volumes (by label). */
export async function removeVolumes(client: EngineClient, projectName: string, progress: ProgressSink): Promise<void> {
  const vols = (await client.volumes.list({ filters: { label: [`${ComposeLabels.project}=${projectName}`] } })).Volumes ?? [];
  for (const v of vols.sort((a, b) => compareStrings(a.Name, b.Name))) {
    progress({ id: volumeId(v.Name), status: 'working', text: 'Removing' });
    try {
      await client.volumes.remove(v.Name, { force: true });
    } catch (e) {
      if (isNotFound(e)) continue;
      progress({ id: volumeId(v.Name), status: 'error', text: 'Error' });
      throw e;
    }
    progress({ id: volumeId(v.Name), status: 'done', text: 'Removed' });
  }
}
