// The Dockerfile executor: runs the stages a target needs, one instruction at a time, with the
// image-config effects, history strings, cache behaviour and progress output of dockerd's classic
// builder (builder/dockerfile/{builder,evaluator,dispatchers,internals}.go). Engine work goes
// through a BuildBackend, so the builder never touches containers or layers directly.
//
// Where the rest is: stages.ts (which stages run), steps/from.ts (FROM), steps/dispatch.ts
// (expansion and the config-only instructions), steps/run.ts, steps/copy.ts (COPY/ADD),
// steps/workdir.ts, steps/commit.ts (cache probe and commit), session.ts (what the steps share).
import { InvalidArgumentError } from '../errors.js';
import { shortId } from '../../util/ids.js';
import { tracer } from '../../util/log.js';
import type { BuildBackend } from './backend.js';
import { argEnv, BuildArgs, unconsumedWarning } from './build-args.js';
import { readIgnorePatterns, PatternMatcher } from './dockerignore.js';
import { BuildStepError, type BuildOutput } from './output.js';
import { parseDockerfile, type InstructionOf } from './parser/index.js';
import type { BuildContextSource } from './context-spool.js';
import { BuildSession } from './session.js';
import { neededStages, selectStages } from './stages.js';
import { resolveInTree } from './source-tree.js';
import { type StageState } from './run-config.js';
import { dispatch } from './steps/dispatch.js';
import { initializeStage, newStageState } from './steps/from.js';

export interface BuildOptions {
  /** Where the build context's files are (or are extracted to by `context.materialize()`). */
  contextDir: string;
  /**
   * The received context (index + lazy extraction); default: contextDir as an extracted directory.
   * The builder may delete Dockerfile/.dockerignore from it when .dockerignore excludes them, as dockerd does.
   */
  context?: BuildContextSource;
  /** Dockerfile path inside the context (default `Dockerfile`). */
  dockerfile?: string;
  /** Dockerfile text given directly (used instead of reading `dockerfile`). */
  dockerfileContent?: string;
  tags?: string[];
  /** --build-arg; null means given without a value (`--build-arg NAME`). */
  buildArgs?: Record<string, string | null>;
  /** --label: added as LABEL instructions to the final stage. */
  labels?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  /** --cache-from: local images whose history stands in for cache entries (cache-from.ts). */
  cacheFrom?: string[];
  pull?: boolean;
  /** Remove intermediate containers after a successful step (Docker's default: true). */
  remove?: boolean;
  /** Remove intermediate containers even when a step fails. */
  forceRemove?: boolean;
  /** Network for RUN: `default`, `none`, `host` or a network name. */
  networkMode?: string;
  extraHosts?: string[];
  platform?: string;
  signal?: AbortSignal;
}

export interface BuildResult {
  /** `sha256:<hex>` of the final image. */
  imageId: string;
  /** Normalised references that were tagged. */
  tags: string[];
}

/** Normalises a -t value as Docker reports it: a missing tag becomes `:latest`. */
export function normalizeTag(ref: string): string {
  if (ref.includes('@')) return ref;
  const lastSlash = ref.lastIndexOf('/');
  return ref.slice(lastSlash + 1).includes(':') ? ref : `${ref}:latest`;
}

class Builder {
  private readonly s: BuildSession;

  constructor(backend: BuildBackend, private readonly opts: BuildOptions, output: BuildOutput) {
    this.s = new BuildSession(backend, opts, output);
  }

  async run(): Promise<BuildResult> {
    try {
      return await this.runInner();
    } finally {
      await this.s.cleanup();
    }
  }

  private async readDockerfile(): Promise<{ text: string; name: string }> {
    const name = this.opts.dockerfile || 'Dockerfile';
    if (this.opts.dockerfileContent !== undefined) return { text: this.opts.dockerfileContent, name };
    try {
      const rel = await resolveInTree(this.s.context.tree, name);
      return { text: (await this.s.context.tree.readFile(rel)).toString('utf8'), name };
    } catch {
      throw new InvalidArgumentError(`Cannot locate specified Dockerfile: ${name}`);
    }
  }

