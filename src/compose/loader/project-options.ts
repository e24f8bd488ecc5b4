// From the command line and the environment to what to load (docker compose's
// toProjectOptions): the project directory, the environment (process env, then `.env` or the
// `--env-file`s, the process env winning), the compose files (`-f`, else COMPOSE_FILE split on
// COMPOSE_PATH_SEPARATOR, else compose.yaml & co. looked up from the current directory upwards,
// with the matching override file), and the active profiles (`--profile`, else COMPOSE_PROFILES).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { readEnvFiles } from './env-files.js';
import { ComposeError } from './errors.js';
import type { LoadOptions } from './options.js';

export const DEFAULT_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
export const DEFAULT_OVERRIDE_FILE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

export interface ResolvedOptions {
  /** Absolute paths ("-" for standard input). */
  files: string[];
  workingDir: string;
  environment: Record<string, string>;
  /** Env files actually read (absolute). */
  envFiles: string[];
  profiles: string[];
}

const truthy = (v: string | undefined) => v !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);

export function resolveOptions(opts: LoadOptions): ResolvedOptions {
  const cwd = opts.cwd ?? process.cwd();
  const warn = opts.warn ?? (() => {});
  const environment: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env ?? process.env)) if (v !== undefined) environment[k] = v;
  if (!('PWD' in environment)) environment.PWD = cwd;

  let files = (opts.files ?? []).map((f) => (f === '-' ? f : path.resolve(cwd, f)));
  const workingDirFor = () => {
    if (opts.projectDirectory) return path.resolve(cwd, opts.projectDirectory);
    const first = files.find((f) => f !== '-');
    return first ? path.dirname(first) : cwd;
  };
  const envFilesFor = (dir: string): string[] => {
    if (opts.envFiles && opts.envFiles.length > 0) return opts.envFiles.map((f) => path.resolve(cwd, f));
    if (truthy(process.env.COMPOSE_DISABLE_ENV_FILE)) return [];
    const dflt = path.join(dir, '.env');
    try {
      return statSync(dflt).isDirectory() ? [] : [dflt];
    } catch {
      return [];
    }
  };
  const mergeDotEnv = (list: string[]) => {
    const values = readEnvFiles(list, environment);
    for (const [k, v] of Object.entries(values)) if (!(k in environment)) environment[k] = v;
  };

  // .env of the current (or given) directory first: it may set COMPOSE_FILE.
  let envFiles = envFilesFor(workingDirFor());
  mergeDotEnv(envFiles);
  if (files.length === 0 && environment.COMPOSE_FILE !== undefined) {
    const sep = environment.COMPOSE_PATH_SEPARATOR || path.delimiter;
    files = environment.COMPOSE_FILE.split(sep).map((f) => {
      const abs = path.resolve(cwd, f);
      if (!existsSync(abs)) throw new ComposeError(`stat ${abs}: no such file or directory`);
      return abs;
    });
  }
  if (files.length === 0) files = findDefaultFiles(opts.projectDirectory ? path.resolve(cwd, opts.projectDirectory) : cwd, warn);
  if (files.length === 0) throw new ComposeError('no configuration file provided: not found');
  // …then the project directory's .env, now that the files are known.
  const workingDir = workingDirFor();
  const second = envFilesFor(workingDir);
  mergeDotEnv(second);
  envFiles = [...new Set([...envFiles, ...second])];

  let profiles = opts.profiles ?? [];
  if (profiles.length === 0) profiles = (environment.COMPOSE_PROFILES ?? '').split(',').map((s) => s.trim());
  profiles = profiles.filter((p) => p !== '');
  return { files, workingDir, environment, envFiles, profiles };
}

function findDefaultFiles(start: string, warn: (m: string) => void): string[] {
  let dir = start;
  for (;;) {
    const found = DEFAULT_FILE_NAMES.map((n) => path.join(dir, n)).filter((f) => existsSync(f));
    if (found.length > 0) {
      if (found.length > 1) {
        warn(`Found multiple config files with supported names: ${found.join(', ')}`);
        warn(`Using ${found[0]}`);
      }
      const files = [found[0]];
      const overrides = DEFAULT_OVERRIDE_FILE_NAMES.map((n) => path.join(dir, n)).filter((f) => existsSync(f));
      if (overrides.length > 1) {
        warn(`Found multiple override files with supported names: ${overrides.join(', ')}`);
        warn(`Using ${overrides[0]}`);
      }
      if (overrides.length > 0) files.push(overrides[0]);
      return files;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return [];
    dir = parent;
  }
}
