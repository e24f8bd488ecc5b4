// The Dockerfile executor: runs the stages a target needs, one instruction at a time, with the
// image-config effects, history strings, cache behaviour and progress output of dockerd's classic
// builder (builder/dockerfile/{builder,evaluator,dispatchers,internals}.go). Engine work goes
// through a BuildBackend, so this file never touches containers or layers directly.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { newId, shortId } from '../../util/ids.js';
import { tracer } from '../../util/log.js';
import { removeTree } from '../../util/remove-tree.js';
import type { BaseImage, BuildBackend, CommitOptions, RunConfig } from './backend.js';
import { BuildArgs, unconsumedWarning } from './build-args.js';
import { cacheKey } from './cache-key.js';
import { DEFAULT_PATH, exposedPortKeys, validateSignal } from './config-rules.js';
import {
  collectLocalSources, CopyError, downloadSource, heredocSources, isUrl, makeTempDir, normalizeDest, parseChmod,
  performCopy, resolveChown, sourceHash, type CopyInfo, type Identity,
} from './copy.js';
import { readIgnorePatterns, PatternMatcher } from './dockerignore.js';
import { formatGoDuration, goQuoteSlice, goSlice } from './go-format.js';
import { BuildStepError, stderrStream, type BuildOutput } from './output.js';
import {
  parseDockerfile, parseHeredoc, parseSingleInstruction, chompHeredocContent, DockerfileParseError,
  type CmdLine, type HealthConfig, type Instruction, type InstructionOf, type Stage,
} from './parser/index.js';
import { directoryContext, type BuildContextSource } from './context-spool.js';
import { resolveInScope } from './scoped-path.js';
import { resolveInTree } from './source-tree.js';
import { envFromList, ShellLex, type EnvGetter } from './shell-lex.js';

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

const DEFAULT_SHELL = ['/bin/sh', '-c'];
const BUILDKIT_ONLY = (flag: string): string =>
  `the --${flag} option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled`;

interface StageState {
  runConfig: RunConfig;
  imageId: string;
  maintainer?: string;
  cmdSet: boolean;
  stageName: string;
  buildArgs: BuildArgs;
  os: string;
  platform: string;
  cacheBusted: boolean;
  hasFrom: boolean;
}

/** Normalises a -t value as Docker reports it: a missing tag becomes `:latest`. */
export function normalizeTag(ref: string): string {
  if (ref.includes('@')) return ref;
  const lastSlash = ref.lastIndexOf('/');
  return ref.slice(lastSlash + 1).includes(':') ? ref : `${ref}:latest`;
}

function cloneConfig(c: RunConfig): RunConfig {
  const out: RunConfig = { ...c };
  for (const k of ['Cmd', 'Env', 'Entrypoint', 'OnBuild', 'Shell'] as const) {
    const v = c[k];
    if (Array.isArray(v)) out[k] = [...v];
  }
  for (const k of ['Volumes', 'ExposedPorts', 'Labels'] as const) {
    const v = c[k];
    if (v && typeof v === 'object') out[k] = { ...v } as never;
  }
  if (c.Healthcheck) out.Healthcheck = { ...c.Healthcheck, Test: [...c.Healthcheck.Test] };
  return out;
}

const shellOf = (c: RunConfig): string[] => (c.Shell && c.Shell.length ? [...c.Shell] : [...DEFAULT_SHELL]);

/** Docker's HEALTHCHECK history text: Go's `%+v` of *HealthConfig. */
function formatHealth(h: HealthConfig): string {
  const d = (n?: number): string => formatGoDuration(n ?? 0);
  return `&{Test:${goSlice(h.Test)} Interval:${d(h.Interval)} Timeout:${d(h.Timeout)} StartPeriod:${d(h.StartPeriod)} StartInterval:${d(h.StartInterval)} Retries:${h.Retries ?? 0}}`;
}

/** The stored form: zero durations and retries are omitted, as Go's omitempty does. */
function storedHealth(h: HealthConfig): HealthConfig {
  const out: HealthConfig = { Test: [...h.Test] };
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) if (h[k]) out[k] = h[k];
  return out;
}

