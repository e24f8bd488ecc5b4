// The project name, by compose's precedence: `-p`, then COMPOSE_PROJECT_NAME (the process
// environment or .env), then the top-level `name:` of the last file that has one (interpolated),
// then the project directory's base name. Names from `-p` and COMPOSE_PROJECT_NAME must already
// be valid; the others are normalized (lowercased, characters other than [a-z0-9_-] dropped,
// leading `_`/`-` trimmed).
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ComposeError } from './errors.js';
import { interpolate } from './interpolate.js';

export function normalizeProjectName(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

export function invalidProjectName(name: string): ComposeError {
  return new ComposeError(
    `invalid project name ${JSON.stringify(name)}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
  );
}

/** The `name:` of the last document that sets one, as written (before interpolation). */
export function nameInFiles(contents: string[]): string {
  let name = '';
  for (const text of contents) {
    try {
      for (const doc of parseAllDocuments(text, { prettyErrors: false })) {
        if (doc.errors.length) break;
        const v = (doc.toJS() as { name?: unknown } | null)?.name;
        if (typeof v === 'string' && v !== '') name = v;
      }
    } catch {
      // A file that does not parse is reported by the loader proper.
    }
  }
  return name;
}

export interface NameInputs {
  /** `-p`. */
  flag?: string;
  environment: Record<string, string>;
  workingDir: string;
  /** The files' contents, in order. */
  contents: string[];
  interpolate: boolean;
}

export function projectName(inputs: NameInputs): string {
  const imperative = inputs.flag || inputs.environment.COMPOSE_PROJECT_NAME || '';
  if (imperative) {
    if (normalizeProjectName(imperative) !== imperative) throw invalidProjectName(imperative);
    return imperative;
  }
  let fromFile = nameInFiles(inputs.contents);
  if (fromFile && inputs.interpolate) {
    const env = inputs.environment;
    fromFile = String((interpolate({ name: fromFile }, { lookup: (k) => (Object.hasOwn(env, k) ? env[k] : undefined) }) as { name: string }).name);
  }
  fromFile = normalizeProjectName(fromFile);
  const name = fromFile || normalizeProjectName(path.basename(inputs.workingDir));
  if (!name) throw new ComposeError('project name must not be empty');
  return name;
}
