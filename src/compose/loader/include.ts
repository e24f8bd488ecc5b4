// `include`: other compose files loaded as their own sub-projects (own project directory, own
// .env or env_file, paths resolved against their directory) whose services, networks, volumes,
// secrets, configs and models are brought into this file; what this file declares under the
// same name is merged over what was included. Cycles are refused.
import { statSync } from 'node:fs';
import path from 'node:path';
import { readEnvFiles } from './env-files.js';
import { ComposeError } from './errors.js';
import { applyResets, mergeYaml } from './merge.js';
import { isMapping } from './tree.js';

type Dict = Record<string, unknown>;

/** Loads files as a sub-project (compose-go's loadYamlModel): merged, validated, paths resolved. */
export type IncludeModelLoader = (files: string[], projectDir: string, env: Record<string, string>, included: string[]) => Dict;

export interface IncludeContext {
  /** Directory of the including project (relative paths resolve against it). */
  workingDir: string;
  env: Record<string, string>;
  /** Files being loaded, outermost first (cycle detection). */
  included: string[];
  resets: string[][];
  loadModel: IncludeModelLoader;
}

const asList = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

export function applyInclude(tree: Dict, ctx: IncludeContext): void {
  const source = tree.include;
  if (source === undefined || source === null) return;
  if (!Array.isArray(source)) throw new ComposeError(`\`include\` must be a list, got ${String(source)}`);
  for (const entry of source) {
    const r = typeof entry === 'string' ? { path: entry } : isMapping(entry) ? entry : {};
    const paths = asList(r.path).map((p) => path.resolve(ctx.workingDir, p));
    if (paths.length === 0) throw new ComposeError('include: path is required');
    let projectDir = typeof r.project_directory === 'string' ? r.project_directory : '';
    projectDir = projectDir === '' ? path.dirname(paths[0]) : path.resolve(ctx.workingDir, projectDir);
    if (ctx.included.includes(paths[0])) {
      const chain = [...ctx.included, paths[0]];
      throw new ComposeError(`include cycle detected:\n${chain[0]}\n include ${chain.slice(1).join('\n include ')}`);
    }
    let envFiles = asList(r.env_file);
    if (envFiles.length === 0) {
      const dflt = path.join(projectDir, '.env');
      envFiles = isFile(dflt) ? [dflt] : [];
    } else {
      envFiles = envFiles
        .filter((f) => f !== '/dev/null')
        .map((f) => {
          if (path.isAbsolute(f)) return f;
          const abs = path.join(ctx.workingDir, f);
          let st;
          try {
            st = statSync(abs);
          } catch {
            throw new ComposeError(`stat ${abs}: no such file or directory`);
          }
          if (st.isDirectory()) throw new ComposeError(`${abs} is not a file`);
          return abs;
        });
    }
    const fromFiles = readEnvFiles(envFiles, ctx.env);
    const env = { ...fromFiles, ...ctx.env };
    const imported = ctx.loadModel(paths, projectDir, env, ctx.included);
    importResources(imported, tree, ctx.resets);
  }
  delete tree.include;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function importResources(source: Dict, target: Dict, resets: string[][]): void {
  for (const key of ['services', 'volumes', 'networks', 'secrets', 'configs', 'models']) {
    const from = source[key];
    if (!isMapping(from)) continue;
    const to: Dict = isMapping(target[key]) ? target[key] : {};
    for (const [name, value] of Object.entries(from)) {
      if (!Object.hasOwn(to, name)) {
        to[name] = value;
        continue;
      }
      applyResets({ [key]: { [name]: value } }, resets);
      to[name] = mergeYaml(value, to[name], [key, name]);
    }
    target[key] = to;
  }
}