function normalizeWorkdir(current: string, requested: string): string {
  if (requested === '') throw new InvalidArgumentError('cannot normalize nothing');
  if (!requested.startsWith('/')) return path.posix.join('/', current || '', requested);
  return path.posix.normalize(requested).replace(/(.)\/+$/, '$1');
}

export class Builder {
  private readonly out: BuildOutput;
  private readonly lexCache = new Map<string, ShellLex>();
  private escapeToken = '\\';
  private readonly stageImages = new Map<number, string>();
  private stageIndexByName = new Map<string, number>();
  private currentStageIndex = 0;
  private tempDirs: string[] = [];

  constructor(
    private readonly backend: BuildBackend,
    private readonly opts: BuildOptions,
    output: BuildOutput,
  ) {
    this.out = output;
  }

  private write(text: string): void {
    this.out({ stream: text });
  }

  private get lex(): ShellLex {
    let l = this.lexCache.get(this.escapeToken);
    if (!l) this.lexCache.set(this.escapeToken, (l = new ShellLex(this.escapeToken)));
    return l;
  }

  async run(): Promise<BuildResult> {
    try {
      return await this.runInner();
    } finally {
      for (const d of this.tempDirs) await removeTree(d);
    }
  }

  private get context(): BuildContextSource {
    return (this.opts.context ??= directoryContext(this.opts.contextDir));
  }

  private async readDockerfile(): Promise<{ text: string; name: string }> {
    const name = this.opts.dockerfile || 'Dockerfile';
    if (this.opts.dockerfileContent !== undefined) return { text: this.opts.dockerfileContent, name };
    try {
      const rel = await resolveInTree(this.context.tree, name);
      return { text: (await this.context.tree.readFile(rel)).toString('utf8'), name };
    } catch {
      throw new InvalidArgumentError(`Cannot locate specified Dockerfile: ${name}`);
    }
  }

  /** dockerd drops .dockerignore and the Dockerfile from the context when .dockerignore excludes them. */
  private async removeIgnoredBuildFiles(dockerfileName: string): Promise<void> {
    let text: string;
    try {
      text = (await this.context.tree.readFile('.dockerignore')).toString('utf8');
    } catch {
      return;
    }
    const pm = new PatternMatcher(readIgnorePatterns(text));
    for (const f of ['.dockerignore', dockerfileName]) {
      if (pm.matchesOrParentMatches(f)) await this.context.remove(f);
    }
  }

