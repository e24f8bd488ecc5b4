// Reading .env-style files: the project's `.env` / `--env-file`s (each may use the variables of
// the ones before and of the process environment) and a service's `env_file` entries
// (required or not, `format: raw` read literally).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DotenvError, parseDotenv } from './dotenv.js';
import { ComposeError } from './errors.js';

/** compose-go's dotenv.GetEnvFromFile: later files win; `current` (the process env) is looked up first. */
export function readEnvFiles(files: string[], current: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) {
    const abs = path.resolve(f);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new ComposeError(`couldn't find env file: ${abs}`);
    }
    if (st.isDirectory()) throw new ComposeError(`${abs} is a directory`);
    const text = readFileSync(abs, 'utf8');
    try {
      parseDotenv(text, (k) => (Object.hasOwn(current, k) ? current[k] : Object.hasOwn(out, k) ? out[k] : undefined), out);
    } catch (e) {
      if (e instanceof DotenvError) throw new ComposeError(`failed to read ${abs}: ${e.message}`);
      throw e;
    }
  }
  return out;
}

export interface ServiceEnvFile {
  path: string;
  required?: boolean;
  format?: string;
}

/** Reads one service env_file into `into`; a missing required file is compose's error. */
export function readServiceEnvFile(file: ServiceEnvFile, into: Record<string, string>, lookup: (k: string) => string | undefined): void {
  let text: string;
  try {
    text = readFileSync(file.path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      if (file.required === false) return;
      throw new ComposeError(`env file ${file.path} not found: stat ${file.path}: no such file or directory`);
    }
    throw e;
  }
  const format = file.format ?? '';
  if (format === 'raw') {
    for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      const eq = line.indexOf('=');
      if (eq < 0) into[line.trim()] = '';
      else into[line.slice(0, eq).trim()] = line.slice(eq + 1);
    }
    return;
  }
  if (format !== '' && format !== '.env') throw new ComposeError(`unsupported env_file format ${JSON.stringify(format)}`);
  try {
    parseDotenv(text, lookup, into);
  } catch (e) {
    if (e instanceof DotenvError) throw new ComposeError(`failed to read ${file.path}: ${e.message}`);
    throw e;
  }
}
