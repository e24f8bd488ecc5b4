// One instruction of a stage: its words expanded with the stage's environment and build args
// (the Expand methods of Docker's instructions), then its effect (dockerd's dispatchers.go).
// Config-only instructions change the stage's config here and commit; RUN, COPY/ADD and WORKDIR
// have files of their own.
import { InvalidArgumentError } from '../../errors.js';
import { exposedPortKeys, validateSignal } from '../config-rules.js';
import { goQuoteSlice, goSlice } from '../go-format.js';
import type { Instruction } from '../parser/index.js';
import { formatHealth, resolveCmdLine, storedHealth, type StageState } from '../run-config.js';
import type { BuildSession } from '../session.js';
import { envFromList, ShellLex, type EnvGetter } from '../shell-lex.js';
import { commitConfigStep } from './commit.js';
import { dispatchCopy } from './copy.js';
import { dispatchRun } from './run.js';
import { dispatchWorkdir } from './workdir.js';

function envFor(state: StageState): EnvGetter {
  const env = state.runConfig.Env ?? [];
  return envFromList([...env, ...state.buildArgs.filterAllowed(env)]);
}

/** Single-word expansion of the arguments each instruction expands (Docker's Expand methods). */
function expandInstruction(s: BuildSession, state: StageState, cmd: Instruction): Instruction {
  const env = envFor(state);
  const x = (w: string): string => s.expand(s.lex, w, env);
  switch (cmd.name) {
    case 'env':
      return { ...cmd, env: cmd.env.map((kv) => ({ key: x(kv.key), value: x(kv.value) })) };
    case 'label':
      if (cmd.noExpand) return cmd;
      return { ...cmd, labels: cmd.labels.map((kv) => ({ key: x(kv.key), value: x(kv.value) })) };
    case 'add':
    case 'copy': {
      const raw = new ShellLex('\\', { skipProcessQuotes: true });
      const contents = cmd.contents.map((c) => (c.expand ? { ...c, data: s.expand(raw, c.data, env) } : c));
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
          ports.push(...s.lex.processWords(p, env));
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

export async function dispatch(s: BuildSession, state: StageState, raw: Instruction): Promise<void> {
  const cmd = expandInstruction(s, state, raw);
  const rc = state.runConfig;
  const commit = (comment: string): Promise<void> => commitConfigStep(s, state, comment);
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
      return commit(msg);
    }
    case 'maintainer':
      state.maintainer = cmd.maintainer;
      return commit('MAINTAINER ' + cmd.maintainer);
    case 'label': {
      rc.Labels = { ...(rc.Labels ?? {}) };
      let msg = 'LABEL';
      for (const { key, value } of cmd.labels) {
        rc.Labels[key] = value;
        msg += ` ${key}=${value}`;
      }
      return commit(msg);
    }
    case 'add':
    case 'copy':
      return dispatchCopy(s, state, cmd);
    case 'onbuild':
      rc.OnBuild = [...(rc.OnBuild ?? []), cmd.expression];
      return commit('ONBUILD ' + cmd.expression);
    case 'workdir':
      return dispatchWorkdir(s, state, cmd.path);
    case 'run':
      return dispatchRun(s, state, cmd);
    case 'cmd': {
      const c = resolveCmdLine(cmd.cmd, rc);
      rc.Cmd = c;
      delete rc.ArgsEscaped;
      await commit(`CMD ${goQuoteSlice(c ?? [])}`);
      if (cmd.cmd.cmdLine && cmd.cmd.cmdLine.length) state.cmdSet = true;
      return;
    }
    case 'entrypoint': {
      const c = cmd.cmd.cmdLine && cmd.cmd.cmdLine.length ? resolveCmdLine(cmd.cmd, rc) : null;
      rc.Entrypoint = c;
      delete rc.ArgsEscaped;
      if (!state.cmdSet) rc.Cmd = null;
      return commit(`ENTRYPOINT ${goQuoteSlice(c ?? [])}`);
    }
    case 'healthcheck': {
      const old = rc.Healthcheck?.Test;
      if (old && old.length && old[0] !== 'NONE') s.write(`Note: overriding previous HEALTHCHECK: ${goSlice(old)}\n`);
      rc.Healthcheck = storedHealth(cmd.health);
      return commit(`HEALTHCHECK ${formatHealth(cmd.health)}`);
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
      return commit('EXPOSE ' + cmd.ports.join(' '));
    }
    case 'user':
      rc.User = cmd.user;
      return commit(`USER ${cmd.user}`);
    case 'volume': {
      rc.Volumes = { ...(rc.Volumes ?? {}) };
      for (const v of cmd.volumes) {
        if (v === '') throw new InvalidArgumentError('VOLUME specified can not be an empty string');
        rc.Volumes[v] = {};
      }
      return commit(`VOLUME ${goSlice(cmd.volumes)}`);
    }
    case 'stopsignal':
      try {
        validateSignal(cmd.signal);
      } catch (e: any) {
        throw new InvalidArgumentError(e.message);
      }
      rc.StopSignal = cmd.signal;
      return commit(`STOPSIGNAL ${cmd.signal}`);
    case 'arg': {
      const parts: string[] = [];
      for (const a of cmd.args) {
        parts.push(a.value === undefined ? a.key : `${a.key}=${a.value}`);
        state.buildArgs.addArg(a.key, a.value);
      }
      return commit('ARG ' + parts.join(' '));
    }
    case 'shell':
      rc.Shell = [...cmd.shell];
      return commit(`SHELL ${goSlice(cmd.shell)}`);
  }
}
