// How a step becomes an image, as the classic builder's internals.go does it: probe the cache
// with the step's container_config, commit, remember the cache entry. Config-only steps (ENV,
// LABEL, CMD …) commit here directly; RUN, COPY/ADD and WORKDIR use the same probe and entries.
import { newId, shortId } from '../../../util/ids.js';
import type { CommitOptions, RunConfig } from '../backend.js';
import { cacheKey } from '../cache-key.js';
import { cloneConfig, shellOf, type StageState } from '../run-config.js';
import type { BuildSession } from '../session.js';

/** A cache hit moves the stage to the cached image; a miss busts the cache for the rest of the stage. */
export async function probeCache(s: BuildSession, state: StageState, containerConfig: RunConfig): Promise<boolean> {
  if (s.opts.noCache || state.cacheBusted) return false;
  const key = cacheKey(state.imageId, containerConfig, state.platform);
  let hit = await s.backend.cache.get(key);
  if ((!hit || !(await s.backend.hasImage(hit))) && s.opts.cacheFrom?.length && s.backend.cacheFromHit) {
    hit = await s.backend.cacheFromHit(state.imageId, s.opts.cacheFrom, commitOptions(state, containerConfig));
    if (hit) await s.backend.cache.put(key, hit);
  }
  if (!hit || !(await s.backend.hasImage(hit))) {
    state.cacheBusted = true;
    return false;
  }
  s.write(' ---> Using cache\n');
  state.imageId = hit;
  return true;
}

export async function remember(s: BuildSession, parent: string, state: StageState, containerConfig: RunConfig, imageId: string): Promise<void> {
  await s.backend.cache.put(cacheKey(parent, containerConfig, state.platform), imageId);
}

export function commitOptions(state: StageState, containerConfig: RunConfig): CommitOptions {
  return {
    config: cloneConfig(state.runConfig),
    containerConfig,
    createdBy: (containerConfig.Cmd ?? []).join(' '),
    author: state.maintainer,
  };
}

/**
 * dockerd creates (but never starts) a container for config-only and WORKDIR steps; berth
 * creates none and prints the same progress lines. Returns the line for after the commit.
 */
export function pseudoContainer(s: BuildSession): () => void {
  const id = newId();
  s.write(` ---> Running in ${shortId(id)}\n`);
  return () => {
    if (s.removesIntermediate) s.write(`Removing intermediate container ${shortId(id)}\n`);
  };
}

/** A config-only step: `#(nop)` description, cache probe, config-only child image. */
export async function commitConfigStep(s: BuildSession, state: StageState, comment: string): Promise<void> {
  const containerConfig = cloneConfig(state.runConfig);
  containerConfig.Cmd = [...shellOf(state.runConfig), '#(nop) ', comment];
  if (await probeCache(s, state, containerConfig)) return;
  const removed = pseudoContainer(s);
  const parent = state.imageId;
  state.imageId = await s.backend.commitConfig(parent, commitOptions(state, containerConfig));
  await remember(s, parent, state, containerConfig, state.imageId);
  removed();
}
