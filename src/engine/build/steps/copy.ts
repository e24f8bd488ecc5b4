// COPY and ADD: sources from the context, another stage or image (`--from`), URLs (ADD) and
// heredocs, hashed for the cache key, written into a layer over the stage's image.
import { InvalidArgumentError, NotFoundError } from '../../errors.js';
import { tracer } from '../../../util/log.js';
import type { BaseImage } from '../backend.js';
import {
  collectLocalSources, CopyError, downloadSource, heredocSources, isUrl, normalizeDest, parseChmod,
  performCopy, resolveChown, sourceHash, type CopyInfo, type Identity,
} from '../copy.js';
import type { InstructionOf } from '../parser/index.js';
import { cloneConfig, shellOf, type StageState } from '../run-config.js';
import { BUILDKIT_ONLY, type BuildSession } from '../session.js';
import { commitOptions, probeCache, remember } from './commit.js';

/** The root `--from` names: an earlier stage (by name or index), or an image. */
async function sourceForFrom(s: BuildSession, from: string): Promise<{ root: string; release(): Promise<void> }> {
  let imageRef = from;
  const idx = s.stageIndexByName.get(from.toLowerCase());
  if (idx !== undefined && s.stageImages.has(idx)) {
    imageRef = s.stageImages.get(idx)!;
  } else if (/^-?\d+$/.test(from)) {
    const i = Number(from);
    if (i === s.currentStageIndex) throw new InvalidArgumentError(`invalid from flag value ${from}: refers to current build stage`);
    if (i < 0 || i > s.currentStageIndex) throw new InvalidArgumentError(`invalid from flag value ${from}: index out of bounds`);
    imageRef = s.stageImages.get(i) ?? '';
  }
  if (imageRef === '') return { root: await s.emptyDir(), release: async () => {} };
  let image: BaseImage;
  try {
    image = await s.backend.getImage(imageRef, { pull: false });
  } catch (e: any) {
    if (e instanceof NotFoundError || e instanceof Error) throw new InvalidArgumentError(`invalid from flag value ${from}: ${e.message}`);
    throw e;
  }
  return s.backend.mountImage(image.id);
}

function wrapCopy<T>(cmdName: string, fn: () => T): T {
  try {
    return fn();
  } catch (e: any) {
    if (e instanceof CopyError) throw new InvalidArgumentError(`${cmdName} failed: ${e.message}`);
    throw e;
  }
}

async function wrapCopyAsync<T>(cmdName: string, fn: () => Promise<T>, bare = false, prefix?: string): Promise<T> {
  try {
    return await fn();
  } catch (e: any) {
    if (e instanceof CopyError) {
      if (bare) throw new InvalidArgumentError(e.message);
      throw new InvalidArgumentError(prefix ? `${prefix}: ${e.message}` : `${cmdName} failed: ${e.message}`);
    }
    throw e;
  }
}

export async function dispatchCopy(s: BuildSession, state: StageState, cmd: InstructionOf<'copy'> | InstructionOf<'add'>): Promise<void> {
  const cmdName = cmd.name === 'copy' ? 'COPY' : 'ADD';
  const from = cmd.name === 'copy' ? cmd.from : '';
  if (cmd.name === 'copy' && cmd.parents) throw new InvalidArgumentError(BUILDKIT_ONLY('parents'));
  if (cmd.excludes.length) throw new InvalidArgumentError(BUILDKIT_ONLY('exclude'));
  const mode = cmd.chmod ? wrapCopy(cmdName, () => parseChmod(cmd.chmod)) : undefined;

  const source = from ? await sourceForFrom(s, from) : { root: s.opts.contextDir, release: async () => {} };
  try {
    const infos: CopyInfo[] = [];
    const tmp = await s.emptyDir();
    await wrapCopyAsync(cmdName, async () => {
      for (const src of cmd.sources) {
        if (isUrl(src)) {
          if (cmd.name === 'copy') throw new CopyError("source can't be a URL for COPY");
          infos.push(await downloadSource(src, cmd.dest, tmp, cmd.checksum));
        } else {
          if (cmd.name === 'add' && cmd.checksum) throw new CopyError('checksum can\'t be specified for non-HTTP(S) sources');
          infos.push(...(await collectLocalSources(source.root, [src], !!from, from ? undefined : s.context.tree)));
        }
      }
      infos.push(...(await heredocSources(tmp, cmd.contents)));
      if (!infos.length) throw new CopyError('no source files were specified');
    });
    if (infos.length > 1 && !cmd.dest.endsWith('/')) {
      throw new InvalidArgumentError(`When using ${cmdName} with more than one source file, the destination must be a directory and end with a /`);
    }
    const chownComment = cmd.chown ? `--chown=${cmd.chown} ` : '';
    const chmodComment = cmd.chmod ? `--chmod=${cmd.chmod} ` : '';
    const comment = `${cmdName} ${chownComment}${chmodComment}${sourceHash(infos)} in ${cmd.dest} `;
    const containerConfig = cloneConfig(state.runConfig);
    containerConfig.Cmd = [...shellOf(state.runConfig), '#(nop) ' + comment];
    if (await probeCache(s, state, containerConfig)) return;

    // COPY reads context files straight from the received context (written once, into the
    // layer); ADD may unpack local archives, which needs them extracted on disk.
    const fromContext = (info: CopyInfo): boolean => !from && info.root === s.opts.contextDir;
    const direct = cmd.name === 'copy';
    if (!direct && infos.some(fromContext)) await s.context.materialize();
    const parent = state.imageId;
    const t = tracer('copy', cmd.dest);
    const layer = await s.backend.openLayer(parent);
    t('layer opened');
    try {
      const dest = normalizeDest(state.runConfig.WorkingDir ?? '', cmd.dest);
      let identity: Identity | undefined = { uid: 0, gid: 0 };
      if (cmd.chown) identity = await wrapCopyAsync(cmdName, () => resolveChown(layer.root, cmd.chown), true);
      else if (from) identity = undefined;
      for (const info of infos) {
        await wrapCopyAsync(
          cmdName,
          () => performCopy(layer.root, dest, info, { identity, mode, decompress: cmd.name === 'add' }, direct && fromContext(info) ? s.context.tree : undefined),
          false,
          'failed to copy files',
        );
      }
      t('copied');
      state.imageId = await layer.commit(commitOptions(state, containerConfig));
      t('committed');
    } finally {
      await layer.release();
    }
    await remember(s, parent, state, containerConfig, state.imageId);
  } finally {
    await source.release();
  }
}
