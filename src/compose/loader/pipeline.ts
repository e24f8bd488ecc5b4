// The per-file pipeline (compose-go's loadYamlFile / loadYamlModel): each document of each
// file is interpolated, its `include`s imported, its `!reset` paths dropped from what earlier
// files said, its `extends` applied, merged over the files before it, validated against the
// schema (naming the file), and turned to long syntax; once every file is in, defaults are filled
// in, extra checks run, relative paths are made absolute and `environment: [FOO]` resolved.
import { readFileSync } from 'node:fs';
import { canonical } from './canonical.js';
import { checkTree } from './checks.js';
import { setDefaults } from './defaults.js';
import { ComposeError } from './errors.js';
import { applyExtends } from './extends.js';
import { applyInclude } from './include.js';
import { interpolate } from './interpolate.js';
import { applyResets, enforceUnicity, mergeYaml } from './merge.js';
import { resolveEnvironment } from './normalize.js';
import { resolveRelativePaths } from './paths.js';
import { validateSchema } from './schema.js';
import { isMapping } from './tree.js';
import { parseComposeYaml } from './yaml.js';

type Dict = Record<string, unknown>;

export interface ConfigFile {
  /** Absolute path, or "-" for standard input. */
  filename: string;
  content?: string;
}

export interface PipelineOptions {
  interpolate: boolean;
  resolvePaths: boolean;
  warn: (message: string) => void;
  /** Skipped when loading the base file of an `extends`. */
  skipInclude?: boolean;
  skipExtends?: boolean;
  skipValidation?: boolean;
  skipDefaults?: boolean;
}

function readContent(file: ConfigFile): string {
  if (file.content !== undefined) return file.content;
  try {
    return readFileSync(file.filename, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new ComposeError(`open ${file.filename}: no such file or directory`);
    throw new ComposeError(`open ${file.filename}: ${err.message}`);
  }
}

/**
 * Loads one file into `dict` (what the files before it gave). `resourceDir` is where relative
 * `extends.file` / `include` paths resolve; `workingDir` is the project directory.
 */
export function loadFile(
  file: ConfigFile,
  dict: Dict,
  opts: PipelineOptions,
  workingDir: string,
  resourceDir: string,
  env: Record<string, string>,
  included: string[],
): { dict: Dict; resets: string[][] } {
  const text = readContent(file);
  const lookup = (k: string) => (Object.hasOwn(env, k) ? env[k] : undefined);
  let lastResets: string[][] = [];
  for (const doc of parseComposeYaml(text, file.filename)) {
    if (!isMapping(doc.value)) throw new ComposeError('top-level object must be a mapping');
    let cfg = doc.value;
    if (opts.interpolate) cfg = interpolate(cfg, { lookup, warn: opts.warn }) as Dict;
    if (!opts.skipInclude) {
      applyInclude(cfg, {
        workingDir: resourceDir,
        env,
        included: [...included, file.filename],
        resets: doc.resets,
        loadModel: (files, projectDir, subEnv, chain) =>
          loadModel(
            files.map((f) => ({ filename: f })),
            { ...opts, resolvePaths: true },
            projectDir,
            projectDir,
            subEnv,
            chain,
          ),
      });
    }
    applyResets(dict, doc.resets);
    if (!opts.skipExtends) {
      applyExtends(cfg, {
        file: file.filename,
        resourceDir,
        resets: doc.resets,
        loadFile: (f, dir) => {
          const loaded = loadFile({ filename: f }, {}, { ...opts, resolvePaths: false, skipInclude: true, skipExtends: true, skipValidation: true, skipDefaults: true }, dir, dir, env, []);
          return { tree: loaded.dict, resets: loaded.resets };
        },
      });
    }
    dict = mergeYaml(dict, cfg, []) as Dict;
    dict = enforceUnicity(dict) as Dict;
    if (!opts.skipValidation) {
      validateSchema(dict, file.filename);
      if ('version' in dict) {
        opts.warn(`${file.filename}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
        delete dict.version;
      }
    }
    dict = canonical(dict, opts.warn);
    dict = enforceUnicity(dict) as Dict;
    lastResets = doc.resets;
  }
  return { dict, resets: lastResets };
}

/** Loads and merges `files` as one model: the loader's core before normalization. */
export function loadModel(files: ConfigFile[], opts: PipelineOptions, workingDir: string, resourceDir: string, env: Record<string, string>, included: string[]): Dict {
  let dict: Dict = {};
  for (const f of files) dict = loadFile(f, dict, opts, workingDir, resourceDir, env, included).dict;
  if (!opts.skipDefaults) dict = setDefaults(dict);
  if (!opts.skipValidation) checkTree(dict);
  if (opts.resolvePaths) resolveRelativePaths(dict, workingDir);
  resolveEnvironment(dict, env);
  return dict;
}