  private async runInner(): Promise<BuildResult> {
    const { text, name } = await this.readDockerfile();
    const parsed = parseDockerfile(text, name);
    if (this.opts.dockerfileContent === undefined) await this.removeIgnoredBuildFiles(name);
    this.escapeToken = parsed.escapeToken;
    let stages = parsed.stages;

    const seen = new Set<string>();
    for (const s of stages) {
      if (s.name && seen.has(s.name)) throw new InvalidArgumentError(`${s.name} stage name already used`);
      if (s.name) seen.add(s.name);
    }
    let targetIndex = stages.length - 1;
    if (this.opts.target) {
      targetIndex = stages.findIndex((s) => s.name === this.opts.target!.toLowerCase());
      if (targetIndex < 0) throw new InvalidArgumentError(`target stage "${this.opts.target}" could not be found`);
    }
    stages = stages.slice(0, targetIndex + 1);
    stages[targetIndex] = this.withLabelOptions(stages[targetIndex]);
    this.stageIndexByName = new Map(stages.map((s, i) => [s.name, i] as [string, number]).filter(([n]) => n !== ''));

    for (const w of parsed.warnings) this.write(`[WARNING]: ${w.short}\n`);
    if (parsed.warnings.length) this.write('[WARNING]: Empty continuation lines will become errors in a future release.\n');

    const buildArgs = new BuildArgs(new Map(Object.entries(this.opts.buildArgs ?? {})));
    // Meta args are processed first so FROM lines and dependency analysis can use them.
    const metaLex = this.lex;
    const processMeta = (a: InstructionOf<'arg'>): void => {
      const env = envFromList([...buildArgs.allAllowed()].map(([k, v]) => `${k}=${v}`));
      for (const def of a.args) {
        const key = this.expand(metaLex, def.key, env);
        const value = def.value === undefined ? undefined : this.expand(metaLex, def.value, env);
        buildArgs.addArg(key, value);
        buildArgs.addMetaArg(key, value);
      }
    };
    const needed = this.neededStages(stages, parsed.metaArgs, targetIndex);
    const total = parsed.metaArgs.length + stages.reduce((n, s, i) => (needed.has(i) ? n + 1 + s.commands.length : n), 0);
    let step = 1;
    const printStep = (code: string): void => {
      this.write(`Step ${step++}/${total} : ${code}`);
      this.write('\n');
    };
    for (const a of parsed.metaArgs) {
      printStep(a.code);
      processMeta(a);
    }

    let state: StageState | undefined;
    for (let i = 0; i < stages.length; i++) {
      if (!needed.has(i)) continue;
      const stage = stages[i];
      this.currentStageIndex = i;
      state = this.newState(buildArgs, stage);
      printStep(stage.code);
      await this.initializeStage(state, stage);
      state.runConfig.Image = state.imageId;
      this.write(` ---> ${shortId(state.imageId)}\n`);
      for (const cmd of stage.commands) {
        if (this.opts.signal?.aborted) {
          this.write('Build cancelled\n');
          throw new BuildStepError('Build cancelled');
        }
        printStep(cmd.code);
        const t = tracer('build step', cmd.code.slice(0, 30));
        await this.dispatch(state, cmd);
        t('done');
        state.runConfig.Image = state.imageId;
        this.write(` ---> ${shortId(state.imageId)}\n`);
      }
      if (state.imageId) this.out({ aux: { ID: state.imageId } });
      buildArgs.mergeReferenced(state.buildArgs);
      this.stageImages.set(i, state.imageId);
    }
    const warning = unconsumedWarning(buildArgs.unconsumed());
    if (warning) this.write(warning);
    if (!state || !state.imageId) throw new BuildStepError('No image was generated. Is your Dockerfile empty?');

    const imageId = state.imageId;
    this.write(`Successfully built ${shortId(imageId)}\n`);
    const tags: string[] = [];
    for (const t of this.opts.tags ?? []) {
      const ref = normalizeTag(t);
      await this.backend.tag(imageId, ref);
      tags.push(ref);
      this.write(`Successfully tagged ${ref}\n`);
    }
    return { imageId, tags };
  }

  private withLabelOptions(stage: Stage): Stage {
    const labels = this.opts.labels ?? {};
    const keys = Object.keys(labels).sort();
    if (!keys.length) return stage;
    const extra: Instruction[] = keys.map((k) => ({
      name: 'label' as const,
      code: `LABEL ${k}=${labels[k]}`,
      line: 0,
      endLine: 0,
      labels: [{ key: k, value: labels[k] }],
      noExpand: true,
    }));
    return { ...stage, commands: [...stage.commands, ...extra] };
  }

  /** The target and every earlier stage it reaches through FROM <stage> or COPY --from. */
  private neededStages(stages: Stage[], metaArgs: InstructionOf<'arg'>[], target: number): Set<number> {
    const meta = new BuildArgs(new Map(Object.entries(this.opts.buildArgs ?? {})));
    for (const a of metaArgs) {
      for (const d of a.args) {
        try {
          const env = envFromList([...meta.allMeta()].map(([k, v]) => `${k}=${v}`));
          const v = d.value === undefined ? undefined : this.lex.processWord(d.value, env);
          meta.addMetaArg(d.key, v);
        } catch {}
      }
    }
    const metaEnv = envFromList([...meta.allMeta()].map(([k, v]) => `${k}=${v}`));
    const needed = new Set<number>();
    const visit = (i: number): void => {
      if (needed.has(i)) return;
      needed.add(i);
      // FROM refers to earlier stages by name only; COPY --from also by index.
      try {
        const base = this.stageIndexByName.get(this.lex.processWord(stages[i].baseName, metaEnv).toLowerCase());
        if (base !== undefined && base < i) visit(base);
      } catch {}
      for (const c of stages[i].commands) {
        if (c.name !== 'copy' || !c.from) continue;
        const byName = this.stageIndexByName.get(c.from.toLowerCase());
        if (byName !== undefined && byName < i) visit(byName);
        else if (/^\d+$/.test(c.from) && Number(c.from) < i) visit(Number(c.from));
      }
    };
    visit(target);
    return needed;
  }

