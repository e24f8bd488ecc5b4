// Turning a create request into a container config: the image's defaults merged as Docker merges
// them (daemon/create.go + runconfig merge), and the command to run.
import type { ContainerConfigDefaults } from '../images/store.js';
import { InvalidArgumentError } from '../errors.js';
import type { ContainerConfig } from './types.js';
import type { HealthcheckConfig } from '../../api-types/containers.js';

function envKey(e: string): string {
  const i = e.indexOf('=');
  return i < 0 ? e : e.slice(0, i);
}

/** Image env first; the user's entries replace same-named ones. */
export function mergeEnv(imageEnv: string[] | null | undefined, userEnv: string[] | null | undefined): string[] {
  const out = [...(imageEnv ?? [])];
  for (const e of userEnv ?? []) {
    const k = envKey(e);
    const i = out.findIndex((x) => envKey(x) === k);
    if (i >= 0) out[i] = e;
    else out.push(e);
  }
  return out;
}

export function mergeConfig(user: Partial<ContainerConfig>, image: ContainerConfigDefaults | undefined, imageName: string): ContainerConfig {
  const img = image ?? {};
  let entrypoint = user.Entrypoint ?? null;
  let cmd = user.Cmd ?? null;
  if (!entrypoint || entrypoint.length === 0) {
    if (!cmd || cmd.length === 0) cmd = (img.Cmd as string[] | null | undefined) ?? null;
    if (user.Entrypoint === null || user.Entrypoint === undefined) entrypoint = (img.Entrypoint as string[] | null | undefined) ?? null;
  }
  const exposed = { ...((img.ExposedPorts as Record<string, object>) ?? {}), ...(user.ExposedPorts ?? {}) };
  const volumes = { ...((img.Volumes as Record<string, object>) ?? {}), ...(user.Volumes ?? {}) };
  const cfg: ContainerConfig = {
    Hostname: user.Hostname ?? '',
    Domainname: user.Domainname ?? '',
    User: user.User || (img.User as string) || '',
    AttachStdin: !!user.AttachStdin,
    AttachStdout: !!user.AttachStdout,
    AttachStderr: !!user.AttachStderr,
    Tty: !!user.Tty,
    OpenStdin: !!user.OpenStdin,
    StdinOnce: !!user.StdinOnce,
    Env: mergeEnv(img.Env as string[] | undefined, user.Env),
    Cmd: cmd && cmd.length ? cmd : null,
    Image: imageName,
    Volumes: Object.keys(volumes).length ? volumes : null,
    WorkingDir: user.WorkingDir || (img.WorkingDir as string) || '',
    Entrypoint: entrypoint && entrypoint.length && !(entrypoint.length === 1 && entrypoint[0] === '') ? entrypoint : null,
    OnBuild: null,
    Labels: { ...((img.Labels as Record<string, string>) ?? {}), ...(user.Labels ?? {}) },
  };
  if (Object.keys(exposed).length) cfg.ExposedPorts = exposed;
  const stopSignal = user.StopSignal || (img.StopSignal as string | undefined);
  if (stopSignal) cfg.StopSignal = stopSignal;
  if (user.StopTimeout !== undefined && user.StopTimeout !== null) cfg.StopTimeout = user.StopTimeout;
  const hc = healthcheckAsDocker(user.Healthcheck ?? img.Healthcheck);
  if (hc) cfg.Healthcheck = hc;
  if (user.MacAddress) cfg.MacAddress = user.MacAddress;
  if (user.Shell) cfg.Shell = user.Shell;
  if (!cfg.Env.some((e) => e.startsWith('PATH='))) cfg.Env.unshift('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  return cfg;
}

/**
 * A Healthcheck as dockerd keeps it: Go's HealthConfig has every field `omitempty`, so unset
 * (null, 0, empty) fields vanish rather than being echoed as null (the Python SDK sends nulls).
 */
export function healthcheckAsDocker(hc: unknown): HealthcheckConfig | undefined {
  if (!hc || typeof hc !== 'object') return undefined;
  const src = hc as Record<string, unknown>;
  const out: HealthcheckConfig = {};
  if (Array.isArray(src.Test) && src.Test.length) out.Test = src.Test as string[];
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    const v = src[k];
    if (typeof v === 'number' && v !== 0) out[k] = v;
  }
  return out;
}

/** Path and Args as inspect shows them: entrypoint + cmd, first word is the path. */
export function commandOf(cfg: ContainerConfig): { path: string; args: string[] } {
  const argv = [...(cfg.Entrypoint ?? []), ...(cfg.Cmd ?? [])];
  if (argv.length === 0) throw new InvalidArgumentError('no command specified');
  return { path: argv[0], args: argv.slice(1) };
}

/** Docker signal names and numbers: `SIGTERM`, `TERM`, `15`. */
export const SIGNALS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12, PIPE: 13,
  ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25,
  VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31,
};

export function parseSignal(s: string | undefined | null, dflt = 'SIGTERM'): { name: string; num: number } {
  const raw = (s || dflt).toUpperCase();
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    if (n < 1 || n > 64) throw new InvalidArgumentError(`Invalid signal: ${s}`);
    return { name: String(n), num: n };
  }
  const bare = raw.startsWith('SIG') ? raw.slice(3) : raw;
  const rt = /^RTMIN(?:\+(\d+))?$/.exec(bare);
  if (rt) return { name: String(34 + Number(rt[1] ?? 0)), num: 34 + Number(rt[1] ?? 0) };
  const n = SIGNALS[bare];
  if (!n) throw new InvalidArgumentError(`Invalid signal: ${s}`);
  return { name: 'SIG' + bare, num: n };
}
