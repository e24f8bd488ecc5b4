// The compose loader: from `-f` files, `.env` and the command line to the resolved project
// (src/compose/model.ts), as Docker Compose v2 (compose-go) loads it. Steps, each in its own
// module: project-options (files, directory, environment, profiles) → project-name → pipeline
// (yaml, interpolate, include, extends, merge, schema, canonical, defaults, paths) → normalize →
// to-model → select (profiles) → consistency → service-env (env_file, label_file).
import { readFileSync } from 'node:fs';
import type { LoadedProject, ServiceConfig } from '../model.js';
import { checkConsistency } from './consistency.js';
import { ComposeError } from './errors.js';
import { normalize } from './normalize.js';
import type { LoadOptions } from './options.js';
import { loadModel, type ConfigFile } from './pipeline.js';
import { resolveOptions } from './project-options.js';
import { projectName } from './project-name.js';
import { applyProfiles, profilesEnabling, selectServices, withoutUnusedResources } from './select.js';
import { resolveServiceEnvironment, resolveServiceLabels } from './service-env.js';
import { toProject } from './to-model.js';

export { ComposeError } from './errors.js';
export type { LoadOptions } from './options.js';

async function readFiles(files: string[], opts: LoadOptions): Promise<ConfigFile[]> {
  const out: ConfigFile[] = [];
  for (const f of files) {
    if (f === '-') {
      if (!opts.stdin) throw new ComposeError('reading the compose file from standard input is not supported here');
      out.push({ filename: '-', content: await opts.stdin() });
      continue;
    }
    try {
      out.push({ filename: f, content: readFileSync(f, 'utf8') });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new ComposeError(err.code === 'ENOENT' ? `open ${f}: no such file or directory` : `open ${f}: ${err.message}`);
    }
  }
  return out;
}

/** Loads the project the options describe. Throws ComposeError with compose's wording. */
export async function loadProject(opts: LoadOptions = {}): Promise<LoadedProject> {
  const warn = opts.warn ?? (() => {});
  const resolved = resolveOptions(opts);
  const files = await readFiles(resolved.files, opts);
  const { workingDir } = resolved;
  const name = projectName({
    flag: opts.projectName,
    environment: resolved.environment,
    workingDir,
    contents: files.map((f) => f.content ?? ''),
    interpolate: !opts.noInterpolate,
  });
  const environment = { ...resolved.environment, COMPOSE_PROJECT_NAME: name };

  const tree = loadModel(files, { interpolate: !opts.noInterpolate, resolvePaths: !opts.noPathResolution, warn }, workingDir, workingDir, environment, []);
  if (Object.keys(tree).length === 0) throw new ComposeError('empty compose file');
  tree.name = name;
  normalize(tree, name, environment);
  const { project, services: all } = toProject(tree, name);

  let profiles = resolved.profiles;
  let { enabled, disabled } = applyProfiles(all, profiles);
  project.services = enabled;
  if (!opts.noConsistency) checkConsistency(project, disabled);

  const selected = opts.services ?? [];
  const extra = profilesEnabling(selected, enabled, disabled);
  if (extra.length) {
    profiles = [...profiles, ...extra];
    ({ enabled, disabled } = applyProfiles(all, profiles));
    project.services = enabled;
  }
  selectServices(project, selected, disabled);
  if (!opts.allResources) withoutUnusedResources(project);

  for (const s of Object.values(project.services)) {
    if (!opts.noEnvResolution) resolveServiceEnvironment(s, environment, opts.discardEnvFiles ?? false);
    resolveServiceLabels(s, opts.discardEnvFiles ?? false);
  }
  const disabledServices: Record<string, ServiceConfig> = disabled;
  return {
    project,
    workingDir,
    configFiles: resolved.files,
    environment,
    envFiles: resolved.envFiles,
    profiles,
    disabledServices,
  };
}
