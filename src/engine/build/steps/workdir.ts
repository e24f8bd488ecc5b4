// WORKDIR: the new working directory is created in a layer of its own (dockerd's classic
// builder commits it even when it already exists).
import { promises as fsp } from 'node:fs';
import { resolveInScope } from '../scoped-path.js';
import { cloneConfig, normalizeWorkdir, shellOf, type StageState } from '../run-config.js';
import type { BuildSession } from '../session.js';
import { commitOptions, probeCache, pseudoContainer, remember } from './commit.js';

export async function dispatchWorkdir(s: BuildSession, state: StageState, requested: string): Promise<void> {
  const rc = state.runConfig;
  rc.WorkingDir = normalizeWorkdir(rc.WorkingDir ?? '', requested);
  const containerConfig = cloneConfig(rc);
  containerConfig.Cmd = [...shellOf(rc), '#(nop) WORKDIR ' + rc.WorkingDir];
  if (await probeCache(s, state, containerConfig)) return;
  const removed = pseudoContainer(s);
  const parent = state.imageId;
  const layer = await s.backend.openLayer(parent);
  try {
    const dir = await resolveInScope(layer.root, rc.WorkingDir);
    await fsp.mkdir(dir, { recursive: true, mode: 0o755 });
    state.imageId = await layer.commit(commitOptions(state, containerConfig));
  } finally {
    await layer.release();
  }
  await remember(s, parent, state, containerConfig, state.imageId);
  removed();
}
