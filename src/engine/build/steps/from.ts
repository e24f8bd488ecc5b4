// FROM: a stage starts from an earlier stage, scratch or an image (pulled with --pull or when
// missing), with dockerd's PATH default, and runs the base image's ONBUILD triggers.
import { InvalidArgumentError } from '../../errors.js';
import type { BaseImage } from '../backend.js';
import { argEnv, type BuildArgs } from '../build-args.js';
import { DEFAULT_PATH } from '../config-rules.js';
import { parseSingleInstruction, type Instruction, type Stage } from '../parser/index.js';
import { cloneConfig, type StageState } from '../run-config.js';
import type { BuildSession } from '../session.js';
import { dispatch } from './dispatch.js';

export function newStageState(buildArgs: BuildArgs, stage: Stage): StageState {
  return {
    runConfig: {},
    imageId: '',
    cmdSet: false,
    stageName: stage.name,
    buildArgs: buildArgs.forNewStage(),
    os: 'linux',
    platform: '',
    cacheBusted: false,
    hasFrom: false,
  };
}

function scratchImage(): BaseImage {
  return { id: '', config: {}, os: 'linux', architecture: '' };
}

export async function initializeStage(s: BuildSession, state: StageState, stage: Stage): Promise<void> {
  const metaEnv = argEnv(state.buildArgs.allMeta());
  let platform = s.opts.platform ?? '';
  if (stage.platform) platform = s.expand(s.lex, stage.platform, metaEnv);
  const name = s.expand(s.lex, stage.baseName, metaEnv);
  if (name === '') throw new InvalidArgumentError(`base name (${stage.baseName}) should not be blank`);
  let img: BaseImage;
  const stageIdx = s.stageIndexByName.get(name.toLowerCase());
  if (stageIdx !== undefined && s.stageImages.has(stageIdx)) {
    const id = s.stageImages.get(stageIdx)!;
    img = id === '' ? scratchImage() : await s.backend.getImage(id, { pull: false });
  } else if (name === 'scratch') {
    img = scratchImage();
  } else {
    img = await s.backend.getImage(name, { pull: !!s.opts.pull, platform: platform || undefined, onProgress: (l) => s.write(l) });
  }
  state.imageId = img.id;
  state.hasFrom = true;
  state.os = img.os || 'linux';
  state.platform = platform;
  state.runConfig = cloneConfig(img.config ?? {});
  const env = state.runConfig.Env ?? [];
  if (!env.some((e) => e.split('=', 1)[0] === 'PATH')) state.runConfig.Env = [...env, `PATH=${DEFAULT_PATH}`];
  state.runConfig.OpenStdin = false;
  state.runConfig.StdinOnce = false;
  const triggers = state.runConfig.OnBuild ?? [];
  if (triggers.length) {
    state.runConfig.OnBuild = null;
    s.write(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
    for (const t of triggers) {
      state.runConfig.Image = state.imageId;
      let cmd: Instruction;
      try {
        cmd = parseSingleInstruction(t);
      } catch (e: any) {
        throw new InvalidArgumentError(e.message);
      }
      await dispatch(s, state, cmd);
    }
  }
}
