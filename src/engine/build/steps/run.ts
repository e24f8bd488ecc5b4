// RUN: the command runs in a real container on the stage's image (build args in its
// environment, output streamed to the client) and the container becomes the next image.
import { shortId } from '../../../util/ids.js';
import { InvalidArgumentError } from '../../errors.js';
import type { RunConfig } from '../backend.js';
import { BuildStepError, stderrStream } from '../output.js';
import { chompHeredocContent, parseHeredoc, type InstructionOf } from '../parser/index.js';
import { cloneConfig, resolveCmdLine, shellOf, type StageState } from '../run-config.js';
import { BUILDKIT_ONLY, type BuildSession } from '../session.js';
import { commitOptions, probeCache, remember } from './commit.js';

function runCommandLine(cmd: InstructionOf<'run'>, rc: RunConfig): string[] {
  const c = cmd.cmd;
  if (!c.files.length) return resolveCmdLine(c, rc);
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

async function removeContainer(s: BuildSession, id: string): Promise<void> {
  s.write(`Removing intermediate container ${shortId(id)}\n`);
  await s.backend.removeContainer(id);
}

export async function dispatchRun(s: BuildSession, state: StageState, cmd: InstructionOf<'run'>): Promise<void> {
  let network = s.opts.networkMode || 'default';
  for (const flag of cmd.flagsUsed) {
    if (flag === 'network') {
      if (!['default', 'none', 'host'].includes(cmd.network)) throw new InvalidArgumentError(`unsupported network mode: ${cmd.network}`);
      if (cmd.network !== 'default') network = cmd.network;
    } else {
      throw new InvalidArgumentError(BUILDKIT_ONLY(flag));
    }
  }
  const rc = state.runConfig;
  const cmdFromArgs = runCommandLine(cmd, rc);
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
  if (await probeCache(s, state, probeConfig)) return;

  const runConfig = cloneConfig(rc);
  runConfig.Cmd = cmdFromArgs;
  runConfig.Env = [...(rc.Env ?? []), ...buildArgEnv];
  if (saveCmd.length) runConfig.Entrypoint = [''];
  runConfig.Healthcheck = { Test: ['NONE'] };

  let containerId = '';
  const parent = state.imageId;
  let result: { containerId: string; exitCode: number };
  try {
    result = await s.backend.run({
      imageId: parent,
      config: runConfig,
      network,
      extraHosts: s.opts.extraHosts,
      signal: s.opts.signal,
      onCreated: (id) => {
        containerId = id;
        s.write(` ---> Running in ${shortId(id)}\n`);
      },
      onOutput: (chunk, stream) => s.out(stream === 'stderr' ? stderrStream(chunk.toString()) : { stream: chunk.toString() }),
    });
  } catch (e) {
    if (containerId && s.opts.forceRemove) await removeContainer(s, containerId);
    throw e;
  }
  containerId = result.containerId;
  if (result.exitCode !== 0) {
    if (s.opts.forceRemove) await removeContainer(s, containerId);
    throw new BuildStepError(`The command '${cmdFromArgs.join(' ')}' returned a non-zero code: ${result.exitCode}`, result.exitCode);
  }
  try {
    state.imageId = await s.backend.commitContainer(containerId, commitOptions(state, probeConfig));
  } catch (e) {
    if (s.opts.forceRemove) await removeContainer(s, containerId);
    throw e;
  }
  await remember(s, parent, state, probeConfig, state.imageId);
  if (s.removesIntermediate) await removeContainer(s, containerId);
}