  /** dockerd drops .dockerignore and the Dockerfile from the context when .dockerignore excludes them. */
  private async removeIgnoredBuildFiles(dockerfileName: string): Promise<void> {
    let text: string;
    try {
      text = (await this.s.context.tree.readFile('.dockerignore')).toString('utf8');
    } catch {
      return;
    }
    const pm = new PatternMatcher(readIgnorePatterns(text));
    for (const f of ['.dockerignore', dockerfileName]) {
      if (pm.matchesOrParentMatches(f)) await this.s.context.remove(f);
    }
  }

  private async runInner(): Promise<BuildResult> {
    const s = this.s;
    const { text, name } = await this.readDockerfile();
    const parsed = parseDockerfile(text, name);
    if (this.opts.dockerfileContent === undefined) await this.removeIgnoredBuildFiles(name);
    s.escapeToken = parsed.escapeToken;
    const { stages, targetIndex, indexByName } = selectStages(parsed.stages, this.opts.target, this.opts.labels);
    s.stageIndexByName = indexByName;

    for (const w of parsed.warnings) s.write(`[WARNING]: ${w.short}\n`);
    if (parsed.warnings.length) s.write('[WARNING]: Empty continuation lines will become errors in a future release.\n');

    const buildArgs = new BuildArgs(new Map(Object.entries(this.opts.buildArgs ?? {})));
    // Meta args are processed first so FROM lines and dependency analysis can use them.
    const metaLex = s.lex;
    const processMeta = (a: InstructionOf<'arg'>): void => {
      const env = argEnv(buildArgs.allAllowed());
      for (const def of a.args) {
        const key = s.expand(metaLex, def.key, env);
        const value = def.value === undefined ? undefined : s.expand(metaLex, def.value, env);
        buildArgs.addArg(key, value);
        buildArgs.addMetaArg(key, value);
      }
    };
    const needed = neededStages(s, stages, parsed.metaArgs, targetIndex);
    const total = parsed.metaArgs.length + stages.reduce((n, st, i) => (needed.has(i) ? n + 1 + st.commands.length : n), 0);
    let step = 1;
    const printStep = (code: string): void => {
      s.write(`Step ${step++}/${total} : ${code}`);
      s.write('\n');
    };
    for (const a of parsed.metaArgs) {
      printStep(a.code);
      processMeta(a);
    }

    let state: StageState | undefined;
    for (let i = 0; i < stages.length; i++) {
      if (!needed.has(i)) continue;
      const stage = stages[i];
      s.currentStageIndex = i;
      state = newStageState(buildArgs, stage);
      printStep(stage.code);
      await initializeStage(s, state, stage);
      state.runConfig.Image = state.imageId;
      s.write(` ---> ${shortId(state.imageId)}\n`);
      for (const cmd of stage.commands) {
        if (this.opts.signal?.aborted) {
          s.write('Build cancelled\n');
          throw new BuildStepError('Build cancelled');
        }
        printStep(cmd.code);
        const t = tracer('build step', cmd.code.slice(0, 30));
        await dispatch(s, state, cmd);
        t('done');
        state.runConfig.Image = state.imageId;
        s.write(` ---> ${shortId(state.imageId)}\n`);
      }
      if (state.imageId) s.out({ aux: { ID: state.imageId } });
      buildArgs.mergeReferenced(state.buildArgs);
      s.stageImages.set(i, state.imageId);
    }
    const warning = unconsumedWarning(buildArgs.unconsumed());
    if (warning) s.write(warning);
    if (!state || !state.imageId) throw new BuildStepError('No image was generated. Is your Dockerfile empty?');

    const imageId = state.imageId;
    s.write(`Successfully built ${shortId(imageId)}\n`);
    const tags: string[] = [];
    for (const t of this.opts.tags ?? []) {
      const ref = normalizeTag(t);
      await s.backend.tag(imageId, ref);
      tags.push(ref);
      s.write(`Successfully tagged ${ref}\n`);
    }
    return { imageId, tags };
  }
}

/** Runs a classic-builder build. Progress goes to `output`; failures reject (see output.ts for the stream's error message). */
export async function build(backend: BuildBackend, opts: BuildOptions, output: BuildOutput): Promise<BuildResult> {
  return new Builder(backend, opts, output).run();
}
