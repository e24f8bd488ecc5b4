// DELETE /containers/{id} and POST /containers/prune: kill if forced, then release everything the
// container holds (runtime state, network, rootfs, sockets, record, anonymous volumes).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ConflictError, EngineError, SystemError } from '../errors.js';
import type { ContainerRecord } from './types.js';
import { runcDelete } from '../runtime/runc.js';
import { ExitWait, forceKill } from './kill.js';
import { removeRootfs } from '../storage/rootfs.js';
import { teardownNetwork } from './network-plan.js';
import { cancelRestart, dropRestartManager } from './restart-policy.js';
import { log, tracer } from '../../util/log.js';
import type { ContainerService } from './service.js';
import { bestEffort } from '../../util/best-effort.js';

export async function removeContainer(svc: ContainerService, ref: string, o: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
  const rec = svc.get(ref);
  // A start may win the lock between the kill and the removal: then it is killed again.
  for (let attempt = 0; ; attempt++) {
    if (rec.state.Status === 'removing') throw new ConflictError(`removal of container ${rec.id} is already in progress`);
    const live = rec.state.Running || rec.state.Restarting;
    if (live && (!o.force || attempt >= 3)) {
      const what = rec.state.Paused ? 'paused' : rec.state.Restarting ? 'restarting' : 'running';
      throw new ConflictError(`cannot remove container "/${rec.name}": container is ${what}: stop the container before removing or force remove`);
    }
    if (live) await killForRemoval(svc, rec);
    // Gone while we waited (an --rm container removes itself at its exit): what was asked is done.
    if (svc.store.find(rec.id) !== rec) return;
    const removed = await svc.locked(rec, async () => {
      if (rec.state.Status === 'removing') throw new ConflictError(`removal of container ${rec.id} is already in progress`);
      if (rec.state.Running) return false;
      cancelRestart(svc, rec);
      rec.manuallyStopped = true;
      await removeNow(svc, rec, { volumes: !!o.volumes });
      return true;
    });
    if (removed) return;
  }
}

async function killForRemoval(svc: ContainerService, rec: ContainerRecord): Promise<void> {
  const exit = new ExitWait(svc, rec);
  try {
    await svc.locked(rec, async () => {
      cancelRestart(svc, rec);
      rec.manuallyStopped = true;
      if (rec.state.Running) exit.begin();
    });
    await forceKill(svc, rec, exit);
  } catch (e: any) {
    if (e instanceof EngineError && e.status < 500) throw e;
    throw new SystemError(`cannot remove container "/${rec.name}": could not kill container: ${e?.message ?? e}`);
  } finally {
    exit.cancel();
  }
}

/** Removes a container that is not running; the caller holds its lock (or is start-up recovery). */
export async function removeNow(svc: ContainerService, rec: ContainerRecord, o: { volumes: boolean }): Promise<void> {
  const t = tracer('remove', rec.id);
  rec.state.Status = 'removing';
  // A crash mid-removal leaves a record that another rm finishes; no need to persist 'removing'.
  if (rec.state.Running || svc.runtimeState.leftovers.delete(rec.id)) await bestEffort(runcDelete(svc.runtimeFor(rec), rec.id, true), `deleting the runtime state of ${rec.id}`);
  // Independent of each other; the rootfs must be gone before the record's directory (below).
  await Promise.all([
    bestEffort(teardownNetwork(svc, rec), `network teardown of ${rec.id}`), // the sweep finishes what is left
    removeRootfs(svc.driver, svc.rootfs(rec.id)),
    fsp.rm(svc.bundleDir(rec.id), { recursive: true, force: true }),
    fsp.rm(path.join(svc.socketDir, svc.socketId(rec.id)), { recursive: true, force: true }),
    svc.exits.removeExitFile(rec.id),
  ]);
  t('cleanup');
  await svc.store.delete(rec);
  svc.rwSizes.drop(rec.id);
  t('deleted');
  if (o.volumes) {
    for (const m of rec.mounts) {
      if (m.Type === 'volume' && m.anonymous && m.Name) await bestEffort(svc.o.volumes.remove(m.Name, {}), `removing anonymous volume ${m.Name}`); // in use elsewhere: kept, as Docker
    }
  }
  await bestEffort(svc.o.images.releaseHolds(), 'releasing image layer holds');
  dropRestartManager(svc, rec.id);
  svc.emit(rec, 'destroy');
  svc.waiters.wasRemoved(rec.id);
  // Waits for an exit that can no longer come end with the last exit code, as in dockerd.
  svc.waiters.exited(rec.id, rec.state.ExitCode);
}

/**
 * POST /containers/prune: the stopped containers the filter picks, each measured (SizeRw) before it
 * goes; one that cannot be removed is logged and skipped, as dockerd does.
 */
export async function pruneContainers(svc: ContainerService, filter: (c: ContainerRecord) => boolean): Promise<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }> {
  const deleted: string[] = [];
  let space = 0;
  const candidates = svc.store.all().filter((c) => !c.state.Running && !c.state.Restarting && filter(c));
  const sizes = await svc.sizesOf(candidates);
  for (const c of candidates) {
    try {
      await removeContainer(svc, c.id, {});
    } catch (e) {
      log.warn(`prune: could not remove container ${c.id}: ${(e as Error).message}`);
      continue;
    }
    deleted.push(c.id);
    space += sizes.get(c.id)?.rw ?? 0;
  }
  svc.o.events.publish('container', 'prune', '', { reclaimed: String(space) });
  return { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: space };
}