  private newState(buildArgs: BuildArgs, stage: Stage): StageState {
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

  private expand(lex: ShellLex, word: string, env: EnvGetter): string {
    try {
      return lex.processWord(word, env);
    } catch (e: any) {
      throw new InvalidArgumentError(e.message);
    }
  }

  // ---- FROM ----------------------------------------------------------------------------------

  private async initializeStage(state: StageState, stage: Stage): Promise<void> {
    const metaEnv = envFromList([...state.buildArgs.allMeta()].map(([k, v]) => `${k}=${v}`));
    let platform = this.opts.platform ?? '';
    if (stage.platform) platform = this.expand(this.lex, stage.platform, metaEnv);
    const name = this.expand(this.lex, stage.baseName, metaEnv);
    if (name === '') throw new InvalidArgumentError(`base name (${stage.baseName}) should not be blank`);
    let img: BaseImage;
    const stageIdx = this.stageIndexByName.get(name.toLowerCase());
    if (stageIdx !== undefined && this.stageImages.has(stageIdx)) {
      const id = this.stageImages.get(stageIdx)!;
      img = id === '' ? scratchImage() : await this.backend.getImage(id, { pull: false });
    } else if (name === 'scratch') {
      img = scratchImage();
    } else {
      img = await this.backend.getImage(name, { pull: !!this.opts.pull, platform: platform || undefined, onProgress: (l) => this.write(l) });
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
      this.write(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
      for (const t of triggers) {
        state.runConfig.Image = state.imageId;
        let cmd: Instruction;
        try {
          cmd = parseSingleInstruction(t);
        } catch (e: any) {
          throw new InvalidArgumentError(e.message);
        }
        await this.dispatch(state, cmd);
      }
    }
  }

  // ---- dispatch ------------------------------------------------------------------------------

  private envFor(state: StageState): EnvGetter {
    const env = state.runConfig.Env ?? [];
    return envFromList([...env, ...state.buildArgs.filterAllowed(env)]);
  }

  /** Single-word expansion of the arguments each instruction expands (Docker's Expand methods). */
  private expandInstruction(state: StageState, cmd: Instruction): Instruction {
    const env = this.envFor(state);
    const x = (w: string): string => this.expand(this.lex, w, env);
    switch (cmd.name) {
      case 'env':
        return { ...cmd, env: cmd.env.map((kv) => ({ key: x(kv.key), value: x(kv.value) })) };
      case 'label':
        if (cmd.noExpand) return cmd;
        return { ...cmd, labels: cmd.labels.map((kv) => ({ key: x(kv.key), value: x(kv.value) })) };
      case 'add':
      case 'copy': {
        const raw = new ShellLex('\\', { skipProcessQuotes: true });
        const contents = cmd.contents.map((c) => (c.expand ? { ...c, data: this.expand(raw, c.data, env) } : c));
        const common = { sources: cmd.sources.map(x), dest: x(cmd.dest), chown: x(cmd.chown), chmod: x(cmd.chmod), contents };
        return cmd.name === 'add' ? { ...cmd, ...common, checksum: x(cmd.checksum) } : { ...cmd, ...common };
      }
      case 'workdir':
        return { ...cmd, path: x(cmd.path) };
      case 'user':
        return { ...cmd, user: x(cmd.user) };
      case 'volume':
        return { ...cmd, volumes: cmd.volumes.map(x) };
      case 'stopsignal':
        return { ...cmd, signal: x(cmd.signal) };
      case 'arg':
        return { ...cmd, args: cmd.args.map((a) => ({ key: x(a.key), value: a.value === undefined ? undefined : x(a.value) })) };
      case 'expose': {
        const ports: string[] = [];
        for (const p of cmd.ports) {
          try {
            ports.push(...this.lex.processWords(p, env));
          } catch (e: any) {
            throw new InvalidArgumentError(e.message);
          }
        }
        return { ...cmd, ports };
      }
      default:
        return cmd;
    }
  }

  private async dispatch(state: StageState, raw: Instruction): Promise<void> {
    const cmd = this.expandInstruction(state, raw);
    const rc = state.runConfig;
    switch (cmd.name) {
      case 'env': {
        let msg = 'ENV';
        const env = [...(rc.Env ?? [])];
        for (const { key, value } of cmd.env) {
          const nv = `${key}=${value}`;
          msg += ' ' + nv;
          const i = env.findIndex((e) => e.split('=', 1)[0] === key);
          if (i >= 0) env[i] = nv;
          else env.push(nv);
        }
        rc.Env = env;
        return this.commit(state, msg);
      }
      case 'maintainer':
        state.maintainer = cmd.maintainer;
        return this.commit(state, 'MAINTAINER ' + cmd.maintainer);
      case 'label': {
        rc.Labels = { ...(rc.Labels ?? {}) };
        let msg = 'LABEL';
        for (const { key, value } of cmd.labels) {
          rc.Labels[key] = value;
          msg += ` ${key}=${value}`;
        }
        return this.commit(state, msg);
      }
      case 'add':
      case 'copy':
        return this.dispatchCopy(state, cmd);
      case 'onbuild':
        rc.OnBuild = [...(rc.OnBuild ?? []), cmd.expression];
        return this.commit(state, 'ONBUILD ' + cmd.expression);
      case 'workdir':
        return this.dispatchWorkdir(state, cmd.path);
      case 'run':
        return this.dispatchRun(state, cmd);
      case 'cmd': {
        const c = this.resolveCmdLine(cmd.cmd, rc);
        rc.Cmd = c;
        delete rc.ArgsEscaped;
        await this.commit(state, `CMD ${goQuoteSlice(c ?? [])}`);
        if (cmd.cmd.cmdLine && cmd.cmd.cmdLine.length) state.cmdSet = true;
        return;
      }
      case 'entrypoint': {
        const c = cmd.cmd.cmdLine && cmd.cmd.cmdLine.length ? this.resolveCmdLine(cmd.cmd, rc) : null;
        rc.Entrypoint = c;
        delete rc.ArgsEscaped;
        if (!state.cmdSet) rc.Cmd = null;
        return this.commit(state, `ENTRYPOINT ${goQuoteSlice(c ?? [])}`);
      }
      case 'healthcheck': {
        const old = rc.Healthcheck?.Test;
        if (old && old.length && old[0] !== 'NONE') this.write(`Note: overriding previous HEALTHCHECK: ${goSlice(old)}\n`);
        rc.Healthcheck = storedHealth(cmd.health);
        return this.commit(state, `HEALTHCHECK ${formatHealth(cmd.health)}`);
      }
      case 'expose': {
        const ports: Record<string, object> = { ...(rc.ExposedPorts ?? {}) };
        for (const p of cmd.ports) {
          try {
            for (const k of exposedPortKeys(p)) ports[k] = {};
          } catch (e: any) {
            throw new InvalidArgumentError(e.message);
          }
        }
        rc.ExposedPorts = ports;
        return this.commit(state, 'EXPOSE ' + cmd.ports.join(' '));
      }
      case 'user':
        rc.User = cmd.user;
        return this.commit(state, `USER ${cmd.user}`);
      case 'volume': {
        rc.Volumes = { ...(rc.Volumes ?? {}) };
        for (const v of cmd.volumes) {
          if (v === '') throw new InvalidArgumentError('VOLUME specified can not be an empty string');
          rc.Volumes[v] = {};
        }
        return this.commit(state, `VOLUME ${goSlice(cmd.volumes)}`);
      }
      case 'stopsignal':
        try {
          validateSignal(cmd.signal);
        } catch (e: any) {
          throw new InvalidArgumentError(e.message);
        }
        rc.StopSignal = cmd.signal;
        return this.commit(state, `STOPSIGNAL ${cmd.signal}`);
      case 'arg': {
        const parts: string[] = [];
        for (const a of cmd.args) {
          parts.push(a.value === undefined ? a.key : `${a.key}=${a.value}`);
          state.buildArgs.addArg(a.key, a.value);
        }
        return this.commit(state, 'ARG ' + parts.join(' '));
      }
      case 'shell':
        rc.Shell = [...cmd.shell];
        return this.commit(state, `SHELL ${goSlice(cmd.shell)}`);
    }
  }

  /** resolveCmdLine: shell form gets the current SHELL prepended. */
  private resolveCmdLine(c: CmdLine, rc: RunConfig): string[] {
    return c.prependShell ? [...shellOf(rc), ...c.cmdLine] : [...c.cmdLine];
  }

  // ---- cache ---------------------------------------------------------------------------------

  private async probeCache(state: StageState, containerConfig: RunConfig): Promise<boolean> {
    if (this.opts.noCache || state.cacheBusted) return false;
    const key = cacheKey(state.imageId, containerConfig, state.platform);
    const hit = await this.backend.cache.get(key);
    if (!hit || !(await this.backend.hasImage(hit))) {
      state.cacheBusted = true;
      return false;
    }
    this.write(' ---> Using cache\n');
    state.imageId = hit;
    return true;
  }

  private async remember(parent: string, state: StageState, containerConfig: RunConfig, imageId: string): Promise<void> {
    await this.backend.cache.put(cacheKey(parent, containerConfig, state.platform), imageId);
  }

  private commitOptions(state: StageState, containerConfig: RunConfig): CommitOptions {
    return {
      config: cloneConfig(state.runConfig),
      containerConfig,
      createdBy: (containerConfig.Cmd ?? []).join(' '),
      author: state.maintainer,
    };
  }

  /** A config-only step: `#(nop)` description, cache probe, config-only child image. */
  private async commit(state: StageState, comment: string): Promise<void> {
    const containerConfig = cloneConfig(state.runConfig);
    containerConfig.Cmd = [...shellOf(state.runConfig), '#(nop) ', comment];
    if (await this.probeCache(state, containerConfig)) return;
    // dockerd creates (but never starts) a container for these steps; the progress lines are kept.
    const pseudoContainer = newId();
    this.write(` ---> Running in ${shortId(pseudoContainer)}\n`);
    const parent = state.imageId;
    state.imageId = await this.backend.commitConfig(parent, this.commitOptions(state, containerConfig));
    await this.remember(parent, state, containerConfig, state.imageId);
    if (this.opts.remove !== false || this.opts.forceRemove) this.write(`Removing intermediate container ${shortId(pseudoContainer)}\n`);
  }

  // ---- WORKDIR -------------------------------------------------------------------------------

  private async dispatchWorkdir(state: StageState, requested: string): Promise<void> {
    const rc = state.runConfig;
    rc.WorkingDir = normalizeWorkdir(rc.WorkingDir ?? '', requested);
    const containerConfig = cloneConfig(rc);
    containerConfig.Cmd = [...shellOf(rc), '#(nop) WORKDIR ' + rc.WorkingDir];
    if (await this.probeCache(state, containerConfig)) return;
    const pseudoContainer = newId();
    this.write(` ---> Running in ${shortId(pseudoContainer)}\n`);
    const parent = state.imageId;
    const layer = await this.backend.openLayer(parent);
    try {
      const dir = await resolveInScope(layer.root, rc.WorkingDir);
      await fsp.mkdir(dir, { recursive: true, mode: 0o755 });
      state.imageId = await layer.commit(this.commitOptions(state, containerConfig));
    } finally {
      await layer.release();
    }
    await this.remember(parent, state, containerConfig, state.imageId);
    if (this.opts.remove !== false || this.opts.forceRemove) this.write(`Removing intermediate container ${shortId(pseudoContainer)}\n`);
  }

  // ---- RUN -----------------------------------------------------------------------------------

  private runCommandLine(cmd: InstructionOf<'run'>, rc: RunConfig): string[] {
    const c = cmd.cmd;
    if (!c.files.length) return this.resolveCmdLine(c, rc);
    // Heredocs (BuildKit semantics): `RUN <<EOF` runs the body with the shell; otherwise the
    // heredocs are put back after the command line and the shell reads them.
    if (c.cmdLine.length !== 1 || !c.prependShell) throw new InvalidArgumentError('parsing produced an invalid run command');
    if (parseHeredoc(c.cmdLine[0])) {
      const f = c.files[0];
      return [...shellOf(rc), f.chomp ? chompHeredocContent(f.data) : f.data];
    }
    let full = c.cmdLine[0];
    for (const f of c.files) full += '\n' + f.data + f.name;
    return [...shellOf(rc), full];
  }

  private async dispatchRun(state: StageState, cmd: InstructionOf<'run'>): Promise<void> {
    let network = this.opts.networkMode || 'default';
    for (const flag of cmd.flagsUsed) {
      if (flag === 'network') {
        if (!['default', 'none', 'host'].includes(cmd.network)) throw new InvalidArgumentError(`unsupported network mode: ${cmd.network}`);
        if (cmd.network !== 'default') network = cmd.network;
      } else {
        throw new InvalidArgumentError(BUILDKIT_ONLY(flag));
      }
    }
    const rc = state.runConfig;
    const cmdFromArgs = this.runCommandLine(cmd, rc);
    const buildArgEnv = state.buildArgs.filterAllowed(rc.Env ?? []);
    let saveCmd = cmdFromArgs;
    if (buildArgEnv.length) {
      const recorded = buildArgEnv.filter((e) => state.buildArgs.isReferencedOrNotBuiltin(e.split('=', 1)[0])).sort();
      saveCmd = [`|${recorded.length}`, ...recorded, ...cmdFromArgs];
    }
    const probeConfig = cloneConfig(rc);
    probeConfig.Cmd = saveCmd;
    delete probeConfig.ArgsEscaped;
    if (saveCmd.length) probeConfig.Entrypoint = null;
    if (await this.probeCache(state, probeConfig)) return;

    const runConfig = cloneConfig(rc);
    runConfig.Cmd = cmdFromArgs;
    runConfig.Env = [...(rc.Env ?? []), ...buildArgEnv];
    if (saveCmd.length) runConfig.Entrypoint = [''];
    runConfig.Healthcheck = { Test: ['NONE'] };

    let containerId = '';
    const parent = state.imageId;
    let result: { containerId: string; exitCode: number };
    try {
      result = await this.backend.run({
        imageId: parent,
        config: runConfig,
        network,
        extraHosts: this.opts.extraHosts,
        signal: this.opts.signal,
        onCreated: (id) => {
          containerId = id;
          this.write(` ---> Running in ${shortId(id)}\n`);
        },
        onOutput: (chunk, stream) => this.out(stream === 'stderr' ? stderrStream(chunk.toString()) : { stream: chunk.toString() }),
      });
    } catch (e) {
      if (containerId && this.opts.forceRemove) await this.removeContainer(containerId);
      throw e;
    }
    containerId = result.containerId;
    if (result.exitCode !== 0) {
      if (this.opts.forceRemove) await this.removeContainer(containerId);
      throw new BuildStepError(`The command '${cmdFromArgs.join(' ')}' returned a non-zero code: ${result.exitCode}`, result.exitCode);
    }
    try {
      state.imageId = await this.backend.commitContainer(containerId, this.commitOptions(state, probeConfig));
    } catch (e) {
      if (this.opts.forceRemove) await this.removeContainer(containerId);
      throw e;
    }
    await this.remember(parent, state, probeConfig, state.imageId);
    if (this.opts.remove !== false || this.opts.forceRemove) await this.removeContainer(containerId);
  }

  private async removeContainer(id: string): Promise<void> {
    this.write(`Removing intermediate container ${shortId(id)}\n`);
    await this.backend.removeContainer(id);
  }

  // ---- COPY / ADD ----------------------------------------------------------------------------

  private async sourceForFrom(from: string): Promise<{ root: string; release(): Promise<void> }> {
    let imageRef = from;
    const idx = this.stageIndexByName.get(from.toLowerCase());
    if (idx !== undefined && this.stageImages.has(idx)) {
      imageRef = this.stageImages.get(idx)!;
    } else if (/^-?\d+$/.test(from)) {
      const i = Number(from);
      if (i === this.currentStageIndex) throw new InvalidArgumentError(`invalid from flag value ${from}: refers to current build stage`);
      if (i < 0 || i > this.currentStageIndex) throw new InvalidArgumentError(`invalid from flag value ${from}: index out of bounds`);
      imageRef = this.stageImages.get(i) ?? '';
    }
    if (imageRef === '') return { root: await this.emptyDir(), release: async () => {} };
    let image: BaseImage;
    try {
      image = await this.backend.getImage(imageRef, { pull: false });
    } catch (e: any) {
      if (e instanceof NotFoundError || e instanceof Error) throw new InvalidArgumentError(`invalid from flag value ${from}: ${e.message}`);
      throw e;
    }
    return this.backend.mountImage(image.id);
  }

  private async emptyDir(): Promise<string> {
    const d = await makeTempDir();
    this.tempDirs.push(d);
    return d;
  }

  private async dispatchCopy(state: StageState, cmd: InstructionOf<'copy'> | InstructionOf<'add'>): Promise<void> {
    const cmdName = cmd.name === 'copy' ? 'COPY' : 'ADD';
    const from = cmd.name === 'copy' ? cmd.from : '';
    if (cmd.name === 'copy' && cmd.parents) throw new InvalidArgumentError(BUILDKIT_ONLY('parents'));
    if (cmd.excludes.length) throw new InvalidArgumentError(BUILDKIT_ONLY('exclude'));
    const mode = cmd.chmod ? this.wrapCopy(cmdName, () => parseChmod(cmd.chmod)) : undefined;

    const source = from ? await this.sourceForFrom(from) : { root: this.opts.contextDir, release: async () => {} };
    try {
      const infos: CopyInfo[] = [];
      const tmp = await this.emptyDir();
      await this.wrapCopyAsync(cmdName, async () => {
        for (const s of cmd.sources) {
          if (isUrl(s)) {
            if (cmd.name === 'copy') throw new CopyError("source can't be a URL for COPY");
            infos.push(await downloadSource(s, cmd.dest, tmp, cmd.checksum));
          } else {
            if (cmd.name === 'add' && cmd.checksum) throw new CopyError('checksum can\'t be specified for non-HTTP(S) sources');
            infos.push(...(await collectLocalSources(source.root, [s], !!from, from ? undefined : this.context.tree)));
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
      if (await this.probeCache(state, containerConfig)) return;

      // COPY reads context files straight from the received context (written once, into the
      // layer); ADD may unpack local archives, which needs them extracted on disk.
      const fromContext = (info: CopyInfo): boolean => !from && info.root === this.opts.contextDir;
      const direct = cmd.name === 'copy';
      if (!direct && infos.some(fromContext)) await this.context.materialize();
      const parent = state.imageId;
      const t = tracer('copy', cmd.dest);
      const layer = await this.backend.openLayer(parent);
      t('layer opened');
      try {
        const dest = normalizeDest(state.runConfig.WorkingDir ?? '', cmd.dest);
        let identity: Identity | undefined = { uid: 0, gid: 0 };
        if (cmd.chown) identity = await this.wrapCopyAsync(cmdName, () => resolveChown(layer.root, cmd.chown), true);
        else if (from) identity = undefined;
        for (const info of infos) {
          await this.wrapCopyAsync(
            cmdName,
            () => performCopy(layer.root, dest, info, { identity, mode, decompress: cmd.name === 'add' }, direct && fromContext(info) ? this.context.tree : undefined),
            false,
            'failed to copy files',
          );
        }
        t('copied');
        state.imageId = await layer.commit(this.commitOptions(state, containerConfig));
        t('committed');
      } finally {
        await layer.release();
      }
      await this.remember(parent, state, containerConfig, state.imageId);
    } finally {
      await source.release();
    }
  }

  private wrapCopy<T>(cmdName: string, fn: () => T): T {
    try {
      return fn();
    } catch (e: any) {
      if (e instanceof CopyError) throw new InvalidArgumentError(`${cmdName} failed: ${e.message}`);
      throw e;
    }
  }

  private async wrapCopyAsync<T>(cmdName: string, fn: () => Promise<T>, bare = false, prefix?: string): Promise<T> {
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
}

function scratchImage(): BaseImage {
  return { id: '', config: {}, os: 'linux', architecture: '' };
}

/** Runs a classic-builder build. Progress goes to `output`; failures reject (see output.ts for the stream's error message). */
export async function build(backend: BuildBackend, opts: BuildOptions, output: BuildOutput): Promise<BuildResult> {
  return new Builder(backend, opts, output).run();
}

export { DockerfileParseError };
