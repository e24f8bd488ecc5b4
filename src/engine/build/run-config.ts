// The image config a stage builds up (Docker's container.Config) and the rules that shape it
// between steps: copies, the shell, HEALTHCHECK's stored and history forms, WORKDIR paths.
import path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { RunConfig } from './backend.js';
import { formatGoDuration, goSlice } from './go-format.js';
import type { BuildArgs } from './build-args.js';
import type { CmdLine, HealthConfig } from './parser/index.js';

/** One stage's state while its instructions run. */
export interface StageState {
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

const DEFAULT_SHELL = ['/bin/sh', '-c'];

export function cloneConfig(c: RunConfig): RunConfig {
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

export const shellOf = (c: RunConfig): string[] => (c.Shell && c.Shell.length ? [...c.Shell] : [...DEFAULT_SHELL]);

/** resolveCmdLine: shell form gets the current SHELL prepended. */
export function resolveCmdLine(c: CmdLine, rc: RunConfig): string[] {
  return c.prependShell ? [...shellOf(rc), ...c.cmdLine] : [...c.cmdLine];
}

/** Docker's HEALTHCHECK history text: Go's `%+v` of *HealthConfig. */
export function formatHealth(h: HealthConfig): string {
  const d = (n?: number): string => formatGoDuration(n ?? 0);
  return `&{Test:${goSlice(h.Test)} Interval:${d(h.Interval)} Timeout:${d(h.Timeout)} StartPeriod:${d(h.StartPeriod)} StartInterval:${d(h.StartInterval)} Retries:${h.Retries ?? 0}}`;
}

/** The stored form: zero durations and retries are omitted, as Go's omitempty does. */
export function storedHealth(h: HealthConfig): HealthConfig {
  const out: HealthConfig = { Test: [...h.Test] };
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) if (h[k]) out[k] = h[k];
  return out;
}

export function normalizeWorkdir(current: string, requested: string): string {
  if (requested === '') throw new InvalidArgumentError('cannot normalize nothing');
  if (!requested.startsWith('/')) return path.posix.join('/', current || '', requested);
  return path.posix.normalize(requested).replace(/(.)\/+$/, '$1');
}
