// Start-up recovery: load the records and reconcile them with reality (containers keep running
// while berthd is down; some exited meanwhile; a removal may have been cut short).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { runcDelete, runcState } from '../runtime/runc.js';
import { log } from '../../util/log.js';
import type { ContainerRecord } from './types.js';
import type { ContainerService } from './service.js';
import { onExit } from './monitor.js';
import { removeNow } from './remove.js';
import { readdirIfExists } from '../../util/fs.js';
import { resetRestartManager, startsAtBoot } from './restart-policy.js';
import { startNow } from './start.js';

/** Loads records and reconciles them with reality: containers kept running while berthd was down. */
export async function restoreContainers(svc: ContainerService): Promise<void> {
  await fsp.mkdir(svc.socketDir, { recursive: true });
  await fsp.mkdir(path.join(svc.o.execRoot, 'containers'), { recursive: true });
  await svc.exits.start();
  const recs = await svc.store.load();
  await Promise.all(recs.map((rec) => recover(svc, rec).catch((e) => log.error(`recover ${rec.id.slice(0, 12)}: ${e?.message ?? e}`))));
  await sweepRuntimeState(svc);
}

/**
 * Deletes runtime state (runc's state dir, the container's cgroups) that belongs to no running
 * container: a `runc delete` after an exit is not waited for, so berthd may have died before it.
 */
async function sweepRuntimeState(svc: ContainerService): Promise<void> {
  const runtimes = path.join(svc.o.execRoot, 'runtime');
  for (const name of await readdirIfExists(runtimes)) {
    for (const id of await readdirIfExists(path.join(runtimes, name))) {
      const rec = svc.store.find(id);
      if (rec?.state.Running) continue;
      if (rec) {
        // Its next start deletes it first (it may belong to another runtime than the record's).
        svc.runtimeState.leftovers.add(id);
        continue;
      }
      await runcDelete(svc.runtimeNamed(name), id, true).catch((e: Error) => log.warn(`runtime leftover ${id.slice(0, 12)}: ${e.message}`));
    }
  }
}

async function recover(svc: ContainerService, rec: ContainerRecord): Promise<void> {
  if (rec.state.Status === 'removing') {
    await removeNow(svc, rec, { volumes: false });
    return;
  }
  if (rec.state.Restarting) {
    // Its back-off ended with berthd: stopped now, with the exit it had; startContainersAtBoot
    // starts it again when its policy says so.
    rec.state.Restarting = false;
    rec.state.Status = 'exited';
    await svc.store.save(rec);
    return;
  }
  if (!rec.state.Running) return;
  const rt = svc.runtimeFor(rec);
  const st = await runcState(rt, rec.id);
  const code = await svc.exits.readExit(rec.id);
  if (st && (st.status === 'running' || st.status === 'paused') && code === undefined) {
    rec.state.Paused = st.status === 'paused';
    rec.state.Status = st.status === 'paused' ? 'paused' : 'running';
    rec.state.Pid = st.pid;
    await svc.store.save(rec);
    svc.exits.watchFor(rec.id, (id, c) => void onExit(svc, id, c));
    svc.hooks.started?.(rec);
    return;
  }
  // It exited while we were away: its exit file has the real code.
  await onExit(svc, rec.id, code ?? 255, { recovering: true });
}

/**
 * As dockerd's restore: containers that ran before, are stopped now, and whose restart policy
 * says so, are started (a manual start: fresh restart manager, RestartCount 0). `always` comes
 * back even after a hand stop; `unless-stopped` does not.
 */
export async function startContainersAtBoot(svc: ContainerService): Promise<void> {
  const due = svc.store.all().filter(startsAtBoot);
  await Promise.all(
    due.map((rec) =>
      svc
        .locked(rec, async () => {
          if (!startsAtBoot(rec)) return;
          resetRestartManager(svc, rec);
          await startNow(svc, rec);
        })
        .catch((e: Error) => log.warn(`start at boot ${rec.id.slice(0, 12)}: ${e.message}`)),
    ),
  );
}
