// POST /containers/create: a record, a rootfs and its volumes; nothing runs yet.
import { promises as fsp, existsSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { unknownVolumeDriver } from '../volumes/store.js';
import { newId } from '../../util/ids.js';
import type { ContainerRecord, ContainerConfig, ContainerState, HostConfig, MountPoint } from './types.js';
import { ZERO_TIME } from './types.js';
import { commandOf, mergeConfig } from './config.js';
import { parseMounts } from './mounts.js';
import { createRootfs, removeRootfs } from '../storage/rootfs.js';
import { parseNormalizedNamed } from '../images/reference.js';
import { normaliseHostConfig, validateHostConfig } from './host-config.js';
import { mergeLogConfig } from './log-config.js';
import { generateName } from './names.js';
import { verifyCreateFields } from './create-fields.js';
import { resolveLinksAtCreate } from './links.js';
import type { ContainerService } from './service.js';
import { bestEffort } from '../../util/best-effort.js';

export interface CreateRequest extends Partial<ContainerConfig> {
  HostConfig?: HostConfig;
  NetworkingConfig?: { EndpointsConfig?: Record<string, any> };
}

export async function createContainer(svc: ContainerService, name: string | undefined, req: CreateRequest): Promise<{ Id: string; Warnings: string[] }> {
  if (!req || typeof req !== 'object') throw new InvalidArgumentError('config cannot be empty in order to create a container');
  if (!req.Image) throw new InvalidArgumentError('No image specified');
  const hc: HostConfig = { ...req.HostConfig };
  // dockerd checks the settings before anything else (runconfig's decode, verifyContainerSettings):
  // refused fields fail here, fields the host cannot honour are dropped with its warnings.
  const warnings = verifyCreateFields(hc, req, { usernsRemap: !!svc.o.remap });
  // An invalid reference is a 400 before any lookup (a 404 would make the CLI try to pull it).
  if (!/^(sha256:)?[0-9a-f]{6,64}$/.test(req.Image)) parseNormalizedNamed(req.Image);
  const image = svc.o.images.get(req.Image);
  if (name) svc.store.checkName(name);
  const id = newId();
  const finalName = name ? name.replace(/^\//, '') : generateName(svc.store);
  const config = mergeConfig(req, image.config.config, req.Image);
  if (!config.Hostname) config.Hostname = id.slice(0, 12);
  const { path: cmdPath, args } = commandOf(config);
  validateHostConfig(hc);
  const logConfig = mergeLogConfig(hc.LogConfig, svc.o.logConfig);
  const runtime = hc.Runtime || svc.o.defaultRuntime;
  if (!svc.o.runtimes[runtime]) throw new InvalidArgumentError(`unknown or invalid runtime name: ${runtime}`);
  const networkMode = !hc.NetworkMode || hc.NetworkMode === 'default' ? 'bridge' : hc.NetworkMode;
  // A named network that does not exist fails at start (404), as in dockerd: a 404 here would
  // make clients think the image is missing and try to pull it.
  if (networkMode.startsWith('container:')) svc.get(networkMode.slice(10));
  const mounts = [...parseMounts(hc, config.Volumes)];
  addVolumesFrom(svc, hc.VolumesFrom ?? [], mounts);
  for (const m of mounts) {
    if (m.Type === 'bind' && hc.Mounts?.some((x) => x.Type === 'bind' && path.normalize(x.Target) === m.Destination) && !existsSync(m.Source)) {
      throw new InvalidArgumentError(`invalid mount config for type "bind": bind source path does not exist: ${m.Source}`);
    }
  }
  const now = new Date().toISOString();
  const rec: ContainerRecord = {
    id,
    name: finalName,
    created: now,
    image: image.id,
    path: cmdPath,
    args,
    config,
    hostConfig: { ...normaliseHostConfig(hc, networkMode, runtime), LogConfig: logConfig },
    networkingConfig: { EndpointsConfig: normaliseEndpoints(req.NetworkingConfig?.EndpointsConfig, networkMode) },
    state: freshState(),
    restartCount: 0,
    manuallyStopped: false,
    mounts,
    driver: svc.driver,
    networkSettings: {},
    execIds: [],
    runtime,
    links: resolveLinksAtCreate(svc, hc.Links, networkMode),
  };
  // The name is taken now, before the first await: a concurrent create or rename of the same
  // name gets the 409. Nothing else is visible until the record is saved: a failure before
  // releases the name and leaves only a directory that the next start-up sweeps.
  svc.store.reserveName(finalName, id);
  try {
    const layers = await svc.o.images.layerDirs(image.id);
    await createRootfs(svc.driver, svc.rootfs(id), layers, svc.o.images.layerInfo(image.id), svc.o.remap && { dirGid: svc.o.remap.root.gid, upper: svc.remapFor(rec)?.root });
    await prepareVolumes(svc, rec);
    // The record is visible from the save's first step: under the lock, an rm -f that finds it
    // waits for the write (and the create event) instead of deleting the directory under it.
    await svc.locks.run(id, async () => {
      await svc.store.save(rec);
      svc.emit(rec, 'create');
    });
  } catch (e) {
    svc.store.releaseName(finalName, id);
    await bestEffort(removeRootfs(svc.driver, svc.rootfs(id)), `removing the rootfs of failed create ${id}`);
    await fsp.rm(svc.store.dir(id), { recursive: true, force: true });
    throw e;
  }
  return { Id: id, Warnings: warnings };
}

/**
 * --volumes-from name[:ro|:rw]: the other container's volumes and bind mounts (not its tmpfs), at
 * the same paths, read-only or read-write as asked, else as they are there; a path this container
 * mounts itself keeps its own.
 */
function addVolumesFrom(svc: ContainerService, refs: string[], mounts: MountPoint[]): void {
  for (const ref of refs) {
    const m = /^(.*):(ro|rw)$/.exec(ref);
    const other = svc.get(m ? m[1] : ref);
    for (const mp of other.mounts) {
      if (mp.Type === 'tmpfs' || mounts.some((x) => x.Destination === mp.Destination)) continue;
      const rw = m ? m[2] === 'rw' && mp.RW : mp.RW;
      mounts.push({ ...mp, RW: rw, Mode: m ? m[2] : mp.Mode, anonymous: false, copyUp: false });
    }
  }
}

/** Names volumes (anonymous ones get a fresh name) and creates them on first use. */
async function prepareVolumes(svc: ContainerService, rec: ContainerRecord): Promise<void> {
  // berth has only the local driver; dockerd looks any other up as a plugin and finds none. All
  // are checked before any volume is made, so a refused create leaves none behind.
  for (const m of rec.mounts) {
    if (m.Type !== 'volume') continue;
    const driver = m.Driver && m.Driver !== 'local' ? m.Driver : rec.hostConfig.VolumeDriver || 'local';
    if (driver !== 'local') throw unknownVolumeDriver(m.Name ?? '', driver);
  }
  for (const m of rec.mounts) {
    if (m.Type !== 'volume') continue;
    const v = await svc.o.volumes.ensure(m.Name || '', m.anonymous ? { 'com.docker.volume.anonymous': '' } : undefined);
    m.Name = v.Name;
    m.Source = v.Mountpoint;
  }
}

/** The CLI names the NetworkMode's endpoint "default"; the engine keys endpoints by network. */
function normaliseEndpoints(eps: Record<string, any> | undefined, networkMode: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(eps ?? {})) out[k === 'default' ? networkMode : k] = v ?? {};
  if (networkMode === 'host' || networkMode === 'none' || networkMode.startsWith('container:')) delete out[networkMode];
  return out;
}

export function freshState(): ContainerState {
  return { Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME };
}
