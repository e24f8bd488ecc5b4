// POST /containers/{id}/start: mount the rootfs, plan and connect the network, write the spec,
// start conmon (which runs `runc create`), then `runc start`. A failure undoes every step.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ConflictError, EngineError, NotModifiedError } from '../errors.js';
import type { ContainerRecord } from './types.js';
import { ZERO_TIME } from './types.js';
import { RuntimeStartError, startWithConmon } from '../runtime/conmon.js';
import { startFailure } from '../runtime/start-failure.js';
import { runcDelete, runcStart } from '../runtime/runc.js';
import { mountRootfs, unmountRootfs } from '../storage/rootfs.js';
import { buildContainerSpec } from './spec.js';
import { startLogging } from './logging.js';
import { ensureEtcFiles, writeEtcFiles } from './etc-files.js';
import { planNetwork, teardownNetwork } from './network-plan.js';
import { onExit } from './monitor.js';
import { resetRestartManager } from './restart-policy.js';
import { tracer } from '../../util/log.js';
import type { ContainerService } from './service.js';
import { bestEffort, settled } from '../../util/best-effort.js';

export async function startContainer(svc: ContainerService, ref: string): Promise<void> {
  const rec = svc.get(ref);
  await svc.locked(rec, async () => {
    if (rec.state.Paused) throw new ConflictError('cannot start a paused container, try unpause instead');
    // A container waiting to restart counts as running, as in dockerd.
    if (rec.state.Running || rec.state.Restarting) throw new NotModifiedError();
    if (rec.state.Status === 'removing' || rec.state.Dead) throw new ConflictError(`container is marked for removal and cannot be started`);
    resetRestartManager(svc, rec);
    await startNow(svc, rec);
  });
}

/** Starts the container; the caller holds its lock (a manual start resets the restart manager first). */
export async function startNow(svc: ContainerService, rec: ContainerRecord): Promise<void> {
  const id = rec.id;
  const rt = svc.runtimeFor(rec);
  const fs = svc.rootfs(id);
  const bundle = svc.bundleDir(id);
  const undo: Array<() => Promise<unknown>> = [];
  const t = tracer('start', id);
  svc.rwSizes.forget(id); // the layer changes from here on
  try {
    await svc.exits.removeExitFile(id);
    await svc.runtimeState.settled(id);
    // Only a runtime container left over by a failed clean-up needs deleting (one spawn saved per start).
    if (svc.runtimeState.leftovers.delete(id)) await bestEffort(runcDelete(rt, id, true), `deleting leftover runtime state of ${id}`);
    await fsp.mkdir(bundle, { recursive: true, mode: 0o700 });
    const layers = await svc.lowerDirs(rec);
    t('prepare');
    // The network is connected (CNI ADD) while the rootfs is mounted and the runtime creates the
    // container; it only has to be ready, with the /etc files that name its address, before
    // `runc start` runs the container's process.
    const plan = await planNetwork(svc, rec);
    const connecting = plan.connect();
    void settled(connecting); // awaited below; its error is reported there
    undo.push(() => connecting.then(() => teardownNetwork(svc, rec), () => teardownNetwork(svc, rec)));
    await mountRootfs(svc.driver, fs, layers);
    t('mount');
    undo.push(() => unmountRootfs(svc.driver, fs));
    await copyUpVolumes(svc, rec, fs.merged);
    await ensureEtcFiles(svc, rec);
    const spec = await buildContainerSpec(svc, rec, plan.netns, plan.userns);
    // Regenerated at every start, in the exec root: no fsync needed.
    await fsp.writeFile(path.join(bundle, 'config.json'), JSON.stringify(spec));
    t('spec');
    const logging = await startLogging(svc, rec);
    t('log writer');
    // A failed connect removes the namespace the runtime is joining: its error is the one to report.
    const { pid } = await startWithConmon({
      conmonPath: svc.conmonPath,
      runtime: rt,
      id,
      name: rec.name,
      bundleDir: bundle,
      socketDir: svc.socketDir,
      socketId: svc.socketId(id),
      exitDir: svc.exits.exitDir,
      logPath: logging.conmonLog,
      logSizeMax: logging.sizeMax,
      stdin: rec.config.OpenStdin,
      tty: rec.config.Tty,
      // A TTY session survives a detached client; non-TTY stdin closes on the client's EOF.
      leaveStdinOpen: rec.config.Tty || !rec.config.StdinOnce,
    }).catch(async (e: unknown) => {
      await logging.release();
      throw (await connecting.then(() => undefined, (ne: unknown) => ne)) ?? e;
    });
    undo.push(() => runcDelete(rt, id, true));
    t('conmon');
    await connecting;
    await writeEtcFiles(svc, rec);
    t('network');
    svc.exits.watchFor(id, (cid, code) => void onExit(svc, cid, code));
    await runcStart(rt, id, pid);
    t('runc start');
    const st = rec.state;
    st.Status = 'running';
    st.Running = true;
    st.Paused = false;
    st.Restarting = false;
    st.Dead = false;
    st.OOMKilled = false;
    st.Pid = pid;
    st.ExitCode = 0;
    st.Error = '';
    st.StartedAt = new Date().toISOString();
    await svc.store.save(rec);
    t('saved');
    svc.emit(rec, 'start');
    svc.hooks.started?.(rec);
    svc.waiters.started(id);
  } catch (e: any) {
    svc.exits.forget(id);
    for (const u of undo.reverse()) await bestEffort(u, `undoing the failed start of ${id}`);
    const msg = String(e?.message ?? e);
    // Docker keeps the container as created with the exit code the CLI maps (127, 126, 128).
    rec.state.Status = rec.state.StartedAt !== ZERO_TIME ? 'exited' : 'created';
    rec.state.Running = false;
    rec.state.Restarting = false;
    rec.state.Pid = 0;
    rec.state.ExitCode = startFailure(msg).exitCode;
    rec.state.Error = msg;
    await bestEffort(svc.store.save(rec), `saving the failed start of ${id}`);
    // Attached clients and waiters learn of the failed start; --rm containers go, as in Docker.
    svc.waiters.exited(id, rec.state.ExitCode);
    if (rec.hostConfig.AutoRemove) setImmediate(() => void bestEffort(svc.remove(id, { force: true, volumes: true }), `auto-removal of ${id}`));
    if (e instanceof RuntimeStartError) {
      const inner = msg.startsWith('runc create failed') ? msg : `runc create failed: unable to start container process: ${msg}`;
      const wrapped = `failed to create task for container: failed to create shim task: OCI runtime create failed: ${inner}: unknown`;
      const failed = startFailure(wrapped);
      throw new EngineError(failed.status, failed.message);
    }
    throw e;
  }
}

async function copyUpVolumes(svc: ContainerService, rec: ContainerRecord, rootfs: string): Promise<void> {
  for (const m of rec.mounts) {
    if (m.Type === 'volume' && m.copyUp && m.Name) {
      await svc.o.volumes.copyUpIfEmpty(m.Name, path.join(rootfs, m.Destination));
    }
  }
}
